import { fakeBrowser } from 'wxt/testing/fake-browser';
import { setupPanelBridge } from '@/lib/background/panel-bridge';
import { getTaskDetail } from '@/lib/db';
import { applyEarlierEvents, type PanelPortReply, type PanelTaskDetail } from '@/lib/messaging/panel-port';
import { useFreshDb } from '../db/helpers';
import { panelCall, startedFromPanel } from './panel-calls';

/**
 * A followed task over the panel's port: a running task's first detail carries its chain from the
 * current step on, and the earlier events follow in an `earlier` reply, so the panel ends with every
 * event (the step's earlier visits, the inputs' history).
 */
useFreshDb();

const chatUrl = 'https://chatgpt.com/c/c-1';
const panelSender = { id: fakeBrowser.runtime.id, url: `chrome-extension://${fakeBrowser.runtime.id}/panel.html`, frameId: 3, tab: { id: 7, url: chatUrl } };

function fakePort() {
  const messageListeners: ((m: unknown) => void)[] = [];
  const disconnectListeners: (() => void)[] = [];
  return {
    name: 'convops-panel-data',
    sender: panelSender,
    posted: [] as PanelPortReply[],
    onMessage: { addListener: (l: (m: unknown) => void) => void messageListeners.push(l) },
    onDisconnect: { addListener: (l: () => void) => void disconnectListeners.push(l) },
    postMessage(m: PanelPortReply) {
      this.posted.push(m);
    },
    disconnect() {},
    say: (m: unknown) => messageListeners.forEach((l) => l(m)),
    close: () => disconnectListeners.forEach((l) => l()),
  };
}

type ConnectListener = Parameters<typeof fakeBrowser.runtime.onConnect.addListener>[0];

describe('a followed task over the panel port', () => {
  it('sends a running task from its current step on, then the earlier events: together every event', async () => {
    const listeners: ConnectListener[] = [];
    vi.spyOn(fakeBrowser.runtime.onConnect, 'addListener').mockImplementation((l) => void listeners.push(l));
    vi.spyOn(fakeBrowser.runtime.onConnect, 'removeListener').mockImplementation(() => undefined);
    const stop = setupPanelBridge();
    const task = await startedFromPanel('Followed');
    await panelCall('add-note', { taskId: task.id, stepId: 'capture-process', body: 'A note' });
    await panelCall('act', { taskId: task.id, rev: task.rev, action: { type: 'complete-step', stepId: 'capture-process' } });
    const port = fakePort();
    listeners.forEach((l) => l(port as never));
    port.say({ kind: 'subscribe', id: 1, query: 'task-detail', args: { taskId: task.id } });
    await vi.waitFor(() => expect(port.posted.some((r) => r.kind === 'earlier')).toBe(true));
    const first = port.posted.find((r) => r.kind === 'detail')!;
    const earlier = port.posted.find((r) => r.kind === 'earlier')!;
    const detail = (first as { detail: PanelTaskDetail }).detail;
    const full = (await getTaskDetail(task.id))!;
    expect(detail.events.length).toBeLessThan(full.events.length);
    expect(detail.earlierThan).toBeDefined();
    const { before, events } = earlier as { before: number; events: PanelTaskDetail['events'] };
    expect(applyEarlierEvents(detail, before, events)).toEqual(full);
    port.close();
    stop();
  });
});

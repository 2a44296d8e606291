import { fakeBrowser } from 'wxt/testing/fake-browser';
import { setupPanelBridge } from '@/lib/background/panel-bridge';
import { getTaskDetail } from '@/lib/db';
import { applyEarlierEvents, applyLaterNotes, applyTaskDetailChange, type PanelPortReply, type PanelTaskDetail } from '@/lib/messaging/panel-port';
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
    await vi.waitFor(() => expect(port.posted.some((r) => r.kind === 'earlier') && port.posted.some((r) => r.kind === 'notes')).toBe(true));
    const first = port.posted.find((r) => r.kind === 'detail')!;
    const earlier = port.posted.find((r) => r.kind === 'earlier')!;
    const later = port.posted.find((r) => r.kind === 'notes')!;
    const detail = (first as { detail: PanelTaskDetail }).detail;
    const full = (await getTaskDetail(task.id))!;
    expect(detail.events.length).toBeLessThan(full.events.length);
    expect(detail.earlierThan).toBeDefined();
    // The note is on the step before: the first answer leaves it out, the notes reply brings it.
    expect(detail.notes).toEqual([]);
    expect(detail.notesToCome).toBe(true);
    expect(port.posted.indexOf(later)).toBeGreaterThan(port.posted.indexOf(first));
    const { before, events } = earlier as { before: number; events: PanelTaskDetail['events'] };
    const { notes } = later as { notes: PanelTaskDetail['notes'] };
    expect(applyLaterNotes(applyEarlierEvents(detail, before, events), notes)).toEqual(full);
    port.close();
    stop();
  });

  it('a change made right after the first answer goes out after the notes: applied in order, the panel ends with the full read', async () => {
    const listeners: ConnectListener[] = [];
    vi.spyOn(fakeBrowser.runtime.onConnect, 'addListener').mockImplementation((l) => void listeners.push(l));
    vi.spyOn(fakeBrowser.runtime.onConnect, 'removeListener').mockImplementation(() => undefined);
    const stop = setupPanelBridge();
    const task = await startedFromPanel('Followed while notes come');
    await panelCall('add-note', { taskId: task.id, stepId: 'capture-process', body: 'Earlier step' });
    const moved = (await panelCall('act', { taskId: task.id, rev: task.rev, action: { type: 'complete-step', stepId: 'capture-process' } })) as { currentStepId: string };
    const port = fakePort();
    listeners.forEach((l) => l(port as never));
    port.say({ kind: 'subscribe', id: 1, query: 'task-detail', args: { taskId: task.id } });
    await vi.waitFor(() => expect(port.posted.some((r) => r.kind === 'detail')).toBe(true));
    await panelCall('add-note', { taskId: task.id, stepId: moved.currentStepId, body: 'Meanwhile' });
    await vi.waitFor(() => expect(port.posted.some((r) => r.kind === 'change')).toBe(true));
    await vi.waitFor(() => expect(port.posted.some((r) => r.kind === 'earlier')).toBe(true));
    const kinds = port.posted.map((r) => r.kind).filter((k) => k !== 'earlier');
    expect(kinds.indexOf('notes')).toBeLessThan(kinds.indexOf('change'));
    let detail: PanelTaskDetail | null = null;
    for (const reply of port.posted) {
      if (reply.kind === 'detail') detail = reply.detail;
      else if (reply.kind === 'notes') detail = applyLaterNotes(detail!, reply.notes);
      else if (reply.kind === 'earlier') detail = applyEarlierEvents(detail!, reply.before, reply.events);
      else if (reply.kind === 'change') detail = applyTaskDetailChange(detail!, reply.change);
    }
    expect(detail).toEqual(await getTaskDetail(task.id));
    port.close();
    stop();
  });
});

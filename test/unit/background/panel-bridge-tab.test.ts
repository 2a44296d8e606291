import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { PanelPortReply } from '@/lib/messaging/panel-port';

/**
 * The panel's tab over its port: the page's state and the bound task pushed as they change, the
 * toolbar's commands, and the calls relayed to the tab's content script (always the panel's own tab,
 * top frame). The content-script messenger is replaced by a spy.
 */
const sendMessage = vi.fn();
vi.mock('@/lib/messaging/protocol', () => ({
  onMessage: () => () => undefined,
  sendMessage: (...args: unknown[]) => sendMessage(...args),
}));

const { runPanelCall, setupPanelBridge } = await import('@/lib/background/panel-bridge');
const { commandPanel, forgetTabStateForTests, readTab, setupTabState, writeBinding, writeHostState } = await import('@/lib/background/tab-state');

const chatUrl = 'https://chatgpt.com/c/68f1c2d4-1a2b-4c3d-8e9f-0123456789ab';
const health = {
  site: 'chatgpt' as const,
  generation: 'classic',
  composer: 'found' as const,
  messages: 'found' as const,
  streamingSignal: 'found' as const,
  conversationId: '68f1c2d4-1a2b-4c3d-8e9f-0123456789ab',
  matched: { composer: '#prompt-textarea' },
  checkedAt: '2026-10-01T00:00:00.000Z',
};
const state = { site: 'chatgpt' as const, url: chatUrl, conversationId: health.conversationId, health, streaming: false, theme: null, interference: 0, collapsed: false };
const ctx = { tabId: 7 };
const panelSender = { id: fakeBrowser.runtime.id, url: `chrome-extension://${fakeBrowser.runtime.id}/panel.html`, frameId: 3, tab: { id: 7, url: chatUrl } };

/** A runtime port as the background sees it, recording what it posts. */
function fakePort(sender: object) {
  const messageListeners: ((m: unknown) => void)[] = [];
  const disconnectListeners: (() => void)[] = [];
  return {
    name: 'convops-panel-data',
    sender,
    posted: [] as PanelPortReply[],
    disconnected: false,
    onMessage: { addListener: (l: (m: unknown) => void) => void messageListeners.push(l) },
    onDisconnect: { addListener: (l: () => void) => void disconnectListeners.push(l) },
    postMessage(m: PanelPortReply) {
      this.posted.push(m);
    },
    disconnect() {
      this.disconnected = true;
    },
    say: (m: unknown) => messageListeners.forEach((l) => l(m)),
    close: () => disconnectListeners.forEach((l) => l()),
  };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

// The fake browser has no ports: connections are handed to the bridge's listener here.
type ConnectListener = Parameters<typeof fakeBrowser.runtime.onConnect.addListener>[0];
let connectListeners: ConnectListener[] = [];
const connect = (port: object) => connectListeners.forEach((l) => l(port as never));

let stop: () => void = () => undefined;
beforeEach(() => {
  stop();
  fakeBrowser.reset();
  forgetTabStateForTests();
  sendMessage.mockReset();
  connectListeners = [];
  vi.spyOn(fakeBrowser.runtime.onConnect, 'addListener').mockImplementation((l) => void connectListeners.push(l));
  vi.spyOn(fakeBrowser.runtime.onConnect, 'removeListener').mockImplementation((l) => void (connectListeners = connectListeners.filter((c) => c !== l)));
  const stopBridge = setupPanelBridge();
  const stopTabs = setupTabState();
  stop = () => {
    stopBridge();
    stopTabs();
  };
});

describe('the panel port', () => {
  it('is refused to anything but our panel page framed in a chat tab', async () => {
    for (const sender of [
      { ...panelSender, url: `chrome-extension://${fakeBrowser.runtime.id}/options.html` },
      { ...panelSender, url: chatUrl },
      { ...panelSender, id: 'other-extension' },
      { ...panelSender, tab: { id: 7, url: 'https://evil.example/' } },
    ]) {
      const port = fakePort(sender);
      connect(port);
      expect(port.disconnected).toBe(true);
    }
  });

  it('pushes its tab (page state, bound task) as it changes, and hands it the toolbar commands', async () => {
    const port = fakePort(panelSender);
    connect(port);
    port.say({ kind: 'subscribe', id: 1, query: 'tab', args: {} });
    await settle();
    expect(port.posted).toEqual([{ kind: 'data', id: 1, value: { tabId: 7, host: null, binding: null } }]);
    await writeHostState(7, state);
    await writeBinding(7, { taskId: 't-1' });
    // Another tab's changes are not this panel's.
    await writeBinding(8, { taskId: 't-2' });
    expect(port.posted.slice(1)).toEqual([
      { kind: 'data', id: 1, value: { tabId: 7, host: state, binding: null } },
      { kind: 'data', id: 1, value: { tabId: 7, host: state, binding: { taskId: 't-1' } } },
    ]);
    expect(commandPanel(7, { name: 'send-step', id: 'c-1' })).toBe(true);
    expect(port.posted.at(-1)).toEqual({ kind: 'command', command: { name: 'send-step', id: 'c-1' } });
    expect(commandPanel(8, { name: 'send-step', id: 'c-2' })).toBe(false);
    port.close();
    expect(commandPanel(7, { name: 'send-step', id: 'c-3' })).toBe(false);
  });

  it('never lays its first answer over a newer state: the page reports while the tab is still being read', async () => {
    // A worker just started: the first answer waits for the stored tabs, and the content script's
    // report (the composer found) lands in that wait. The panel must end on the report, not on the
    // older record read before it (it stayed on "composer missing" for good).
    const port = fakePort(panelSender);
    connect(port);
    port.say({ kind: 'subscribe', id: 1, query: 'tab', args: {} });
    await writeHostState(7, state);
    await settle();
    expect(port.posted.at(-1)).toEqual({ kind: 'data', id: 1, value: { tabId: 7, host: state, binding: null } });
    expect(await readTab(7)).toEqual({ host: state, binding: null });
  });

  it('drops what is not a request, and answers an unknown query or call with nothing', async () => {
    const port = fakePort(panelSender);
    connect(port);
    for (const m of [null, 'x', { kind: 'call', id: 'one', op: 'verify' }, { kind: 'subscribe', id: 2, query: 'everything', args: {} }, { kind: 'call', id: 3, op: 'approve', args: {} }]) port.say(m);
    await settle();
    expect(port.posted).toEqual([]);
  });

  it('binding survives a service-worker restart; a closed tab is forgotten', async () => {
    await writeBinding(7, { taskId: 't-1', pendingHandoff: true });
    forgetTabStateForTests();
    expect((await readTab(7)).binding).toEqual({ taskId: 't-1', pendingHandoff: true });
    await fakeBrowser.tabs.onRemoved.trigger(7, { windowId: 1, isWindowClosing: false });
    await settle();
    expect(await readTab(7)).toEqual({ host: null, binding: null });
  });
});

describe('calls relayed to the tab', () => {
  it('insert goes to the content script of the panel’s own tab, top frame, and says when the page is not ready', async () => {
    sendMessage.mockResolvedValue({ ok: true, verified: true, sent: false });
    expect(await runPanelCall('insert', { text: 'Brief', send: false }, ctx)).toEqual({ ok: true, verified: true, sent: false });
    expect(sendMessage).toHaveBeenCalledWith('content.insert', { text: 'Brief', send: false }, { tabId: 7, frameId: 0 });
    sendMessage.mockRejectedValue(new Error('No response'));
    expect(await runPanelCall('insert', { text: 'x', send: true }, ctx)).toMatchObject({ ok: false, detail: expect.stringContaining('No response') });
    await expect(runPanelCall('insert', { text: '', send: true }, ctx)).rejects.toThrow();
  });

  it("makes the site report from the content script's outline, masking what the page put in it", async () => {
    (fakeBrowser.runtime as { getManifest: () => unknown }).getManifest = () => ({ version: '0.1.0' });
    const node = (depth: number, tag: string, attributes: string[], note = '') => [depth, tag, 'markdown px-4', attributes, 2, true, note];
    const outline = {
      site: 'chatgpt',
      url: `${chatUrl}?q=Zanzibarquux`,
      health,
      words: ['zanzibarquux', 'true'],
      sections: [
        { title: 'composer (as found)', lines: [node(0, 'body', []), node(1, 'form', ['data-type', 'unified-composer', 'data-draft', 'Zanzibarquux plans', 'aria-label', 'Ask anything'], ' [child 2 of 3]')] },
        { title: 'streaming signal', lines: null },
      ],
    };
    sendMessage.mockResolvedValueOnce({ outline });
    const report = (await runPanelCall('site-report', {}, ctx))?.report ?? '';
    expect(sendMessage).toHaveBeenCalledWith('content.site-report', undefined, { tabId: 7, frameId: 0 });
    expect(report).toContain('site: chatgpt · extension 0.1.0');
    expect(report).toContain('page: /c/<id>?q');
    expect(report).toContain('  <form .markdown data-type="unified-composer" data-draft="<18 chars>" aria-label="Ask anything"> (2 children + text) [child 2 of 3]');
    expect(report).toContain('## streaming signal\n(not found)');
    expect(report).not.toContain('Zanzibarquux');
    // A page that fed its content script something else gets no report at all.
    sendMessage.mockResolvedValueOnce({ outline: { ...outline, sections: [{ title: 'x', lines: [[0, 'div', '', ['a'], -1, false, '']] }] } });
    expect(await runPanelCall('site-report', {}, ctx)).toBeNull();
    sendMessage.mockResolvedValueOnce({ report: 'made up by the page' });
    expect(await runPanelCall('site-report', {}, ctx)).toBeNull();
    sendMessage.mockResolvedValueOnce({ site: 'chatgpt', failed: 'TypeError' });
    expect(await runPanelCall('site-report', {}, ctx)).toEqual({ report: '# ConvOps site report\nsite: chatgpt\n(the report failed: TypeError)' });
  });
});

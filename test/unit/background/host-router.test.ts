import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

type Handler = (message: { data: unknown; sender: Record<string, unknown> }) => unknown;
const handlers = new Map<string, Handler>();
const sendMessage = vi.fn();

vi.mock('@/lib/messaging/protocol', () => ({
  onMessage: (type: string, fn: Handler) => {
    handlers.set(type, fn);
    return () => handlers.delete(type);
  },
  sendMessage: (...args: unknown[]) => sendMessage(...args),
}));

const { registerHostRouter, getHostState } = await import('@/lib/background/host-router');
const { forgetTabStateForTests } = await import('@/lib/background/tab-state');

const chatUrl = 'https://chatgpt.com/c/68f1c2d4-1a2b-4c3d-8e9f-0123456789ab';
const contentSender = { id: 'test-extension-id', url: chatUrl, frameId: 0, tab: { id: 7, url: chatUrl } };
const panelSender = { id: 'test-extension-id', url: 'chrome-extension://test-extension-id/panel.html', frameId: 3, tab: { id: 7, url: chatUrl } };
const health = {
  site: 'chatgpt',
  generation: 'classic',
  composer: 'found',
  messages: 'found',
  streamingSignal: 'found',
  conversationId: '68f1c2d4-1a2b-4c3d-8e9f-0123456789ab',
  matched: { composer: '#prompt-textarea' },
  checkedAt: '2026-10-01T00:00:00.000Z',
};
const state = { site: 'chatgpt', url: chatUrl, conversationId: health.conversationId, health, streaming: false, theme: 'dark' };
const call = (type: string, data: unknown, sender: Record<string, unknown>) => handlers.get(type)!({ data, sender });

let dispose: () => void = () => undefined;
beforeEach(() => {
  dispose();
  fakeBrowser.reset();
  forgetTabStateForTests();
  sendMessage.mockReset();
});

describe('host router', () => {
  it('keeps the last host state per tab, and finds it again after a service-worker restart', async () => {
    dispose = registerHostRouter();
    await call('host.state', state, contentSender);
    // A content script that says nothing about interference reports none.
    const kept = { ...state, interference: 0, collapsed: false };
    expect(await getHostState(7)).toEqual(kept);
    forgetTabStateForTests();
    expect(await getHostState(7)).toEqual(kept);
  });

  it('rejects a state from another origin, a subframe, another extension, or a site it does not match', async () => {
    dispose = registerHostRouter();
    const tries = [
      { ...contentSender, url: 'https://evil.example/c/x' },
      { ...contentSender, frameId: 2 },
      { ...contentSender, id: 'other-extension' },
      { ...contentSender, url: 'https://claude.ai/chat/x' },
    ];
    for (const sender of tries) await call('host.state', { ...state, url: 'https://chatgpt.com/x' }, { ...sender, tab: { id: 9 } });
    expect(await getHostState(9)).toBeNull();
    await call('host.state', { ...state, streaming: 'yes' }, { ...contentSender, tab: { id: 10 } });
    expect(await getHostState(10)).toBeNull();
  });

  it('a panel frame going into a page is passed on with its tab, only from our content script of that site', async () => {
    const mounted = vi.fn();
    dispose = registerHostRouter({ onPanelMounted: mounted });
    const page = { site: 'chatgpt', url: chatUrl, conversationId: health.conversationId };
    for (const sender of [
      { ...contentSender, url: 'https://evil.example/c/x' },
      { ...contentSender, frameId: 2 },
      { ...contentSender, id: 'other-extension' },
      { ...contentSender, url: 'https://claude.ai/chat/x' },
    ]) {
      await call('host.panel-mounted', page, sender);
    }
    await call('host.panel-mounted', { ...page, conversationId: 42 }, contentSender);
    expect(mounted).not.toHaveBeenCalled();
    await call('host.panel-mounted', page, contentSender);
    expect(mounted).toHaveBeenCalledExactlyOnceWith(page, 7);
  });

  it('converts a finished reply to Markdown and hands it to the capture hook with the tab', async () => {
    const onReplyFinished = vi.fn(async () => ({ captured: true, noteId: 'n1' }));
    dispose = registerHostRouter({ onReplyFinished });
    const reply = { site: 'chatgpt', url: chatUrl, conversationId: health.conversationId, messageKey: 'm-1', html: '<h2>Plan</h2><pre><code class="language-py">x = 1</code></pre>' };
    expect(await call('host.reply-finished', reply, contentSender)).toEqual({ captured: true, noteId: 'n1' });
    expect(onReplyFinished).toHaveBeenCalledWith(expect.objectContaining({ messageKey: 'm-1', tabId: 7, markdown: '## Plan\n\n```py\nx = 1\n```' }));
  });

  it('a finished reply ends "streaming" in the state the panel reads (the content script no longer says so)', async () => {
    const onHostState = vi.fn();
    dispose = registerHostRouter({ onHostState });
    const sender = { ...contentSender, tab: { id: 11, url: chatUrl } };
    await call('host.state', { ...state, streaming: true }, sender);
    const reply = { site: 'chatgpt', url: chatUrl, conversationId: health.conversationId, messageKey: 'm-2', html: '<p>Done</p>' };
    // A reply from anything but that tab's content script changes nothing.
    await call('host.reply-finished', reply, { ...panelSender, tab: { id: 11, url: chatUrl } });
    await call('host.reply-finished', { ...reply, site: 'claude' }, sender);
    await new Promise((r) => setTimeout(r, 0));
    expect((await getHostState(11))?.streaming).toBe(true);
    // One it cannot take (here: no key) still means nothing streams there any more.
    expect(await call('host.reply-finished', { ...reply, messageKey: '' }, sender)).toEqual({ captured: false, reason: 'invalid' });
    await new Promise((r) => setTimeout(r, 0));
    expect((await getHostState(11))?.streaming).toBe(false);
    await call('host.state', { ...state, streaming: true }, sender);
    await call('host.reply-finished', reply, sender);
    await new Promise((r) => setTimeout(r, 0));
    // (The router fills in the fields a content script may leave out, e.g. `interference: 0`, `collapsed: false`.)
    const ended = { ...state, interference: 0, collapsed: false, streaming: false };
    expect(await getHostState(11)).toEqual(ended);
    forgetTabStateForTests();
    expect(await getHostState(11)).toEqual(ended);
    expect(onHostState).toHaveBeenLastCalledWith(ended, 11);
    // A reply from another page of the tab than the one last reported leaves the state alone.
    await call('host.state', { ...state, streaming: true }, sender);
    await call('host.reply-finished', { ...reply, url: 'https://chatgpt.com/c/other' }, sender);
    await new Promise((r) => setTimeout(r, 0));
    expect((await getHostState(11))?.streaming).toBe(true);
  });

  it('a message sent starts "streaming" in the state the panel reads (the content script no longer says so)', async () => {
    dispose = registerHostRouter({ onMessageSent: vi.fn() });
    const sender = { ...contentSender, tab: { id: 12, url: chatUrl } };
    await call('host.state', { ...state, streaming: false }, sender);
    const sent = { site: 'chatgpt', url: chatUrl, conversationId: health.conversationId };
    // From anything but that tab's content script, or from another page of the tab: nothing changes.
    await call('host.message-sent', sent, { ...panelSender, tab: { id: 12, url: chatUrl } });
    await call('host.message-sent', { ...sent, url: 'https://chatgpt.com/c/other' }, sender);
    await new Promise((r) => setTimeout(r, 0));
    expect((await getHostState(12))?.streaming).toBe(false);
    await call('host.message-sent', sent, sender);
    await new Promise((r) => setTimeout(r, 0));
    expect(await getHostState(12)).toEqual({ ...state, interference: 0, collapsed: false, streaming: true });
  });

  it('a sent message marks the page replying without overwriting a state the page reports at the same moment', async () => {
    dispose = registerHostRouter();
    const sender = { ...contentSender, tab: { id: 12, url: chatUrl } };
    await call('host.state', state, sender);
    // The send, and at once a newer state (the page moved on): the newer one is not lost to the mark.
    const moved = { ...state, url: `${chatUrl}?moved`, streaming: true };
    await Promise.all([call('host.message-sent', { site: 'chatgpt', url: chatUrl, conversationId: health.conversationId }, sender), call('host.state', moved, sender)]);
    await new Promise((r) => setTimeout(r, 0));
    expect(await getHostState(12)).toEqual({ ...moved, interference: 0, collapsed: false });
    // A send and its reply's end, asked for in that order, leave the page not replying.
    await call('host.state', state, sender);
    const reply = { site: 'chatgpt', url: chatUrl, conversationId: health.conversationId, messageKey: 'm-3', html: '<p>Done</p>' };
    await Promise.all([call('host.message-sent', { site: 'chatgpt', url: chatUrl, conversationId: health.conversationId }, sender), call('host.reply-finished', reply, sender)]);
    await new Promise((r) => setTimeout(r, 0));
    expect((await getHostState(12))?.streaming).toBe(false);
  });

  it('answers no-task without a hook and invalid for bad payloads or senders', async () => {
    dispose = registerHostRouter();
    const reply = { site: 'chatgpt', url: chatUrl, conversationId: null, messageKey: 'm-1', html: '<p>Hi</p>' };
    expect(await call('host.reply-finished', reply, contentSender)).toEqual({ captured: false, reason: 'no-task' });
    expect(await call('host.reply-finished', { ...reply, messageKey: '' }, contentSender)).toEqual({ captured: false, reason: 'invalid' });
    expect(await call('host.reply-finished', reply, panelSender)).toEqual({ captured: false, reason: 'invalid' });
  });

});

describe('panel sender with use_dynamic_url', () => {
  it('accepts our panel by its path under the session id, and nothing else', async () => {
    const { panelTabOf } = await import('@/lib/background/host-router');
    const sender = (s: object) => s as Parameters<typeof panelTabOf>[0];
    const base = { id: 'test-extension-id', frameId: 3, tab: { id: 7, url: 'https://chatgpt.com/c/x' } };
    expect(panelTabOf(sender({ ...base, url: 'chrome-extension://0b4e1c9a-6f0e-4d8e-9a4e-2f3c1d5e7a9b/panel.html' }))).toBe(7);
    expect(panelTabOf(sender({ ...base, url: 'chrome-extension://test-extension-id/options.html' }))).toBeNull();
    expect(panelTabOf(sender({ ...base, url: 'https://chatgpt.com/panel.html' }))).toBeNull();
    expect(panelTabOf(sender({ ...base, id: 'other', url: 'chrome-extension://other/panel.html' }))).toBeNull();
  });
});

import { defineExtensionMessaging } from '@webext-core/messaging';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProtocolMap } from '@/lib/messaging/protocol';

// One runtime shared by "both sides", delivering like Chromium: a listener answers through
// `sendResponse` after returning true, or declines by returning anything else.
type Listener = (message: unknown, sender: unknown, sendResponse: (r: unknown) => void) => unknown;
const listeners = new Set<Listener>();
const sender = { id: 'ext', frameId: 0, tab: { id: 7 }, url: 'https://chatgpt.com/c/x' };
function deliver(message: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    let waiting = false;
    for (const listener of [...listeners]) {
      if (listener(structuredClone(message), sender, (r) => resolve(structuredClone(r))) === true) waiting = true;
    }
    if (!waiting) resolve(undefined);
  });
}
const runtime = {
  id: 'ext',
  lastError: undefined,
  sendMessage: (message: unknown, callback?: (r: unknown) => void) => {
    const answer = deliver(message);
    if (callback) void answer.then(callback);
    return answer;
  },
  onMessage: { addListener: (l: Listener) => listeners.add(l), removeListener: (l: Listener) => listeners.delete(l) },
};
const fakeBrowser = { runtime, tabs: { sendMessage: (_tab: number, message: unknown, _o: unknown, cb: (r: unknown) => void) => void deliver(message).then(cb) } };
vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));
// The library (background and panel side) talks to the global `chrome`.
(globalThis as unknown as { chrome: unknown }).chrome = fakeBrowser;

const content = await import('@/lib/content/messenger');
const library = defineExtensionMessaging<ProtocolMap>();

const removers: (() => void)[] = [];
afterEach(() => {
  for (const remove of removers.splice(0)) remove();
  library.removeAllListeners();
});

const state = { site: 'chatgpt', url: 'https://chatgpt.com/c/x', conversationId: 'x', streaming: false, theme: null } as never;

describe('content-script messenger (same wire format as @webext-core/messaging)', () => {
  it('reaches a handler the background registered with the library, and gets its answer', async () => {
    const seen: unknown[] = [];
    removers.push(library.onMessage('host.reply-finished', ({ data, sender: from }) => {
      seen.push({ data, tab: from.tab?.id });
      return { captured: true, noteId: 'n1' };
    }));
    const reply = { site: 'chatgpt', url: 'https://chatgpt.com/c/x', conversationId: 'x', messageKey: 'k', html: '<p>hi</p>' } as const;
    await expect(content.sendMessage('host.reply-finished', reply)).resolves.toEqual({ captured: true, noteId: 'n1' });
    expect(seen).toEqual([{ data: reply, tab: 7 }]);
  });

  it('rejects when the background handler throws, or nobody answers', async () => {
    removers.push(library.onMessage('host.state', () => {
      throw new Error('refused');
    }));
    await expect(content.sendMessage('host.state', state)).rejects.toThrow('refused');
    await expect(content.sendMessage('host.message-sent', { site: 'chatgpt', url: 'https://chatgpt.com/', conversationId: null })).rejects.toThrow('No response');
  });

  it('answers the library when the background asks the content script, errors included', async () => {
    removers.push(content.onMessage('content.toggle-panel', () => ({ ok: true, collapsed: true })));
    removers.push(content.onMessage('content.insert', async ({ data }) => {
      if (data.text === 'boom') throw new TypeError('no composer');
      return { ok: true, verified: true, sent: data.send };
    }));
    await expect(library.sendMessage('content.toggle-panel', undefined, 7)).resolves.toEqual({ ok: true, collapsed: true });
    await expect(library.sendMessage('content.insert', { text: 'hello', send: true }, 7)).resolves.toEqual({ ok: true, verified: true, sent: true });
    const error = await library.sendMessage('content.insert', { text: 'boom', send: false }, 7).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('TypeError');
    expect((error as Error).message).toBe('no composer');
  });

  it('leaves messages of another shape or type to other listeners, and lets go of the runtime when the last handler goes', async () => {
    const remove = content.onMessage('content.new-chat', () => ({ ok: true }));
    expect(listeners.size).toBe(1);
    // Not the wire format (no timestamp), and a type nobody here handles: no answer, channel not held.
    await expect(deliver({ type: 'content.new-chat', data: undefined })).resolves.toBeUndefined();
    await expect(deliver({ id: 1, type: 'content.site-report', timestamp: Date.now() })).resolves.toBeUndefined();
    await expect(deliver({ id: 2, type: 'content.new-chat', timestamp: Date.now() })).resolves.toEqual({ res: { ok: true } });
    expect(() => content.onMessage('content.new-chat', () => ({ ok: false }))).toThrow();
    remove();
    expect(listeners.size).toBe(0);
  });
});

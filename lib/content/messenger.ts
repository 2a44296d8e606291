import { browser } from 'wxt/browser';
import type { ProtocolMap } from '@/lib/messaging/protocol';

/**
 * The content script's side of `lib/messaging/protocol.ts`, without `@webext-core/messaging`
 * (which, with its error serializer, was ~2 KB of the 12 KB content-script budget). It speaks the
 * same wire format, so the background and the panel keep the library:
 * - request: `{ type, data, timestamp }` (the library's root listener ignores anything else; its `id`
 *   is read only by its debug log);
 * - response: `{ res }`, or `{ err: { name, message, stack } }` (what `deserializeError` rebuilds; it
 *   needs a `stack` to see an error, sent empty: it would only show the content script's minified frames).
 * One root `runtime.onMessage` listener, one handler per type, as the library allows.
 */

type Type = keyof ProtocolMap;
type DataOf<T extends Type> = Parameters<ProtocolMap[T]>[0];
type ReturnOf<T extends Type> = ReturnType<ProtocolMap[T]>;
type Sender = Parameters<Parameters<typeof browser.runtime.onMessage.addListener>[0]>[1];
type Handler = (message: { data: unknown; sender: Sender }) => unknown;
interface Wire {
  id?: unknown;
  type?: unknown;
  data?: unknown;
  timestamp?: unknown;
}

/** Sends to the background; rejects when nobody answers or the handler threw. */
export async function sendMessage<T extends Type>(type: T, data: DataOf<T>): Promise<ReturnOf<T>> {
  // What the background's messaging library answers for this type (its handlers are typed by ProtocolMap).
  // No `id`: only the library's debug log reads it (bytes of the content script's budget).
  const reply: { res: ReturnOf<T>; err?: { message?: string } } | undefined = await browser.runtime.sendMessage({ type, data, timestamp: Date.now() });
  if (!reply) throw new Error('No response');
  if (reply.err != null) throw new Error(reply.err.message);
  return reply.res;
}

const handlers = new Map<string, Handler>();

// Every field of a message is checked before it is used (`Wire` says each may be anything).
const rootListener = (m: Wire | null, sender: Sender, sendResponse: (response: unknown) => void): boolean => {
  if (!m || typeof m !== 'object' || typeof m.type !== 'string' || typeof m.timestamp !== 'number') return false;
  const handler = handlers.get(m.type);
  if (!handler) return false;
  (async () => handler({ data: m.data, sender }))().then(
    (res) => sendResponse({ res }),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      sendResponse({ err: { name: e.name, message: e.message, stack: '' } });
    },
  );
  // Keeps the channel open for the asynchronous answer (Chromium and Firefox alike).
  return true;
};

/** Handles one message type from the background; returns the remover. */
export function onMessage<T extends Type>(type: T, handler: (message: { data: DataOf<T>; sender: Sender }) => ReturnOf<T> | Promise<ReturnOf<T>>): () => void {
  if (handlers.has(type)) throw new Error(`second listener: ${type}`);
  if (handlers.size === 0) browser.runtime.onMessage.addListener(rootListener);
  // The one cast at this seam: a handler typed for its message is stored with the others. What reaches
  // it comes from our own background, whose sender is typed by the same ProtocolMap.
  handlers.set(type, handler as Handler);
  return () => {
    handlers.delete(type);
    if (handlers.size === 0) browser.runtime.onMessage.removeListener(rootListener);
  };
}

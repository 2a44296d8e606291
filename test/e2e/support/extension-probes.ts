import type { Frame, Page, Worker } from '@playwright/test';
import type { InsertResult } from '../../../lib/messaging/protocol';
import type { HostState, ReplyFinished } from '../../../lib/messaging/schemas';
import { expect, type ExtensionGlobal } from './extension';

/**
 * Ways for end-to-end tests to see what the extension does on a host page, through its real
 * channels: the panel iframe and its port, and runtime messages in the @webext-core/messaging wire
 * format (`{ id, type, data, timestamp }`, answered with `{ res }` or `{ err }`).
 */

/** The panel iframe's frame, once the content script has mounted it. */
export async function panelFrame(page: Page, timeout = 15_000): Promise<Frame> {
  let frame: Frame | undefined;
  const isPanel = (url: string) => url.startsWith('chrome-extension://') && new URL(url).pathname.endsWith('/panel.html');
  await expect.poll(() => (frame = page.frames().find((f) => isPanel(f.url()))), { timeout }).toBeTruthy();
  return frame!;
}

/**
 * Asks the background over a panel port opened inside the panel frame, as the panel itself does: one
 * call (`op`) or the first answer of one live query (`query`).
 */
export async function askFromPanel<T>(frame: Frame, request: { kind: 'call'; op: string; args: unknown } | { kind: 'subscribe'; query: string; args: unknown }): Promise<T> {
  const reply = await frame.evaluate(
    (request) =>
      new Promise<{ kind: string; value?: unknown; error?: { message?: string } }>((resolve) => {
        const port = (globalThis as ExtensionGlobal).chrome.runtime.connect({ name: 'convops-panel-data' });
        const id = Math.floor(Math.random() * 1e6);
        port.onMessage.addListener((message: { id?: number; kind: string; value?: unknown; error?: { message?: string } }) => {
          if (message.id !== id) return;
          port.disconnect();
          resolve(message);
        });
        port.onDisconnect.addListener(() => resolve({ kind: 'error', error: { message: 'port refused' } }));
        port.postMessage({ ...request, id });
      }),
    request,
  );
  if (reply.kind === 'error') throw new Error(`${JSON.stringify(request)} failed: ${reply.error?.message ?? 'no answer'}`);
  return reply.value as T;
}

export function insertFromPanel(frame: Frame, text: string, send = false): Promise<InsertResult> {
  return askFromPanel<InsertResult>(frame, { kind: 'call', op: 'insert', args: { text, send } });
}

export async function hostStateFromPanel(frame: Frame): Promise<HostState | null> {
  return (await askFromPanel<{ host: HostState | null }>(frame, { kind: 'subscribe', query: 'tab', args: {} })).host;
}

/**
 * Records every `host.reply-finished` the background receives (a second runtime.onMessage listener
 * in the service worker sees the same messages as the extension's router and answers nothing).
 */
export async function recordReplyReports(serviceWorker: Worker): Promise<() => Promise<ReplyFinished[]>> {
  await serviceWorker.evaluate(() => {
    const scope = globalThis as ExtensionGlobal & { __e2eReplies?: unknown[] };
    if (scope.__e2eReplies) return;
    scope.__e2eReplies = [];
    scope.chrome.runtime.onMessage.addListener((message: unknown) => {
      const m = message as { type?: string; data?: unknown };
      if (m?.type === 'host.reply-finished') scope.__e2eReplies!.push(m.data);
      return undefined;
    });
  });
  return () => serviceWorker.evaluate(() => [...((globalThis as { __e2eReplies?: ReplyFinished[] }).__e2eReplies ?? [])]);
}

/**
 * Records the words the background passes to a page's pill (`content.attention`, each a message into
 * the host page's main thread), by wrapping `chrome.tabs.sendMessage` in the service worker (the
 * messaging library reads it at each call).
 */
export async function recordPillWords(serviceWorker: Worker): Promise<() => Promise<unknown[]>> {
  await serviceWorker.evaluate(() => {
    const scope = globalThis as ExtensionGlobal & { __e2ePillWords?: unknown[] };
    if (scope.__e2ePillWords) return;
    const words: unknown[] = (scope.__e2ePillWords = []);
    const tabs = scope.chrome.tabs as unknown as { sendMessage: (...args: unknown[]) => unknown };
    const send = tabs.sendMessage;
    tabs.sendMessage = function (...args: unknown[]) {
      const m = args[1] as { type?: string; data?: unknown } | undefined;
      if (m?.type === 'content.attention') words.push(m.data);
      return send.apply(this, args);
    };
  });
  return () => serviceWorker.evaluate(() => [...((globalThis as { __e2ePillWords?: unknown[] }).__e2ePillWords ?? [])]);
}

/**
 * Collects errors the extension causes on the page: uncaught exceptions and console errors whose
 * stack or location points at chrome-extension://.
 */
export function collectExtensionErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => {
    if (`${error.stack ?? ''}${error.message}`.includes('chrome-extension://')) errors.push(error.stack ?? error.message);
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (message.location().url.startsWith('chrome-extension://') || message.text().includes('chrome-extension://')) errors.push(message.text());
  });
  return errors;
}

type Box = { x: number; y: number; width: number; height: number };

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

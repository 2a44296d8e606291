import type { Frame, Page, Worker } from '@playwright/test';
import type { InsertResult } from '../../../lib/hosts/types';
import type { HostState, ReplyFinished } from '../../../lib/messaging/protocol';
import { expect, type ExtensionGlobal } from './extension';

/**
 * Ways for end-to-end tests to see what the extension does on a host page, through its real
 * channels: the panel iframe and runtime messages in the @webext-core/messaging wire format
 * (`{ id, type, data, timestamp }`, answered with `{ res }` or `{ err }`).
 */

/** The panel iframe's frame, once the content script has mounted it. */
export async function panelFrame(page: Page, timeout = 15_000): Promise<Frame> {
  let frame: Frame | undefined;
  const isPanel = (url: string) => url.startsWith('chrome-extension://') && new URL(url).pathname.endsWith('/panel.html');
  await expect.poll(() => (frame = page.frames().find((f) => isPanel(f.url()))), { timeout }).toBeTruthy();
  return frame!;
}

/** Sends a runtime message from inside the panel frame, as the panel itself would. */
export async function sendFromPanel<T>(frame: Frame, type: string, data?: unknown): Promise<T> {
  const reply = await frame.evaluate(
    async ({ type, data }) =>
      (globalThis as ExtensionGlobal).chrome.runtime.sendMessage({ id: Math.floor(Math.random() * 1e6), type, data, timestamp: Date.now() }) as Promise<{
        res?: unknown;
        err?: { message?: string };
      }>,
    { type, data },
  );
  if (!reply || reply.err) throw new Error(`${type} failed: ${reply?.err?.message ?? 'no response'}`);
  return reply.res as T;
}

export function insertFromPanel(frame: Frame, text: string, send = false): Promise<InsertResult> {
  return sendFromPanel<InsertResult>(frame, 'panel.insert', { text, send });
}

export function hostStateFromPanel(frame: Frame): Promise<HostState | null> {
  return sendFromPanel<HostState | null>(frame, 'panel.get-host-state');
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

import { storage } from 'wxt/utils/storage';
import type { Actor } from '@/lib/workflow/records';

/**
 * When the reply now streaming in each tab began (a send, or the first streaming report). A line in
 * a reply that began before its step became current answers an earlier moment and does not count.
 * In memory: after a service-worker restart mid-reply the start is unknown and the line counts.
 */
const replyStarts = new Map<number, string>();

/** A message was sent: the reply to come starts now. */
export function markReplyStart(tabId: number): void {
  replyStarts.set(tabId, new Date().toISOString());
}

/** The page says a reply streams: it started now unless a send already said when. */
export function markStreaming(tabId: number): void {
  if (!replyStarts.has(tabId)) markReplyStart(tabId);
}

/** The reply finished: when it began, forgotten for the next one. */
export function takeReplyStart(tabId: number): string | undefined {
  const start = replyStarts.get(tabId);
  replyStarts.delete(tabId);
  return start;
}

/**
 * Sends the extension asked a tab's content script for (a briefing sent on insert, the panel's Send):
 * the `message.sent` the page reports next is recorded under who asked — ConvOps itself when the
 * conductor auto-sent, the person when they pressed Send in the panel — not as the person's typing.
 * Kept in `storage.session` too: a worker stopped while the page sends starts again on the page's
 * report, and must still know who asked.
 */
type ExpectedSend = { actor: Actor; until: number };
const expectedSends = new Map<number, ExpectedSend>();
const expectedSendsItem = storage.defineItem<Record<string, ExpectedSend>>('session:convops.expected-sends', { fallback: {} });

async function keepExpectedSends(): Promise<void> {
  const now = Date.now();
  await expectedSendsItem.setValue(Object.fromEntries([...expectedSends].filter(([, e]) => e.until >= now))).catch(() => undefined);
}

export async function expectSend(tabId: number, actor: Actor): Promise<void> {
  expectedSends.set(tabId, { actor, until: Date.now() + 15_000 });
  await keepExpectedSends();
}

export async function takeExpectedSend(tabId: number): Promise<Actor | null> {
  let expected = expectedSends.get(tabId);
  if (!expected) expected = (await expectedSendsItem.getValue().catch((): Record<string, ExpectedSend> => ({})))[String(tabId)];
  expectedSends.delete(tabId);
  if (expected) await keepExpectedSends();
  return expected && expected.until >= Date.now() ? expected.actor : null;
}

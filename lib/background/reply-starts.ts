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

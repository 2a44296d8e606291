import type { AuditEvent } from '@/lib/workflow/records';

/**
 * The task timeline as a manager reads it: routine events (a briefing inserted, a message sent, a
 * reply captured, a new chat getting its address) that follow each other on one step fold into one
 * row under that step; decisions, completions and everything a person chose stay rows of their own.
 * Pure, so the grouping is unit-tested; the page only renders it.
 */

export type TimelineItem =
  | { kind: 'event'; key: string; event: AuditEvent }
  | { kind: 'fold'; key: string; stepId: string | undefined; events: AuditEvent[] };

export function isRoutine(event: Pick<AuditEvent, 'type' | 'data'>): boolean {
  switch (event.type) {
    case 'briefing.inserted':
    case 'message.sent':
    case 'response.captured':
      return true;
    case 'task.moved-conversation':
      return event.data?.['reason'] === 'url-assigned';
    default:
      return false;
  }
}

/** Events in `seq` order, runs of two or more routine events on the same step folded. */
export function foldTimeline(events: readonly AuditEvent[]): TimelineItem[] {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const items: TimelineItem[] = [];
  let run: AuditEvent[] = [];
  const flush = () => {
    if (run.length === 1) items.push({ kind: 'event', key: `e${run[0]!.seq}`, event: run[0]! });
    else if (run.length > 1) items.push({ kind: 'fold', key: `f${run[0]!.seq}`, stepId: run[0]!.stepId, events: run });
    run = [];
  };
  for (const event of sorted) {
    if (isRoutine(event)) {
      if (run.length > 0 && run[0]!.stepId !== event.stepId) flush();
      run.push(event);
      continue;
    }
    flush();
    items.push({ kind: 'event', key: `e${event.seq}`, event });
  }
  flush();
  return items;
}

const PHRASES: Record<string, [one: string, many: (n: number) => string]> = {
  'briefing.inserted': ['briefing inserted', (n) => `${n} briefings inserted`],
  'briefing.by-convops': ['briefing put in by ConvOps', (n) => `${n} briefings put in by ConvOps`],
  'message.sent': ['message sent', (n) => `${n} messages sent`],
  'response.captured': ['reply captured', (n) => `${n} replies captured`],
  'task.moved-conversation': ['the conversation got its address', () => 'the conversation got its address'],
};

/** "briefing inserted, message sent, 3 replies captured": what a fold holds, in the order it first happened. */
export function foldSummary(events: ReadonlyArray<Pick<AuditEvent, 'type'> & { actor?: Pick<AuditEvent['actor'], 'kind'> }>): string {
  const counts = new Map<string, number>();
  for (const event of events) {
    const key = event.type === 'briefing.inserted' && event.actor?.kind === 'system' ? 'briefing.by-convops' : event.type;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const parts = [...counts].map(([type, n]) => {
    const phrase = PHRASES[type];
    return phrase ? (n === 1 ? phrase[0] : phrase[1](n)) : `${n} × ${type}`;
  });
  const text = parts.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

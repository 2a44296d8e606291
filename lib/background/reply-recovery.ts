import type { AuditEvent, EventType } from '@/lib/workflow/records';

/** Events after which a reply no longer belongs where a missed one would go. */
const MOVES_ON: ReadonlySet<EventType> = new Set<EventType>([
  'response.captured',
  'step.completed',
  'gate.approved',
  'gate.rejected',
  'task.moved-conversation',
  'task.completed',
  'task.cancelled',
]);

/**
 * Whether the task still waits for the reply to a message it sent: its latest `message.sent` comes
 * after its last capture (and after anything that moved it on). Only then is a finished reply found
 * when a conversation opens a reply that was missed (the tab closed before it was stored); otherwise
 * it is one from before, which the task either has already or never asked for. The capture itself is
 * idempotent by message key, so a reply seen twice is kept once.
 */
export function awaitsReply(events: readonly AuditEvent[]): boolean {
  for (let i = events.length - 1; i >= 0; i--) {
    const type = events[i]!.type;
    if (type === 'message.sent') return true;
    if (MOVES_ON.has(type)) return false;
  }
  return false;
}

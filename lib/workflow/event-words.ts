import type { AuditEvent, EventType } from './records';

/**
 * The words of the record: one line per audit event, for the timeline, the printable report and the
 * Markdown export (the options pages). Apart from `labels.ts` so the panel's and the review window's
 * scripts do not carry them.
 */

/** Every event type has words (the type checker says when a new one lacks them); moves are worded by reason below. */
const EVENT_LABELS: Record<Exclude<EventType, 'task.moved-conversation'>, string> = {
  'task.started': 'Started the task',
  'briefing.inserted': 'Inserted the briefing',
  'message.sent': 'Sent the message',
  'response.captured': 'Captured a reply',
  'note.added': 'Added a note',
  'note.edited': 'Edited a note',
  'note.deleted': 'Deleted a note',
  'note.hashed': "Recorded a note's hash",
  'note.result-marked': "Marked a note as the step's result",
  'step.completed': 'Completed the step',
  'step.reopened': 'Reopened the step',
  'completion.ignored': 'Ignored a completion line',
  'task.drive-mode': 'Switched drive mode',
  'input.changed': 'Changed an input',
  'gate.requested': 'Asked for a decision',
  'gate.approved': 'Approved',
  'gate.rejected': 'Rejected and sent back',
  'task.completed': 'Completed the task',
  'task.cancelled': 'Cancelled the task',
  'workflow.created': 'Created the workflow',
  'workflow.updated': 'Saved a new version of the workflow',
  'workflow.deleted': 'Deleted the workflow',
  'workflow.imported': 'Imported the workflow',
  'settings.changed': 'Changed the settings',
  'task.imported': 'Merged the task from a file',
};

/** Why a task's conversation changed, in words: only a handoff or a person's move is a real move. */
const MOVE_LABELS: Record<string, string> = {
  'url-assigned': 'The conversation got its address',
  handoff: 'Continued in a new conversation',
  manual: 'Moved the task to another conversation',
  'site-switch': 'Went back to its chat on the other site for this step',
};

/** Plain words for an audit event, shared by the timeline, the printable report and the Markdown export. */
export function describeEvent(event: Pick<AuditEvent, 'type' | 'data'> & { actor?: Pick<AuditEvent['actor'], 'kind'> }): string {
  // Drive mode's own insert is ConvOps's act, not the person's: worded apart.
  if (event.type === 'briefing.inserted' && event.actor?.kind === 'system') {
    return event.data?.['sent'] === true ? 'ConvOps put the next briefing in and sent it (drive mode)' : 'ConvOps put the next briefing in the prompt box (drive mode)';
  }
  if (event.type === 'briefing.inserted' && event.data?.['sent'] === true) return 'Inserted and sent the briefing';
  if (event.type === 'task.moved-conversation') {
    const reason = event.data?.['reason'];
    return (typeof reason === 'string' ? MOVE_LABELS[reason] : undefined) ?? MOVE_LABELS['manual']!;
  }
  if (event.type === 'input.changed') {
    const label = event.data?.['label'] ?? event.data?.['name'];
    const shown = (value: unknown) => (typeof value === 'string' && value !== '' ? `“${value.length > 80 ? `${value.slice(0, 79)}…` : value}”` : 'empty');
    if (typeof label === 'string') return `Changed “${label}” from ${shown(event.data?.['from'])} to ${shown(event.data?.['to'])}`;
  }
  return (EVENT_LABELS as Record<string, string>)[event.type] ?? event.type;
}

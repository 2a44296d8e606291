import type { StepState } from './engine';
import type { AuditEvent, EventType, Note, Site, TaskStatus } from './records';
import type { GateDecider, GateType } from './schema';

/**
 * The words people read for the codes the records keep. One map per code, used by the panel, the
 * options pages and the reports, so a status reads the same everywhere and no internal code
 * ("awaiting-approval", "url-assigned") reaches the screen. Type-only imports: the panel can use
 * this module without pulling Zod in.
 */

/** The sites by their own names: the panel, the options pages and the AI actor's name in the record. */
export const SITE_LABELS: Record<Site, string> = { chatgpt: 'ChatGPT', claude: 'Claude' };

/** Why a rejection without a comment is refused, in the gate card and the review window alike. */
export const REJECT_NEEDS_COMMENT = 'Say what needs to change: the comment goes into the next briefing.';

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  active: 'Active',
  'awaiting-approval': 'Waiting for approval',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export const STEP_STATE_LABELS: Record<StepState, string> = {
  done: 'Done',
  current: 'Current',
  'awaiting-approval': 'Waiting for approval',
  todo: 'To do',
};

export const GATE_TYPE_LABELS: Record<GateType, string> = {
  approval: 'Approval',
  review: 'Review',
  'sign-off': 'Sign-off',
  handoff: 'Handoff',
};

/** Who may decide a gate, in the editor's words. */
export const GATE_DECIDER_LABELS: Record<GateDecider, string> = {
  anyone: 'Anyone',
  approver: 'An approver of the team',
  'approver-not-operator': 'An approver other than the person who did the step (four eyes)',
};

export const NOTE_SOURCE_LABELS: Record<Note['source'], string> = {
  captured: 'Captured reply',
  manual: 'Written by hand',
  handoff: 'Handoff',
};

export const ACTOR_KIND_LABELS: Record<AuditEvent['actor']['kind'], string> = {
  human: 'person',
  ai: 'AI',
  system: 'ConvOps',
};

/** A status label, falling back to the code itself for a value a newer version may have written. */
export function taskStatusLabel(status: string): string {
  return (TASK_STATUS_LABELS as Record<string, string>)[status] ?? status;
}

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

/**
 * The standards a task ran with, as its report says it: "Team standards used (version 3, published
 * by Ana Lead in the team workspace)", or "(version 2)" for this browser's Settings → Standards.
 */
export function teamStandardsUsedLabel(standards: { version: number; publishedBy?: { name: string } | undefined }): string {
  return standards.publishedBy
    ? `Team standards used (version ${standards.version}, published by ${standards.publishedBy.name} in the team workspace)`
    : `Team standards used (version ${standards.version})`;
}

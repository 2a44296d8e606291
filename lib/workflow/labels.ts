import type { StepState } from './engine';
import type { AuditEvent, Note, Site, TaskStatus } from './records';
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

import type { WireError } from '@/lib/messaging/wire-error';
import type { Gate } from '@/lib/workflow/schema';

export type { ReviewPortRequest } from '@/lib/messaging/schemas';

/**
 * What the review window and the background say to each other over the review port (see
 * review-window.ts). Types only, so the review page does not bundle the background.
 */

export const REVIEW_PORT = 'convops-review';
/** What the review window shows. `decided` is set once the gate is no longer waiting (here or elsewhere). */
export interface ReviewView {
  taskId: string;
  taskTitle: string;
  workflowName: string;
  stepId: string;
  stepTitle: string;
  stepNumber: number;
  stepCount: number;
  gate: Gate;
  rejectTo: string;
  rev: number;
  /** The title of the step whose result is judged (the reviewed step, at a second opinion's gate). */
  resultTitle: string;
  /** The step's result (see stepResultNote): Markdown, rendered without raw HTML. */
  result: { body: string; source: string; by: string; at: string } | null;
  /** At a second opinion's gate: the other model's review (null when none was kept); absent elsewhere. */
  secondOpinion?: { body: string; source: string; by: string; at: string } | null;
  /** Who will be recorded as deciding; empty when the person has not given a name yet. */
  actorName: string;
  decided: { type: 'gate.approved' | 'gate.rejected' | 'other'; by: string | null; comment: string | null } | null;
}

export type ReviewPortReply =
  | { kind: 'view'; value: ReviewView | null }
  | { kind: 'decided' }
  | { kind: 'error'; error: WireError };


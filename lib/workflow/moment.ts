import { currentStepSince, isFinished } from './engine';
import type { AuditEvent, Task } from './records';

/**
 * Where the person stands on the current step, read from the task and its events, so that the panel
 * can offer one primary action per moment:
 * - `fresh`: nothing sent on this step yet → "Send step N to ChatGPT";
 * - `working`: the briefing went in → the AI works; the person answers in the chat;
 * - `suggested`: drive mode is off and the AI's line said the step is done → "Continue";
 * - `gate`: the step waits for a person's decision;
 * - `finished`: the task is completed or cancelled.
 */
export type Moment =
  | { kind: 'fresh'; since: string | null }
  | { kind: 'working'; since: string | null }
  | { kind: 'suggested'; since: string | null }
  | { kind: 'gate'; since: string | null }
  | { kind: 'finished' };

type EventLike = Pick<AuditEvent, 'type' | 'at' | 'stepId' | 'data'>;

export function currentMoment(task: Task, events: readonly EventLike[]): Moment {
  if (isFinished(task) || task.currentStepId === null) return { kind: 'finished' };
  const since = currentStepSince(events);
  if (task.pendingGate) return { kind: 'gate', since };
  const here = events.filter((e) => e.stepId === task.currentStepId && (since === null || e.at >= since));
  const lastIgnored = here.findLast((e) => e.type === 'completion.ignored');
  if (lastIgnored?.data?.['reason'] === 'drive-off' && lastIgnored.data['named'] === task.currentStepId) return { kind: 'suggested', since };
  const started = here.some((e) => e.type === 'briefing.inserted' || e.type === 'message.sent' || e.type === 'response.captured');
  return { kind: started ? 'working' : 'fresh', since };
}

/** The seq of the last event that moved the task onto a new step by someone's completion or decision (not a reopen). */
export function lastAdvanceSeq(events: ReadonlyArray<Pick<AuditEvent, 'type' | 'seq'>>): number {
  return events.findLast((e) => e.type === 'step.completed' || e.type === 'gate.rejected')?.seq ?? 0;
}

/** The briefings sent on a step, oldest first ("what was sent"). */
export function briefingHistory(events: readonly AuditEvent[], stepId: string): Array<{ seq: number; at: string; text: string | null; sent: boolean; by: string }> {
  return events
    .filter((e) => e.type === 'briefing.inserted' && e.stepId === stepId)
    .map((e) => ({
      seq: e.seq,
      at: e.at,
      text: typeof e.data['text'] === 'string' ? e.data['text'] : null,
      sent: e.data['sent'] === true,
      by: e.actor.name,
    }));
}

import { currentStepSince, isArrival, isDriving, isFinished } from './engine';
import type { AuditEvent, Task } from './records';

/**
 * Where the person stands on the current step, read from the task and its events, so that the panel
 * can offer one primary action per moment:
 * - `fresh`: nothing sent on this step yet → "Send step N to ChatGPT";
 * - `inserted`: the briefing is in the prompt box and was not sent → "press Send";
 * - `working`: the briefing was sent (or the person talks to the AI) → the AI answers, or the person
 *   answers it in the chat (the page's streaming state tells which);
 * - `suggested`: drive mode is off and the AI's line said the step is done → "Continue";
 * - `gate`: the step waits for a person's decision;
 * - `finished`: the task is completed or cancelled.
 */
export type Moment =
  | { kind: 'fresh'; since: string | null }
  | { kind: 'inserted'; since: string | null }
  | { kind: 'working'; since: string | null }
  | { kind: 'suggested'; since: string | null }
  | { kind: 'gate'; since: string | null }
  | { kind: 'finished' };

/** What shows that a step's briefing went in, or that the person already talks to the AI about it. */
const STEP_STARTED: ReadonlySet<string> = new Set(['briefing.inserted', 'message.sent', 'response.captured']);

type EventLike = Pick<AuditEvent, 'type' | 'at' | 'stepId' | 'data'>;

export function currentMoment(task: Task, events: readonly EventLike[]): Moment {
  if (isFinished(task) || task.currentStepId === null) return { kind: 'finished' };
  const since = currentStepSince(events);
  if (task.pendingGate) return { kind: 'gate', since };
  const here = events.filter((e) => e.stepId === task.currentStepId && (since === null || e.at >= since));
  const lastIgnored = here.findLast((e) => e.type === 'completion.ignored');
  if (lastIgnored?.data?.['reason'] === 'drive-off' && lastIgnored.data['named'] === task.currentStepId) return { kind: 'suggested', since };
  if (!here.some((e) => STEP_STARTED.has(e.type))) return { kind: 'fresh', since };
  // The last briefing went in unsent, and nothing was sent or answered after it: the person's Send is next.
  const lastBriefing = here.findLastIndex((e) => e.type === 'briefing.inserted');
  const waitsForSend =
    lastBriefing >= 0 && here[lastBriefing]!.data?.['sent'] !== true && !here.slice(lastBriefing + 1).some((e) => e.type === 'message.sent' || e.type === 'response.captured');
  return { kind: waitsForSend ? 'inserted' : 'working', since };
}

/** The seq of the last event that moved the task onto a new step by someone's completion or decision (not a reopen). */
export function lastAdvanceSeq(events: ReadonlyArray<Pick<AuditEvent, 'type' | 'seq'>>): number {
  return events.findLast((e) => e.type === 'step.completed' || e.type === 'gate.rejected')?.seq ?? 0;
}

/**
 * The briefings that went in on a step, oldest first, each "sent" only when it was: sent on insert,
 * or a message was sent in the chat after it and before the next briefing.
 */
export function briefingHistory(events: readonly AuditEvent[], stepId: string): Array<{ seq: number; at: string; text: string | null; sent: boolean; by: string }> {
  const onStep = events.filter((e) => e.stepId === stepId && (e.type === 'briefing.inserted' || e.type === 'message.sent'));
  return onStep.flatMap((e, i) => {
    if (e.type !== 'briefing.inserted') return [];
    const next = onStep.slice(i + 1);
    const nextBriefing = next.findIndex((n) => n.type === 'briefing.inserted');
    const sentLater = (nextBriefing === -1 ? next : next.slice(0, nextBriefing)).some((n) => n.type === 'message.sent');
    return [
      {
        seq: e.seq,
        at: e.at,
        text: typeof e.data['text'] === 'string' ? e.data['text'] : null,
        sent: e.data['sent'] === true || sentLater,
        by: e.actor.name,
      },
    ];
  });
}

/**
 * The advance whose briefing the conductor still owes, or null: the task runs in drive mode, no gate
 * waits, the current step became current by someone's completion, decision or reopen (not by the
 * start, which the person sends or not themselves), and nothing went in or was said on it since.
 * `stepEvents` are the events since the current step's arrival, arrival first (`currentStepEventsOf`).
 * Returns the arrival's seq: one advance, one briefing.
 */
export function awaitingBriefing(
  task: Pick<Task, 'status' | 'driveMode' | 'pendingGate' | 'currentStepId'>,
  stepEvents: ReadonlyArray<Pick<AuditEvent, 'type' | 'seq'> & { stepId?: string | undefined }>,
): number | null {
  if (task.status !== 'active' || task.pendingGate || task.currentStepId === null || !isDriving(task)) return null;
  const [arrival, ...since] = stepEvents;
  if (!arrival || !isArrival(arrival) || arrival.type === 'task.started') return null;
  // An event about another step (an earlier step's briefing, recorded late after a worker restart) does not start this one.
  return since.some((e) => STEP_STARTED.has(e.type) && (e.stepId === undefined || e.stepId === task.currentStepId)) ? null : arrival.seq;
}

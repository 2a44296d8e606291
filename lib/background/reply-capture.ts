import { captureReply, currentStepSinceOf, getSettings, getTask, getWorkflow, listEvents, recordTaskEvent, runAction, StaleTaskError } from '@/lib/db';
import type { CaptureResult } from '@/lib/messaging/protocol';
import type { ReplyFinished } from '@/lib/messaging/schemas';
import { aiActorOf } from '@/lib/workflow/actors';
import { detectCompletionLine, mayBeCompletionLine, type CompletionMatch } from '@/lib/workflow/completion-line';
import { isDriving, isRunning } from '@/lib/workflow/engine';
import type { Actor, Task } from '@/lib/workflow/records';
import { finishedTaskOf, followConversationId, resolveTask } from './page-task';
import { awaitsReply } from './reply-recovery';
import { takeReplyStart } from './reply-starts';

/**
 * A finished reply, from the page to the task: kept as a note of the bound task's current step, and
 * its last line read for the AI's completion line (lib/workflow/completion-line.ts). With that line
 * the AI (named after the site) may complete the current step, which on a gated step only requests
 * the gate; the engine refuses the AI everything else, so no text can decide a gate. A line that may
 * not move the task is recorded as `completion.ignored`, with why.
 */

export type LineVerdict = 'counts' | 'drive-off' | 'other-step' | 'gate-pending' | 'stale' | 'task-finished';

/** Whether a completion line in a reply that began at `startedAt` may move the task (pure; exported for tests). */
export function judgeLine(task: Task, match: CompletionMatch, since: string | null, startedAt: string | undefined): LineVerdict {
  if (!isRunning(task)) return 'task-finished';
  if (match.stepId !== task.currentStepId) return 'other-step';
  if (task.pendingGate) return 'gate-pending';
  if (startedAt !== undefined && since !== null && startedAt < since) return 'stale';
  return isDriving(task) ? 'counts' : 'drive-off';
}

async function recordIgnored(task: Task, match: CompletionMatch, reason: Exclude<LineVerdict, 'counts'>, actor: Actor, noteId?: string): Promise<void> {
  await recordTaskEvent(task.id, {
    type: 'completion.ignored',
    actor,
    at: new Date().toISOString(),
    ...(task.currentStepId ? { stepId: task.currentStepId } : {}),
    data: { named: match.stepId, reason, ...(noteId ? { noteId } : {}) },
  });
}

/** The AI completes the step it named (a gated one only requests its gate); retried when a person acted at the same moment. */
async function completeByAi(task: Task, stepId: string, actor: Actor, match: CompletionMatch): Promise<void> {
  let current: Task | undefined = task;
  for (let attempt = 0; attempt < 3 && current; attempt++) {
    if (current.currentStepId !== stepId || current.status !== 'active' || current.pendingGate) {
      return recordIgnored(current, match, current.status === 'active' ? 'other-step' : current.pendingGate ? 'gate-pending' : 'task-finished', actor);
    }
    try {
      await runAction(current.id, current.rev, { type: 'complete-step', stepId }, actor);
      return;
    } catch (error) {
      if (!(error instanceof StaleTaskError)) throw error;
      current = await getTask(task.id);
    }
  }
}

/** `markdown` is the reply already converted by the router (outside the page). */
export async function handleReplyFinished(data: ReplyFinished & { markdown: string }, tabId: number | undefined): Promise<CaptureResult> {
  const startedAt = tabId === undefined ? undefined : takeReplyStart(tabId);
  // The settings and the chat's task read at once (each read is a round trip to the database); the
  // task is followed to a new chat's address (a write) only once the settings say capture is on.
  const [settings, resolved] = await Promise.all([getSettings(), resolveTask(data.site, data.conversationId, tabId)]);
  if (!settings.autoCapture) return { captured: false, reason: 'capture-off' };
  if (!settings.sites[data.site]) return { captured: false, reason: 'capture-off' };
  const actor = aiActorOf(data.site);
  const task = await followConversationId(data.site, data.url, data.conversationId, tabId, resolved);
  if (!task) {
    // A line at a task that finished in this chat changes nothing, and the record says so.
    const finished = mayBeCompletionLine(data.markdown) ? await finishedTaskOf(data.site, data.conversationId) : null;
    const finishedFlow = finished ? await getWorkflow(finished.workflowId, finished.workflowVersion) : undefined;
    const match = finished ? detectCompletionLine(data.markdown, finishedFlow?.steps) : null;
    if (match && finished) await recordIgnored(finished, match, 'task-finished', actor);
    return { captured: false, reason: 'no-task' };
  }
  // The step and when it became current: the pinned workflow and the chain's tail, not the whole task.
  const workflow = await getWorkflow(task.workflowId, task.workflowVersion);
  // The line names the step by number and title (or, from older briefings, by id): the steps resolve it.
  const match = detectCompletionLine(data.markdown, workflow?.steps);
  const step = workflow?.steps.find((s) => s.id === task.currentStepId);
  if (!step) return { captured: false, reason: 'task-not-running' };
  const verdict = match ? judgeLine(task, match, await currentStepSinceOf(task.id), startedAt) : null;
  // The reply that says the step is done is its result, kept without the line.
  const isResult = (verdict === 'counts' || verdict === 'drive-off') && match !== null && match.body !== '';
  let outcome: CaptureResult = { captured: false, reason: 'step-does-not-capture' };
  if (step.capture) {
    const captured = await captureReply({
      taskId: task.id,
      site: data.site,
      conversationId: data.conversationId,
      messageKey: data.messageKey,
      markdown: isResult ? match.body : data.markdown,
      actor,
      result: isResult,
    });
    outcome = captured.captured ? { captured: true, noteId: captured.noteId } : { captured: false, reason: captured.reason };
    // The same reply reported again (a reload) was judged the first time.
    if (!captured.captured && captured.reason === 'duplicate') return outcome;
  }
  if (match && verdict) {
    if (verdict === 'counts') await completeByAi(task, match.stepId, actor, match);
    else await recordIgnored(task, match, verdict, actor, outcome.noteId);
  }
  return outcome;
}

/** A finished reply found when the conversation opened: kept only if the task still waits for it (see reply-recovery.ts). */
export async function handleReplyRecovered(data: ReplyFinished & { markdown: string }, tabId: number | undefined): Promise<CaptureResult> {
  const task = await resolveTask(data.site, data.conversationId, tabId);
  if (!task) return { captured: false, reason: 'no-task' };
  if (!awaitsReply(await listEvents(task.id))) return { captured: false, reason: 'duplicate' };
  return handleReplyFinished(data, tabId);
}

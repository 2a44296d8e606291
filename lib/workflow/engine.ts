// Long on purpose: the task state machine and the rules that read a task (is it running, which task a chat belongs to); the property tests check them together, so they live together.
import type { Step, Workflow } from './schema';
import { inputsOf, inputValueProblem, inputValuesProblems, normalizedInputValues, type InputValues } from './inputs';
import type { Actor, ConversationRef, EventDraft, MOVE_REASONS, Task, TaskAction, TaskInputValue, TeamStandards } from './records';

/**
 * The task state machine. Pure: no I/O, no clock, no id generator — time, ids and actors come in as
 * arguments so that the repository can make every transition atomic with its events, and so that the
 * engine rules can be property-tested. The engine never touches `rev`; the repository bumps it.
 */

export interface EngineResult {
  task: Task;
  events: EventDraft[];
}

export type WorkflowRuleCode =
  | 'task-finished'
  | 'wrong-step'
  | 'gate-pending'
  | 'no-gate-pending'
  | 'not-human'
  | 'nothing-to-reopen'
  | 'comment-required'
  | 'unknown-step'
  | 'workflow-mismatch'
  | 'invalid-input'
  | 'not-allowed-to-decide';

export class WorkflowRuleError extends Error {
  constructor(
    public readonly code: WorkflowRuleCode,
    message: string,
  ) {
    super(message);
    this.name = 'WorkflowRuleError';
  }
}

/** Thrown when a task's input values do not fit the workflow's inputs; `problems` are sentences by input name. */
export class InputValuesError extends WorkflowRuleError {
  constructor(public readonly problems: Record<string, string>) {
    super('invalid-input', Object.values(problems).join(' '));
    this.name = 'InputValuesError';
  }
}

/** The standards a task records: the version, its lines and, for the team workspace's, who published it. */
function copyStandards(standards: TeamStandards): TeamStandards {
  return {
    version: standards.version,
    lines: [...standards.lines],
    ...(standards.publishedBy && { publishedBy: { ...standards.publishedBy } }),
  };
}

export function startTask(
  workflow: Workflow,
  input: { id: string; title: string; conversation?: ConversationRef; actor: Actor; now: string; inputs?: InputValues; teamStandards?: TeamStandards },
): EngineResult {
  const first = workflow.steps[0];
  if (!first) throw new WorkflowRuleError('unknown-step', `The workflow "${workflow.name}" has no steps.`);
  const given = input.inputs ?? {};
  const problems = inputValuesProblems(workflow, given);
  if (Object.keys(problems).length > 0) throw new InputValuesError(problems);
  const values = normalizedInputValues(workflow, given);
  const teamStandards = input.teamStandards && input.teamStandards.lines.length > 0 ? input.teamStandards : undefined;
  const task: Task = {
    id: input.id,
    title: input.title,
    workflowId: workflow.id,
    workflowVersion: workflow.version,
    status: 'active',
    currentStepId: first.id,
    completedStepIds: [],
    pendingGate: null,
    rejection: null,
    conversations: input.conversation ? [{ ...input.conversation }] : [],
    ...(inputsOf(workflow).length > 0 && {
      inputs: Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value, briefedFrom: 0 }])),
    }),
    ...(teamStandards && { teamStandards: copyStandards(teamStandards) }),
    rev: 0,
    createdAt: input.now,
    createdBy: { ...input.actor },
    updatedAt: input.now,
    updatedBy: { ...input.actor },
  };
  const event: EventDraft = {
    type: 'task.started',
    actor: { ...input.actor },
    at: input.now,
    stepId: first.id,
    data: {
      workflowId: workflow.id,
      workflowVersion: workflow.version,
      title: input.title,
      ...(inputsOf(workflow).length > 0 && { inputs: values }),
      ...(teamStandards && { teamStandards: copyStandards(teamStandards) }),
    },
  };
  return { task, events: [event] };
}

/**
 * What a gate's rule on who decides needs to know about a decision (DESIGN.md rule 1). People are
 * told apart by their signing keys, not their names (two people can share a name; a name can be
 * typed by anyone).
 */
export interface DecisionAuthority {
  /** The deciding person: the fingerprint of their signing key. */
  decider: string;
  /** Their roles in the team workspace's member directory (none without a workspace). */
  roles: readonly string[];
  /**
   * The person who did the step: the task's operator, whose browser runs the task and records every
   * step of it (a task has one writer), whoever or whatever (the AI) completed the step there.
   */
  operator: string;
  /**
   * The decision as the decider signed it, when it came from their own browser (team workspace): the
   * document's id and their signature over it, kept on the record so any verifier can check it.
   */
  proof?: { document: string; hash: string; signature: { key: string; value: string } };
}

export function applyAction(
  task: Task,
  workflow: Workflow,
  action: TaskAction,
  actor: Actor,
  now: string,
  authority?: DecisionAuthority,
): EngineResult {
  if (task.workflowId !== workflow.id || task.workflowVersion !== workflow.version) {
    throw new WorkflowRuleError(
      'workflow-mismatch',
      `This task runs on "${task.workflowId}" version ${task.workflowVersion}, but "${workflow.id}" version ${workflow.version} was given.`,
    );
  }
  const ctx: Context = { task, workflow, actor: { ...actor }, now, authority };
  // The AI drives, the person governs: the AI may complete the current step (which, on a gated
  // step, only requests the gate) and nothing else — never approve, reject, cancel or reopen.
  if (actor.kind === 'ai' && action.type !== 'complete-step') {
    throw new WorkflowRuleError(
      'not-human',
      `Only a person can ${AI_REFUSED[action.type]}; the AI "${actor.name}" can only say that the current step is done.`,
    );
  }
  switch (action.type) {
    case 'complete-step':
      return completeStep(ctx, action.stepId);
    case 'approve':
      return approve(ctx, action.stepId, action.comment);
    case 'reject':
      return reject(ctx, action.stepId, action.comment);
    case 'cancel':
      return cancel(ctx, action.reason);
    case 'reopen-step':
      return reopenStep(ctx, action.stepId);
    case 'set-drive-mode':
      return setDriveMode(ctx, action.on);
    case 'move-conversation':
      return moveConversation(ctx, action.conversation, action.reason);
    case 'set-input':
      return setInput(ctx, action.name, action.value);
  }
}

const AI_REFUSED: Record<Exclude<TaskAction['type'], 'complete-step'>, string> = {
  approve: 'approve a gate',
  reject: 'reject a gate',
  cancel: 'cancel a task',
  'reopen-step': 'reopen a step',
  'set-drive-mode': 'switch drive mode',
  'move-conversation': 'move a task to another chat',
  'set-input': "change a task's inputs",
};

export type StepState = 'done' | 'current' | 'awaiting-approval' | 'todo';

export function stepStates(task: Task, workflow: Workflow): Array<{ step: Step; index: number; state: StepState }> {
  const currentIndex = task.currentStepId === null ? -1 : workflow.steps.findIndex((s) => s.id === task.currentStepId);
  const completed = new Set(task.completedStepIds);
  return workflow.steps.map((step, index) => {
    let state: StepState;
    if (task.status === 'completed') state = 'done';
    else if (currentIndex === -1) state = completed.has(step.id) ? 'done' : 'todo';
    else if (index < currentIndex) state = 'done';
    else if (index === currentIndex) state = task.pendingGate?.stepId === step.id ? 'awaiting-approval' : 'current';
    else state = 'todo';
    return { step, index, state };
  });
}

/** Drive mode is on unless a person switched it off for this task. */
export function isDriving(task: Pick<Task, 'driveMode'>): boolean {
  return task.driveMode !== false;
}

/**
 * The step `reopen-step` would reopen now, or null: the step completed last, when it sits right
 * before the current step and the task is not waiting at a gate. (Whether the current step has work
 * yet is the repository's check: the engine does not see notes.)
 */
export function reopenableStep(task: Task, workflow: Workflow): Step | null {
  if (task.status !== 'active' || task.pendingGate || task.currentStepId === null) return null;
  const index = workflow.steps.findIndex((s) => s.id === task.currentStepId);
  const previous = index > 0 ? workflow.steps[index - 1] : undefined;
  return previous && task.completedStepIds.at(-1) === previous.id ? previous : null;
}

/** Event types that make a step the current one. */
const ARRIVALS: ReadonlySet<string> = new Set(['task.started', 'step.completed', 'gate.rejected', 'step.reopened']);

/** An event that made a step the current one (`currentStepSince` reads the last of them). */
export function isArrival(event: Pick<EventDraft, 'type'>): boolean {
  return ARRIVALS.has(event.type);
}

/**
 * When the current step became current: the time of the last transition onto it. A reply that began
 * before this belongs to an earlier moment, so its completion line does not count.
 */
export function currentStepSince(events: ReadonlyArray<Pick<EventDraft, 'type' | 'at'>>): string | null {
  return events.findLast(isArrival)?.at ?? null;
}

export function isFinished(task: Pick<Task, 'status'>): boolean {
  return task.status === 'completed' || task.status === 'cancelled';
}

/** Active or waiting at a gate: a task that can still move (and capture replies). */
export function isRunning(task: Pick<Task, 'status'>): boolean {
  return !isFinished(task);
}

type Conversations = Pick<Task, 'conversations'>;

/** The task's current chat is this one: its last conversation (a task that moved on to another chat is no longer here). */
export function isInConversation(task: Conversations, site: ConversationRef['site'], conversationId: string): boolean {
  const last = task.conversations.at(-1);
  return last?.site === site && last.conversationId === conversationId;
}

/**
 * A tab's bound task still belongs to the page the tab shows: its current chat is this one, or is a
 * new chat of this site that has no id yet (the task follows its tab until the site names the chat).
 */
export function boundTaskFits(task: Conversations, site: ConversationRef['site'], conversationId: string | null): boolean {
  const last = task.conversations.at(-1);
  return last?.site === site && (last.conversationId === null || last.conversationId === conversationId);
}

/**
 * "The task of this conversation", from the tasks that ever ran in it: the one running there now,
 * else the one that finished there last (its record is what the panel then shows). A task that moved
 * on to another chat is never the task of this one. Capturing a reply further needs `isRunning`.
 */
export function taskOfConversation<T extends Pick<Task, 'conversations' | 'status' | 'updatedAt'>>(
  candidates: readonly T[],
  site: ConversationRef['site'],
  conversationId: string,
): T | null {
  const here = candidates.filter((t) => isInConversation(t, site, conversationId));
  here.sort((a, b) => Number(isRunning(b)) - Number(isRunning(a)) || b.updatedAt.localeCompare(a.updatedAt));
  return here[0] ?? null;
}

interface Context {
  task: Task;
  workflow: Workflow;
  actor: Actor;
  now: string;
  authority: DecisionAuthority | undefined;
}

function findStep(workflow: Workflow, stepId: string): { step: Step; index: number } {
  const index = workflow.steps.findIndex((s) => s.id === stepId);
  const step = workflow.steps[index];
  if (!step) {
    throw new WorkflowRuleError('unknown-step', `"${stepId}" is not a step of the workflow "${workflow.name}".`);
  }
  return { step, index };
}

function assertRunning(task: Task): void {
  if (!isRunning(task)) {
    throw new WorkflowRuleError('task-finished', `The task "${task.title}" is already ${task.status}.`);
  }
}

function assertHuman(actor: Actor, what: string): void {
  if (actor.kind !== 'human') {
    throw new WorkflowRuleError('not-human', `Only a person can ${what}; ${actor.kind} "${actor.name}" cannot.`);
  }
}

function touched(ctx: Context, changes: Partial<Task>): Task {
  return {
    ...ctx.task,
    completedStepIds: [...ctx.task.completedStepIds],
    conversations: ctx.task.conversations.map((c) => ({ ...c })),
    ...changes,
    updatedAt: ctx.now,
    updatedBy: ctx.actor,
  };
}

function event(ctx: Context, type: EventDraft['type'], stepId: string | undefined, data: Record<string, unknown> = {}): EventDraft {
  const draft: EventDraft = { type, actor: { ...ctx.actor }, at: ctx.now, data };
  if (stepId !== undefined) draft.stepId = stepId;
  return draft;
}

/** Leaves `step` forward: records its completion and moves to the next step, or completes the task. */
function leaveStep(ctx: Context, step: Step, index: number, leading: EventDraft[]): EngineResult {
  const { task, workflow } = ctx;
  const next = workflow.steps[index + 1];
  // A rejection is carried until the step it sent the task back to is done again.
  const rejection = task.rejection?.stepId === step.id ? null : task.rejection;
  const events = [...leading, event(ctx, 'step.completed', step.id)];
  const base = { completedStepIds: [...task.completedStepIds, step.id], pendingGate: null, rejection };
  if (next) {
    return { task: touched(ctx, { ...base, status: 'active', currentStepId: next.id }), events };
  }
  events.push(event(ctx, 'task.completed', step.id));
  return { task: touched(ctx, { ...base, status: 'completed', currentStepId: null }), events };
}

function completeStep(ctx: Context, stepId: string): EngineResult {
  const { task, workflow } = ctx;
  assertRunning(task);
  const { step, index } = findStep(workflow, stepId);
  if (task.currentStepId !== stepId) {
    throw new WorkflowRuleError(
      'wrong-step',
      `"${step.title}" is not the current step of "${task.title}"; the task may have moved on in another tab.`,
    );
  }
  if (task.pendingGate) {
    throw new WorkflowRuleError('gate-pending', `"${step.title}" is waiting for a person to approve or reject it.`);
  }
  if (step.gate) {
    return {
      task: touched(ctx, { status: 'awaiting-approval', pendingGate: { stepId: step.id, requestedAt: ctx.now } }),
      events: [event(ctx, 'gate.requested', step.id, { gateType: step.gate.type, ask: step.gate.ask })],
    };
  }
  return leaveStep(ctx, step, index, []);
}

function gatedStep(ctx: Context, stepId: string, what: string): { step: Step; index: number } {
  const { task, workflow } = ctx;
  assertRunning(task);
  assertHuman(ctx.actor, `${what} a gate`);
  const found = findStep(workflow, stepId);
  if (task.pendingGate?.stepId !== stepId || task.currentStepId !== stepId || !found.step.gate) {
    throw new WorkflowRuleError(
      'no-gate-pending',
      `There is no decision waiting on "${found.step.title}"; it may already have been decided in another tab.`,
    );
  }
  assertMayDecide(ctx, found.step, what);
  return found;
}

/** The gate's rule on who decides; a gate without one (`anyone`) lets any person decide, as before. */
function assertMayDecide(ctx: Context, step: Step, what: string): void {
  const rule = step.gate?.decidedBy ?? 'anyone';
  if (rule === 'anyone') return;
  const { authority } = ctx;
  if (!authority || !authority.roles.includes('approver')) {
    throw new WorkflowRuleError(
      'not-allowed-to-decide',
      `Only an approver of the team can ${what} "${step.title}"; ${ctx.actor.name} is not one here.`,
    );
  }
  if (rule === 'approver-not-operator' && authority.decider === authority.operator) {
    throw new WorkflowRuleError(
      'not-allowed-to-decide',
      `"${step.title}" needs a second pair of eyes: an approver other than the person who did the step must ${what} it.`,
    );
  }
}

/** What a decision's event records of its authority, so that a replay can check the rule again. */
function authorityData(ctx: Context): Record<string, unknown> {
  const { authority } = ctx;
  if (!authority) return {};
  return {
    authority: {
      decider: authority.decider,
      roles: [...authority.roles],
      operator: authority.operator,
      ...(authority.proof && { proof: { ...authority.proof, signature: { ...authority.proof.signature } } }),
    },
  };
}

function approve(ctx: Context, stepId: string, comment: string | undefined): EngineResult {
  const { step, index } = gatedStep(ctx, stepId, 'approve');
  const trimmed = comment?.trim();
  const data: Record<string, unknown> = { ...(trimmed ? { comment: trimmed } : {}), ...authorityData(ctx) };
  return leaveStep(ctx, step, index, [event(ctx, 'gate.approved', step.id, data)]);
}

function reject(ctx: Context, stepId: string, comment: string): EngineResult {
  const { step } = gatedStep(ctx, stepId, 'reject');
  const trimmed = (comment ?? '').trim();
  if (!trimmed) {
    throw new WorkflowRuleError('comment-required', 'Say what needs to change: a rejection needs a comment.');
  }
  const returnTo = step.gate?.onReject ?? step.id;
  // validate.ts guarantees onReject names the step itself or an earlier one; guard anyway.
  findStep(ctx.workflow, returnTo);
  return {
    task: touched(ctx, {
      status: 'active',
      currentStepId: returnTo,
      pendingGate: null,
      rejection: { stepId: returnTo, fromStepId: step.id, comment: trimmed, by: { ...ctx.actor }, at: ctx.now },
    }),
    events: [event(ctx, 'gate.rejected', step.id, { comment: trimmed, returnTo, ...authorityData(ctx) })],
  };
}

function cancel(ctx: Context, reason: string | undefined): EngineResult {
  const { task } = ctx;
  assertRunning(task);
  const trimmed = reason?.trim();
  return {
    task: touched(ctx, { status: 'cancelled', currentStepId: null, pendingGate: null }),
    events: [event(ctx, 'task.cancelled', task.currentStepId ?? undefined, trimmed ? { reason: trimmed } : {})],
  };
}

function reopenStep(ctx: Context, stepId: string): EngineResult {
  const { task, workflow } = ctx;
  assertRunning(task);
  assertHuman(ctx.actor, 'reopen a step');
  const { step } = findStep(workflow, stepId);
  const reopenable = reopenableStep(task, workflow);
  if (reopenable?.id !== stepId) {
    throw new WorkflowRuleError('nothing-to-reopen', `"${step.title}" is not the step completed last, so it cannot be reopened now.`);
  }
  const from = task.currentStepId;
  return {
    task: touched(ctx, { status: 'active', currentStepId: step.id, completedStepIds: task.completedStepIds.slice(0, -1), pendingGate: null }),
    events: [event(ctx, 'step.reopened', step.id, { from })],
  };
}

function setDriveMode(ctx: Context, on: boolean): EngineResult {
  assertRunning(ctx.task);
  assertHuman(ctx.actor, 'switch drive mode');
  return {
    task: touched(ctx, { driveMode: on }),
    events: [event(ctx, 'task.drive-mode', ctx.task.currentStepId ?? undefined, { on })],
  };
}

/** The step number (0-based) of the next briefing: the current step's briefing may already be in the chat. */
function nextBriefingIndex(task: Task, workflow: Workflow): number {
  const index = task.currentStepId === null ? workflow.steps.length : workflow.steps.findIndex((s) => s.id === task.currentStepId);
  return index + 1;
}

function currentIndex(ctx: Context): number {
  const { task, workflow } = ctx;
  return task.currentStepId === null ? workflow.steps.length : Math.max(0, workflow.steps.findIndex((s) => s.id === task.currentStepId));
}

function setInput(ctx: Context, name: string, raw: string): EngineResult {
  const { task, workflow } = ctx;
  assertRunning(task);
  assertHuman(ctx.actor, "change a task's inputs");
  const field = inputsOf(workflow).find((i) => i.name === name);
  if (!field) throw new InputValuesError({ [name]: `This workflow has no input named “${name}”.` });
  const problem = inputValueProblem(field, raw);
  if (problem) throw new InputValuesError({ [name]: problem });
  const value = raw.trim();
  const from = task.inputs?.[name]?.value ?? '';
  if (value === from) throw new WorkflowRuleError('invalid-input', `“${field.label}” already is that value; nothing to change.`);
  // The briefing of the current step may already be in the chat with the old value: the next one carries the new value in full.
  const changed: TaskInputValue = { value, briefedFrom: nextBriefingIndex(task, workflow) };
  return {
    task: touched(ctx, { inputs: { ...task.inputs, [name]: changed } }),
    events: [event(ctx, 'input.changed', task.currentStepId ?? undefined, { name, label: field.label, from, to: value })],
  };
}

function moveConversation(
  ctx: Context,
  conversation: ConversationRef,
  reason: (typeof MOVE_REASONS)[number],
): EngineResult {
  const { task } = ctx;
  // The site assigning a URL to a brand-new chat only completes a binding, so it is allowed even
  // after the task finished in that chat; moving a finished task anywhere else is not.
  if (reason !== 'url-assigned') assertRunning(task);
  const conversations = task.conversations.map((c) => ({ ...c }));
  const last = conversations.at(-1) ?? null;
  const from = last ? { ...last } : null;
  if (reason === 'url-assigned' && last && last.conversationId === null && last.site === conversation.site) {
    last.conversationId = conversation.conversationId;
    last.url = conversation.url;
  } else {
    conversations.push({ ...conversation });
  }
  // A new chat has seen none of the values: its next briefing carries them in full.
  const current = currentIndex(ctx);
  const inputs =
    task.inputs && reason !== 'url-assigned'
      ? Object.fromEntries(Object.entries(task.inputs).map(([name, v]) => [name, { value: v.value, briefedFrom: current }]))
      : task.inputs;
  return {
    task: touched(ctx, { conversations, ...(inputs && { inputs }) }),
    events: [
      event(ctx, 'task.moved-conversation', task.currentStepId ?? undefined, {
        from,
        to: { ...conversations.at(-1)! },
        reason,
      }),
    ],
  };
}

/**
 * The site the current step must run on when it is not the task's current one (a step that names its
 * assistant, DESIGN.md "One task across both sites"), else null: the panel then offers "Continue on …"
 * and the conductor puts nothing into the other site's tabs.
 */
export function siteSwitchFor(task: Pick<Task, 'conversations' | 'currentStepId' | 'status'>, workflow: Workflow): ConversationRef['site'] | null {
  if (isFinished(task) || task.currentStepId === null) return null;
  const step = workflow.steps.find((s) => s.id === task.currentStepId);
  const wanted = step?.assistant;
  if (!wanted || wanted === 'any') return null;
  const here = task.conversations.at(-1)?.site;
  return here && here !== wanted ? wanted : null;
}

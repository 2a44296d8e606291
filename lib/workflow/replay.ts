import { applyAction, startTask, WorkflowRuleError, type DecisionAuthority } from './engine';
import type { TaskAction } from './records';
import { conversationRefSchema, MOVE_REASONS, teamStandardsSchema, type AuditEvent, type EventDraft, type EventType, type Task } from './records';
import type { Workflow } from './schema';

/**
 * Replay: rebuilds a task's state from its audit events with the engine, so that an imported or
 * restored task is believed only as far as its events carry it. A task row edited to "completed" past
 * a gate, or an event stream the engine would never have produced, does not replay.
 *
 * Each event type has one rule (the table below):
 * - `start`: the chain's first event; starts the task on the pinned workflow.
 * - `action`: a transition; the event says which engine action a person, the AI or the system took.
 *   The action is applied and the events the engine produces must be the next events of the chain,
 *   in order, with the same type, step and actor (they were written in one transaction).
 * - `effect`: only ever produced by the action before it (`task.completed`); on its own it is refused.
 * - `record`: what happened around the task without changing its state (briefings, notes, captures).
 *
 * Adding an event type is one line here (TypeScript insists: the table covers every `EventType`).
 */

type Rule =
  | { kind: 'start' }
  | { kind: 'action'; action: (event: AuditEvent) => TaskAction }
  | { kind: 'effect' }
  | { kind: 'record' };

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const step = (event: AuditEvent): string => event.stepId ?? '';

export const REPLAY_RULES: Record<EventType, Rule> = {
  'task.started': { kind: 'start' },
  'step.completed': { kind: 'action', action: (e) => ({ type: 'complete-step', stepId: step(e) }) },
  'gate.requested': { kind: 'action', action: (e) => ({ type: 'complete-step', stepId: step(e) }) },
  'gate.approved': { kind: 'action', action: (e) => ({ type: 'approve', stepId: step(e), ...(text(e.data['comment']) ? { comment: text(e.data['comment'])! } : {}) }) },
  'gate.rejected': { kind: 'action', action: (e) => ({ type: 'reject', stepId: step(e), comment: text(e.data['comment']) ?? '' }) },
  'task.cancelled': { kind: 'action', action: (e) => ({ type: 'cancel', ...(text(e.data['reason']) ? { reason: text(e.data['reason'])! } : {}) }) },
  'task.moved-conversation': {
    kind: 'action',
    action: (e) => {
      const reason = e.data['reason'];
      return {
        type: 'move-conversation',
        conversation: conversationRefSchema.parse(e.data['to']),
        reason: (MOVE_REASONS as readonly unknown[]).includes(reason) ? (reason as (typeof MOVE_REASONS)[number]) : 'manual',
      };
    },
  },
  'step.reopened': { kind: 'action', action: (e) => ({ type: 'reopen-step', stepId: step(e) }) },
  'task.drive-mode': { kind: 'action', action: (e) => ({ type: 'set-drive-mode', on: e.data['on'] !== false }) },
  'input.changed': { kind: 'action', action: (e) => ({ type: 'set-input', name: text(e.data['name']) ?? '', value: text(e.data['to']) ?? '' }) },
  'task.completed': { kind: 'effect' },
  // A completion line the rules did not act on, and which note stands for a step's result: on the record, no state.
  'completion.ignored': { kind: 'record' },
  'note.result-marked': { kind: 'record' },
  'briefing.inserted': { kind: 'record' },
  'message.sent': { kind: 'record' },
  'response.captured': { kind: 'record' },
  'note.added': { kind: 'record' },
  'note.edited': { kind: 'record' },
  'note.deleted': { kind: 'record' },
  'note.hashed': { kind: 'record' },
  // These live on other chains (workflows, settings, import records); on a task's chain they are out of place.
  'workflow.created': { kind: 'effect' },
  'workflow.updated': { kind: 'effect' },
  'workflow.deleted': { kind: 'effect' },
  'workflow.imported': { kind: 'effect' },
  'settings.changed': { kind: 'effect' },
  'task.imported': { kind: 'effect' },
};

/**
 * The authority a decision's event recorded (engine: `authorityData`), so the gate's rule is checked
 * again on replay. Whether the named key really belongs to an approver is the signature and
 * directory check's question (lib/team), not the replay's.
 */
function recordedAuthority(event: AuditEvent): DecisionAuthority | undefined {
  const value = event.data['authority'];
  if (typeof value !== 'object' || value === null) return undefined;
  const { decider, roles, operator } = value as Record<string, unknown>;
  if (typeof decider !== 'string' || typeof operator !== 'string' || !Array.isArray(roles)) return undefined;
  return { decider, operator, roles: roles.filter((role): role is string => typeof role === 'string') };
}

export type ReplayResult = { ok: true; task: Task } | { ok: false; seq: number; reason: string };

/** The start event's input values: none when absent, null when they are not all text. */
function startInputs(value: unknown): Record<string, string> | null {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value);
  return entries.every(([, v]) => typeof v === 'string') ? (Object.fromEntries(entries) as Record<string, string>) : null;
}

function who(event: AuditEvent): string {
  return `${event.actor.name} (${event.actor.kind})`;
}

/**
 * Replays a task's chain (ordered by seq) on its pinned workflow as its events come: a restore judges
 * a chain of any length this way without holding it. Keeps the task so far and the events the last
 * action must still be followed by; after the first failure the rest is ignored. Never throws.
 */
export class TaskReplay {
  #task: Task | undefined;
  #failure: Extract<ReplayResult, { ok: false }> | undefined;
  #seen = 0;
  /** The action event being matched, and the events it produced that the chain has yet to show. */
  #action: AuditEvent | undefined;
  #expected: EventDraft[] = [];
  /** The task the action leads to, once all its events are there. */
  #next: Task | undefined;

  constructor(private readonly workflow: Workflow) {}

  push(event: AuditEvent): void {
    if (this.#failure) return;
    this.#seen += 1;
    if (this.#seen === 1) return this.#start(event);
    if (this.#expected.length > 0) return this.#follow(event);
    const rule = REPLAY_RULES[event.type];
    if (rule.kind === 'record') return;
    if (rule.kind !== 'action') {
      this.#failure = { ok: false, seq: event.seq, reason: `event ${event.seq} ("${event.type}" by ${who(event)}) does not follow from the events before it` };
      return;
    }
    const task = this.#task!;
    let produced;
    try {
      produced = applyAction(task, this.workflow, rule.action(event), event.actor, event.at, recordedAuthority(event));
    } catch (error) {
      const why = error instanceof WorkflowRuleError ? error.message : 'its data is not a valid action';
      this.#failure = { ok: false, seq: event.seq, reason: `event ${event.seq} ("${event.type}" by ${who(event)}) could not have happened: ${why}` };
      return;
    }
    // The action's own event is the first it produces; the rest must be the chain's next events.
    this.#action = event;
    this.#expected = [...produced.events];
    this.#next = { ...produced.task, rev: task.rev + 1 };
    if (this.#expected.length === 0) this.#task = this.#next;
    else this.#follow(event);
  }

  result(): ReplayResult {
    if (this.#failure) return this.#failure;
    if (!this.#task) return { ok: false, seq: 0, reason: 'its audit trail does not start with "task.started"' };
    if (this.#expected.length > 0) this.#mismatch(undefined);
    return this.#failure ?? { ok: true, task: this.#task };
  }

  #start(first: AuditEvent): void {
    const fail = (reason: string) => void (this.#failure = { ok: false, seq: first.seq, reason });
    if (first.type !== 'task.started') return fail('its audit trail does not start with "task.started"');
    const { workflow } = this;
    if (first.data['workflowId'] !== workflow.id || first.data['workflowVersion'] !== workflow.version) {
      return fail(`it was started on another workflow version than "${workflow.id}" version ${workflow.version}`);
    }
    try {
      // The values the task started with are checked against the pinned workflow's inputs as the panel checked them.
      const inputs = startInputs(first.data['inputs']);
      if (inputs === null) return fail('its start records input values that are not text');
      const standards = first.data['teamStandards'] === undefined ? undefined : teamStandardsSchema.safeParse(first.data['teamStandards']);
      if (standards && !standards.success) return fail('its start records team standards in a shape ConvOps does not know');
      this.#task = startTask(workflow, {
        id: first.taskId,
        title: text(first.data['title']) ?? 'task',
        actor: first.actor,
        now: first.at,
        inputs,
        ...(standards && { teamStandards: standards.data }),
      }).task;
    } catch (error) {
      fail(error instanceof Error ? error.message : 'it cannot start');
    }
  }

  /** The chain's next event against the next one the last action produced. */
  #follow(actual: AuditEvent): void {
    const expected = this.#expected.shift()!;
    if (actual.type !== expected.type || (actual.stepId ?? '') !== (expected.stepId ?? '') || actual.actor.kind !== expected.actor.kind || actual.actor.name !== expected.actor.name) {
      this.#expected.unshift(expected);
      return this.#mismatch(actual);
    }
    if (this.#expected.length === 0) this.#task = this.#next;
  }

  #mismatch(actual: AuditEvent | undefined): void {
    const event = this.#action!;
    const expected = this.#expected[0]!;
    const found = actual ? `"${actual.type}" (event ${actual.seq})` : 'the end of the trail';
    this.#failure = {
      ok: false,
      seq: actual?.seq ?? event.seq,
      reason: `after event ${event.seq} ("${event.type}") the workflow records "${expected.type}"${expected.stepId ? ` on "${expected.stepId}"` : ''}, but the trail has ${found}`,
    };
  }
}

/** Replays a task's whole chain (ordered by seq) on its pinned workflow (see `TaskReplay`). Never throws. */
export function replayTask(workflow: Workflow, events: readonly AuditEvent[]): ReplayResult {
  const replay = new TaskReplay(workflow);
  for (const event of events) replay.push(event);
  return replay.result();
}

function describeState(task: Pick<Task, 'status' | 'currentStepId'>, workflow: Workflow): string {
  const title = task.currentStepId ? (workflow.steps.find((s) => s.id === task.currentStepId)?.title ?? task.currentStepId) : undefined;
  return title ? `"${task.status}" at "${title}"` : `"${task.status}"`;
}

/**
 * Whether a stored task row is what its events lead to. Compares what governance rests on (status,
 * step, completed steps, the waiting gate, the last rejection, the revision); conversations and
 * timestamps are not replayed. Returns the reason it does not, or undefined.
 */
export function rowMismatch(row: Task, replayed: Task, workflow: Workflow): string | undefined {
  if (row.workflowId !== replayed.workflowId || row.workflowVersion !== replayed.workflowVersion) {
    return `its record names workflow "${row.workflowId}" version ${row.workflowVersion}, but its events ran on "${replayed.workflowId}" version ${replayed.workflowVersion}`;
  }
  if (row.status !== replayed.status || row.currentStepId !== replayed.currentStepId) {
    return `its record says ${describeState(row, workflow)}, but its events lead to ${describeState(replayed, workflow)}`;
  }
  if (row.completedStepIds.join('\u0000') !== replayed.completedStepIds.join('\u0000')) {
    return `its record lists other completed steps (${row.completedStepIds.join(', ') || 'none'}) than its events (${replayed.completedStepIds.join(', ') || 'none'})`;
  }
  if ((row.pendingGate?.stepId ?? null) !== (replayed.pendingGate?.stepId ?? null)) {
    return `its record's waiting gate (${row.pendingGate?.stepId ?? 'none'}) is not the one its events lead to (${replayed.pendingGate?.stepId ?? 'none'})`;
  }
  const rejection = (task: Task) => (task.rejection ? `${task.rejection.stepId}|${task.rejection.fromStepId}|${task.rejection.comment}` : '');
  if (rejection(row) !== rejection(replayed)) return 'its record carries another rejection than its events';
  const values = (task: Task) => JSON.stringify(Object.entries(task.inputs ?? {}).map(([name, v]) => [name, v.value]).sort());
  if (values(row) !== values(replayed)) return 'its record carries other input values than its events';
  const standards = (task: Task) => JSON.stringify(task.teamStandards ?? null);
  if (standards(row) !== standards(replayed)) return 'its record names other team standards than the ones it started with';
  if (row.rev !== replayed.rev) return `its record is at revision ${row.rev}, but its events make ${replayed.rev} changes`;
  return undefined;
}

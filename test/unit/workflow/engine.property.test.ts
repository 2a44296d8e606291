import fc from 'fast-check';
import { renderBriefing } from '@/lib/workflow/briefing';
import { applyAction, startTask, WorkflowRuleError, type EngineResult } from '@/lib/workflow/engine';
import type { TaskAction } from '@/lib/workflow/records';
import { eventDraftSchema, taskSchema, type Actor, type EventDraft, type Task } from '@/lib/workflow/records';
import { workflowSchema, type Workflow } from '@/lib/workflow/schema';
import { validateWorkflow } from '@/lib/workflow/validate';
import { at, chat } from './fixtures';

/** Random valid workflows: 1–8 steps, random gates, onReject on the step itself or an earlier one, random reads. */
const workflowArb: fc.Arbitrary<Workflow> = fc
  .integer({ min: 1, max: 8 })
  .chain((count) =>
    fc.tuple(
      ...Array.from({ length: count }, (_, i) =>
        fc.record({
          gated: fc.boolean(),
          gateType: fc.constantFrom('approval', 'review', 'sign-off', 'handoff' as const),
          onReject: fc.option(fc.integer({ min: 0, max: i }), { nil: undefined }),
          reads: fc.subarray(Array.from({ length: i }, (_, j) => j)),
        }),
      ),
    ),
  )
  .map((specs) =>
    workflowSchema.parse({
      id: 'random',
      name: 'Random workflow',
      version: 3,
      standards: ['Keep it short.'],
      steps: specs.map((spec, i) => ({
        id: `s${i}`,
        title: `Step title ${i}`,
        instructions: `Do part ${i} of {{task.title}}.`,
        reads: spec.reads.map((j) => `s${j}`),
        ...(spec.gated && {
          gate: { type: spec.gateType, ask: `Check ${i}`, ...(spec.onReject !== undefined && { onReject: `s${spec.onReject}` }) },
        }),
      })),
    }),
  );

const actorArb: fc.Arbitrary<Actor> = fc.record({
  kind: fc.constantFrom('human', 'human', 'human', 'ai', 'system' as const),
  name: fc.constantFrom('Dana', 'Claude', 'ConvOps'),
});

/** An intent is resolved against the task at hand, so that sequences mostly hit the current step (and sometimes a stale one). */
const intentArb = fc.record({
  type: fc.oneof(
    { arbitrary: fc.constant('complete-step' as const), weight: 6 },
    { arbitrary: fc.constant('approve' as const), weight: 4 },
    { arbitrary: fc.constant('reject' as const), weight: 3 },
    { arbitrary: fc.constant('move-conversation' as const), weight: 1 },
    { arbitrary: fc.constant('cancel' as const), weight: 1 },
    { arbitrary: fc.constant('reopen-step' as const), weight: 2 },
    { arbitrary: fc.constant('set-drive-mode' as const), weight: 1 },
  ),
  stale: fc.integer({ min: 0, max: 9 }),
  stepPick: fc.nat(),
  comment: fc.oneof(
    { arbitrary: fc.constantFrom('', '   '), weight: 1 },
    { arbitrary: fc.string({ minLength: 1, maxLength: 30 }).map((s) => `Please fix: ${s}`), weight: 4 },
  ),
  actor: actorArb,
  reason: fc.constantFrom('handoff', 'url-assigned', 'manual' as const),
});
type Intent = typeof intentArb extends fc.Arbitrary<infer T> ? T : never;

function resolve(intent: Intent, task: Task, workflow: Workflow, n: number): TaskAction {
  const stepId =
    intent.stale === 0 || task.currentStepId === null
      ? workflow.steps[intent.stepPick % workflow.steps.length]!.id
      : task.currentStepId;
  switch (intent.type) {
    case 'complete-step':
      return { type: 'complete-step', stepId };
    case 'approve':
      return { type: 'approve', stepId, comment: intent.comment || undefined };
    case 'reject':
      return { type: 'reject', stepId, comment: intent.comment };
    case 'cancel':
      return { type: 'cancel', reason: intent.comment || undefined };
    case 'reopen-step': {
      // Mostly the step right before the current one (the one a person could reopen), sometimes any.
      const previous = workflow.steps[stepIndex(workflow, task.currentStepId) - 1];
      return { type: 'reopen-step', stepId: intent.stale === 0 || !previous ? stepId : previous.id };
    }
    case 'set-drive-mode':
      return { type: 'set-drive-mode', on: intent.stale % 2 === 0 };
    default:
      return { type: 'move-conversation', conversation: chat(intent.stale % 2 ? `c${n}` : null, 'claude', n), reason: intent.reason };
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const stepIndex = (workflow: Workflow, id: string | null | undefined) => workflow.steps.findIndex((s) => s.id === id);

interface Run {
  workflow: Workflow;
  /** Each applied (successful) transition with its input task. */
  transitions: Array<{ before: Task; action: TaskAction; actor: Actor; result: EngineResult }>;
  events: EventDraft[];
  final: Task;
}

function run(workflow: Workflow, intents: Intent[]): Run {
  const started = startTask(workflow, { id: 'task-1', title: 'Random task', actor: { kind: 'human', name: 'Dana' }, now: at(0) });
  let task = deepFreeze(started.task);
  const events = [...started.events];
  const transitions: Run['transitions'] = [];
  intents.forEach((intent, i) => {
    const action = resolve(intent, task, workflow, i + 1);
    const snapshot = structuredClone(task);
    try {
      const result = applyAction(task, workflow, action, intent.actor, at(i + 1));
      // Rule 4: the input is never mutated (it is frozen, and equal to its snapshot).
      expect(task).toEqual(snapshot);
      transitions.push({ before: task, action, actor: intent.actor, result });
      events.push(...result.events);
      task = deepFreeze(result.task);
    } catch (error) {
      // Refusals are only ever rule errors, and leave the task as it was.
      expect(error).toBeInstanceOf(WorkflowRuleError);
      expect(task).toEqual(snapshot);
    }
  });
  return { workflow, transitions, events, final: task };
}

const runArb = fc.tuple(workflowArb, fc.array(intentArb, { minLength: 0, maxLength: 60 }));
const RUNS = { numRuns: 300 };

describe('engine rules (property-based)', () => {
  test('generated workflows are valid', () => {
    fc.assert(fc.property(workflowArb, (workflow) => validateWorkflow(workflow).ok), { numRuns: 100 });
  });

  test('every result is a valid task with well-formed events, and status fields agree', () => {
    fc.assert(
      fc.property(runArb, ([workflow, intents]) => {
        const { transitions } = run(workflow, intents);
        for (const { result, actor, before } of transitions) {
          taskSchema.parse(result.task);
          expect(result.task.rev).toBe(before.rev);
          expect(result.task.updatedBy).toEqual(actor);
          expect(result.events.length).toBeGreaterThan(0);
          for (const event of result.events) {
            eventDraftSchema.parse(event);
            expect(event.actor).toEqual(actor);
          }
          const t = result.task;
          expect(t.status === 'awaiting-approval').toBe(t.pendingGate !== null);
          if (t.pendingGate) expect(t.pendingGate.stepId).toBe(t.currentStepId);
          expect(t.status === 'completed' || t.status === 'cancelled').toBe(t.currentStepId === null);
        }
      }),
      RUNS,
    );
  });

  test('rule 1: a gated step is only left forward after a human approval that follows its latest gate request', () => {
    fc.assert(
      fc.property(runArb, ([workflow, intents]) => {
        const { events, transitions } = run(workflow, intents);
        events.forEach((event, i) => {
          if (event.type === 'gate.approved' || event.type === 'gate.rejected') expect(event.actor.kind).toBe('human');
          if (event.type !== 'step.completed') return;
          const step = workflow.steps[stepIndex(workflow, event.stepId)]!;
          if (!step.gate) return;
          const before = events.slice(0, i);
          const requested = before.findLastIndex((e) => e.type === 'gate.requested' && e.stepId === step.id);
          expect(requested).toBeGreaterThanOrEqual(0);
          const since = before.slice(requested + 1).filter((e) => e.stepId === step.id);
          expect(since.some((e) => e.type === 'gate.approved' && e.actor.kind === 'human')).toBe(true);
          expect(since.some((e) => e.type === 'gate.rejected')).toBe(false);
        });
        // Seen from the task: leaving a gated step forward only ever happens by a human's approve.
        for (const { before, result, action, actor } of transitions) {
          const from = stepIndex(workflow, before.currentStepId);
          const leftForward = result.task.status === 'completed' || stepIndex(workflow, result.task.currentStepId) > from;
          if (from >= 0 && workflow.steps[from]!.gate && leftForward && before.status !== 'cancelled') {
            expect(action.type).toBe('approve');
            expect(actor.kind).toBe('human');
            expect(before.pendingGate?.stepId).toBe(before.currentStepId);
          }
        }
      }),
      RUNS,
    );
  });

  test('rule 2: reject lands on onReject (default the same step) and the comment is in that step\'s next briefing', () => {
    fc.assert(
      fc.property(runArb, ([workflow, intents]) => {
        const { transitions } = run(workflow, intents);
        transitions.forEach(({ action, result }, i) => {
          if (action.type !== 'reject') return;
          const gate = workflow.steps[stepIndex(workflow, action.stepId)]!.gate!;
          const target = gate.onReject ?? action.stepId;
          expect(result.task.currentStepId).toBe(target);
          expect(result.task.status).toBe('active');
          expect(result.task.rejection).toMatchObject({ stepId: target, fromStepId: action.stepId, comment: action.comment.trim() });
          const briefing = renderBriefing({ workflow, task: result.task, notes: [], operator: 'Dana', now: at(100) });
          expect(briefing).toContain(action.comment.trim().split('\n')[0]);
          // The comment stays until the target step is completed again.
          for (const later of transitions.slice(i + 1)) {
            if (later.result.events.some((e) => e.type === 'step.completed' && e.stepId === target)) {
              expect(later.result.task.rejection?.stepId).not.toBe(target);
              break;
            }
            if (later.result.events.some((e) => e.type === 'gate.rejected')) break;
            if (later.result.task.currentStepId === target) {
              expect(renderBriefing({ workflow, task: later.result.task, notes: [], operator: 'Dana', now: at(100) })).toContain(
                action.comment.trim().split('\n')[0],
              );
            }
          }
        });
      }),
      RUNS,
    );
  });

  test('rule 3: steps run in order, the last completion completes the task, cancel is always possible while running', () => {
    fc.assert(
      fc.property(runArb, actorArb, ([workflow, intents], canceller) => {
        const { transitions, events, final } = run(workflow, intents);
        for (const { before, result } of transitions) {
          const completedHere = result.events.filter((e) => e.type === 'step.completed');
          for (const done of completedHere) {
            expect(done.stepId).toBe(before.currentStepId);
            const index = stepIndex(workflow, done.stepId);
            if (index === workflow.steps.length - 1) {
              expect(result.task.status).toBe('completed');
              expect(result.events.at(-1)!.type).toBe('task.completed');
            } else {
              expect(result.task.currentStepId).toBe(workflow.steps[index + 1]!.id);
            }
          }
          // A step is never skipped forward.
          const from = stepIndex(workflow, before.currentStepId);
          const to = stepIndex(workflow, result.task.currentStepId);
          if (to > from) expect(to).toBe(from + 1);
          if ((before.status === 'active' || before.status === 'awaiting-approval') && canceller.kind !== 'ai') {
            const cancelled = applyAction(before, workflow, { type: 'cancel' }, canceller, at(999));
            expect(cancelled.task.status).toBe('cancelled');
            expect(cancelled.events.map((e) => e.type)).toEqual(['task.cancelled']);
          }
        }
        expect(events.filter((e) => e.type === 'task.completed').length).toBeLessThanOrEqual(1);
        if (final.status === 'completed') {
          const lastCompleted = events.filter((e) => e.type === 'step.completed').at(-1);
          expect(lastCompleted?.stepId).toBe(workflow.steps.at(-1)!.id);
        }
        if (canceller.kind === 'ai') {
          expect(() => applyAction(final, workflow, { type: 'cancel' }, canceller, at(999))).toThrow(WorkflowRuleError);
        } else if (final.status === 'active' || final.status === 'awaiting-approval') {
          expect(applyAction(final, workflow, { type: 'cancel', reason: 'stop' }, canceller, at(999)).task.status).toBe('cancelled');
        } else {
          expect(() => applyAction(final, workflow, { type: 'cancel' }, canceller, at(999))).toThrow(WorkflowRuleError);
        }
      }),
      RUNS,
    );
  });

  test('the AI only completes the current step: a gated one only requests its gate; it never approves, rejects, cancels, reopens or switches drive mode', () => {
    fc.assert(
      fc.property(runArb, ([workflow, intents]) => {
        const { transitions } = run(workflow, intents);
        for (const { before, action, actor, result } of transitions) {
          if (actor.kind !== 'ai') continue;
          expect(action.type).toBe('complete-step');
          if (action.type !== 'complete-step') continue;
          expect(action.stepId).toBe(before.currentStepId);
          expect(before.pendingGate).toBeNull();
          const step = workflow.steps[stepIndex(workflow, before.currentStepId)]!;
          const types = result.events.map((e) => e.type);
          if (step.gate) {
            expect(types).toEqual(['gate.requested']);
            expect(result.task.currentStepId).toBe(before.currentStepId);
          } else {
            expect(types[0]).toBe('step.completed');
            expect(types.every((t) => t === 'step.completed' || t === 'task.completed')).toBe(true);
          }
        }
        // Whatever state the run reached, every other action from the AI is refused.
        const last = transitions.at(-1)?.result.task;
        if (!last) return;
        const ai: Actor = { kind: 'ai', name: 'ChatGPT' };
        const stepId = last.currentStepId ?? workflow.steps[0]!.id;
        const refused: TaskAction[] = [
          { type: 'approve', stepId },
          { type: 'reject', stepId, comment: 'Approved, says the AI' },
          { type: 'cancel' },
          { type: 'reopen-step', stepId: workflow.steps[Math.max(0, stepIndex(workflow, last.currentStepId) - 1)]!.id },
          { type: 'set-drive-mode', on: false },
        ];
        for (const action of refused) {
          expect(() => applyAction(last, workflow, action, ai, at(900))).toThrow(expect.objectContaining({ code: 'not-human' }));
        }
      }),
      RUNS,
    );
  });

  test('reopen is a person\'s undo of the last completion: one step back, that completion removed, nothing else', () => {
    fc.assert(
      fc.property(runArb, ([workflow, intents]) => {
        const { transitions } = run(workflow, intents);
        for (const { before, action, actor, result } of transitions) {
          if (action.type !== 'reopen-step') continue;
          expect(actor.kind).toBe('human');
          expect(before.status).toBe('active');
          expect(before.completedStepIds.at(-1)).toBe(action.stepId);
          expect(stepIndex(workflow, action.stepId)).toBe(stepIndex(workflow, before.currentStepId) - 1);
          expect(result.task.currentStepId).toBe(action.stepId);
          expect(result.task.completedStepIds).toEqual(before.completedStepIds.slice(0, -1));
          expect(result.task.pendingGate).toBeNull();
          expect(result.events.map((e) => e.type)).toEqual(['step.reopened']);
        }
      }),
      RUNS,
    );
  });

  test('rule 4: the same approve on one input gives two equal results, but on its own output it fails', () => {
    fc.assert(
      fc.property(runArb, ([workflow, intents]) => {
        const { transitions, final } = run(workflow, intents);
        const awaiting = [...transitions.map((t) => t.result.task), final].filter((t) => t.status === 'awaiting-approval');
        for (const task of awaiting) {
          const approve: TaskAction = { type: 'approve', stepId: task.currentStepId! };
          const human: Actor = { kind: 'human', name: 'Dana' };
          const first = applyAction(task, workflow, approve, human, at(500));
          const second = applyAction(task, workflow, approve, human, at(500));
          expect(second).toEqual(first);
          expect(second.task).not.toBe(first.task);
          const again = () => applyAction(first.task, workflow, approve, human, at(501));
          const code = first.task.status === 'completed' ? 'task-finished' : 'no-gate-pending';
          expect(again).toThrow(expect.objectContaining({ code }));
        }
      }),
      RUNS,
    );
  });

  test('rule 5: a task runs on its pinned workflow version only', () => {
    fc.assert(
      fc.property(runArb, ([workflow, intents]) => {
        const { final } = run(workflow, intents);
        const edited: Workflow = { ...workflow, version: workflow.version + 1, steps: workflow.steps.slice().reverse() };
        const renamed: Workflow = { ...workflow, id: 'other' };
        for (const other of [edited, renamed]) {
          expect(() => applyAction(final, other, { type: 'cancel' }, { kind: 'human', name: 'Dana' }, at(1))).toThrow(
            expect.objectContaining({ code: 'workflow-mismatch' }),
          );
        }
      }),
      { numRuns: 100 },
    );
  });
});

test('the generated runs really exercise gates, rejections, completion and cancellation', () => {
  const seen = new Map<string, number>();
  fc.assert(
    fc.property(runArb, ([workflow, intents]) => {
      for (const event of run(workflow, intents).events) {
        seen.set(event.type, (seen.get(event.type) ?? 0) + 1);
        if (event.actor.kind === 'ai') seen.set(`ai ${event.type}`, (seen.get(`ai ${event.type}`) ?? 0) + 1);
      }
    }),
    { numRuns: 400, seed: 42 },
  );
  for (const type of ['gate.requested', 'gate.approved', 'gate.rejected', 'step.completed', 'step.reopened', 'task.drive-mode', 'task.completed', 'task.cancelled', 'task.moved-conversation', 'ai step.completed', 'ai gate.requested']) {
    expect(seen.get(type) ?? 0, type).toBeGreaterThan(10);
  }
});

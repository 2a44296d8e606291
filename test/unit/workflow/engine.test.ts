import {
  applyAction,
  boundTaskFits,
  isFinished,
  isInConversation,
  isRunning,
  startTask,
  stepStates,
  taskOfConversation,
  WorkflowRuleError,
  type EngineResult,
} from '@/lib/workflow/engine';
import type { TaskAction } from '@/lib/workflow/records';
import type { Actor, Task } from '@/lib/workflow/records';
import { ai, at, chat, human, makeWorkflow, sop, system } from './fixtures';

const start = (conversation = chat('abc')) => startTask(sop, { id: 't1', title: 'Onboarding', conversation, actor: human, now: at(0) });

/** Applies actions in order as the human, returning the last result. */
function play(actions: TaskAction[], from: EngineResult = start()): EngineResult {
  return actions.reduce((r, action, i) => applyAction(r.task, sop, action, human, at(i + 1)), from);
}

const toReview: TaskAction[] = [
  { type: 'complete-step', stepId: 'capture' },
  { type: 'complete-step', stepId: 'draft' },
  { type: 'complete-step', stepId: 'review' },
];

function ruleError(fn: () => unknown): WorkflowRuleError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WorkflowRuleError) return error;
    throw error;
  }
  throw new Error('expected a WorkflowRuleError');
}

describe('startTask', () => {
  test('starts active on the first step, pinned to the workflow version, with a task.started event', () => {
    const { task, events } = start();
    expect(task).toMatchObject({
      status: 'active',
      currentStepId: 'capture',
      workflowId: 'sop',
      workflowVersion: 1,
      rev: 0,
      completedStepIds: [],
      pendingGate: null,
      rejection: null,
      createdBy: human,
      createdAt: at(0),
    });
    expect(task.conversations).toEqual([chat('abc')]);
    expect(events).toEqual([
      { type: 'task.started', actor: human, at: at(0), stepId: 'capture', data: { workflowId: 'sop', workflowVersion: 1, title: 'Onboarding' } },
    ]);
  });

  test('without a conversation the task has no binding yet', () => {
    expect(startTask(sop, { id: 't', title: 'x', actor: human, now: at(0) }).task.conversations).toEqual([]);
  });
});

describe('applyAction', () => {
  test('complete-step on an ungated step records it and moves to the next', () => {
    const { task, events } = play([{ type: 'complete-step', stepId: 'capture' }]);
    expect(task).toMatchObject({ currentStepId: 'draft', completedStepIds: ['capture'], status: 'active', updatedAt: at(1), updatedBy: human, rev: 0 });
    expect(events.map((e) => [e.type, e.stepId])).toEqual([['step.completed', 'capture']]);
  });

  test('complete-step on a gated step requests the gate and stays on the step', () => {
    const { task, events } = play(toReview);
    expect(task).toMatchObject({ currentStepId: 'review', status: 'awaiting-approval', pendingGate: { stepId: 'review', requestedAt: at(3) } });
    expect(events).toEqual([
      { type: 'gate.requested', actor: human, at: at(3), stepId: 'review', data: { gateType: 'approval', ask: 'Is the SOP correct?' } },
    ]);
    expect(task.completedStepIds).toEqual(['capture', 'draft']);
  });

  test('an AI may finish the work of a gated step, which only requests the gate', () => {
    const r = play(toReview.slice(0, 2));
    const { task } = applyAction(r.task, sop, { type: 'complete-step', stepId: 'review' }, ai, at(9));
    expect(task.status).toBe('awaiting-approval');
  });

  test('approve completes the gated step and advances; the optional comment is recorded', () => {
    const { task, events } = play([...toReview, { type: 'approve', stepId: 'review', comment: '  Looks right  ' }]);
    expect(task).toMatchObject({ currentStepId: 'publish', status: 'active', pendingGate: null });
    expect(events.map((e) => e.type)).toEqual(['gate.approved', 'step.completed']);
    expect(events[0]).toMatchObject({ stepId: 'review', data: { comment: 'Looks right' }, actor: human });
    expect(play([...toReview, { type: 'approve', stepId: 'review' }]).events[0]!.data).toEqual({});
  });

  test('approving a gate on the last step completes the task', () => {
    const wf = makeWorkflow({ steps: [{ id: 'only', title: 'Only', instructions: '', gate: { type: 'sign-off', ask: 'OK?' } }] });
    let r = startTask(wf, { id: 't', title: 'x', actor: human, now: at(0) });
    r = applyAction(r.task, wf, { type: 'complete-step', stepId: 'only' }, human, at(1));
    r = applyAction(r.task, wf, { type: 'approve', stepId: 'only' }, human, at(2));
    expect(r.task).toMatchObject({ status: 'completed', currentStepId: null, completedStepIds: ['only'] });
    expect(r.events.map((e) => e.type)).toEqual(['gate.approved', 'step.completed', 'task.completed']);
  });

  test('completing the last step completes the task', () => {
    const { task, events } = play([...toReview, { type: 'approve', stepId: 'review' }, { type: 'complete-step', stepId: 'publish' }]);
    expect(task).toMatchObject({ status: 'completed', currentStepId: null });
    expect(task.completedStepIds).toEqual(['capture', 'draft', 'review', 'publish']);
    expect(events.map((e) => [e.type, e.stepId])).toEqual([
      ['step.completed', 'publish'],
      ['task.completed', 'publish'],
    ]);
    expect(isFinished(task)).toBe(true);
  });

  test('reject sends the task to onReject with the comment, which is cleared when that step is completed again', () => {
    const rejected = play([...toReview, { type: 'reject', stepId: 'review', comment: '  Step 3 is missing.  ' }]);
    expect(rejected.task).toMatchObject({
      status: 'active',
      currentStepId: 'draft',
      pendingGate: null,
      rejection: { stepId: 'draft', fromStepId: 'review', comment: 'Step 3 is missing.', by: human, at: at(4) },
    });
    expect(rejected.events).toEqual([
      { type: 'gate.rejected', actor: human, at: at(4), stepId: 'review', data: { comment: 'Step 3 is missing.', returnTo: 'draft' } },
    ]);
    const redone = applyAction(rejected.task, sop, { type: 'complete-step', stepId: 'draft' }, human, at(5));
    expect(redone.task.rejection).toBeNull();
    expect(redone.task.completedStepIds).toEqual(['capture', 'draft', 'draft']);
  });

  test('reject without onReject returns to the gated step itself', () => {
    const wf = makeWorkflow({
      steps: [
        { id: 'a', title: 'A', instructions: '' },
        { id: 'b', title: 'B', instructions: '', gate: { type: 'review', ask: 'Fine?' } },
      ],
    });
    let r = startTask(wf, { id: 't', title: 'x', actor: human, now: at(0) });
    r = applyAction(r.task, wf, { type: 'complete-step', stepId: 'a' }, human, at(1));
    r = applyAction(r.task, wf, { type: 'complete-step', stepId: 'b' }, ai, at(2));
    r = applyAction(r.task, wf, { type: 'reject', stepId: 'b', comment: 'Redo' }, human, at(3));
    expect(r.task).toMatchObject({ currentStepId: 'b', status: 'active', rejection: { stepId: 'b', fromStepId: 'b' } });
    // The rejection survives the new gate request and is cleared by the approval that completes the step.
    r = applyAction(r.task, wf, { type: 'complete-step', stepId: 'b' }, ai, at(4));
    expect(r.task.rejection).not.toBeNull();
    r = applyAction(r.task, wf, { type: 'approve', stepId: 'b' }, human, at(5));
    expect(r.task).toMatchObject({ status: 'completed', rejection: null });
  });

  test('cancel works from active and from awaiting approval, by a person or the system, never the AI, and records the reason', () => {
    const fromActive = applyAction(start().task, sop, { type: 'cancel', reason: ' No longer needed ' }, system, at(1));
    expect(fromActive.task).toMatchObject({ status: 'cancelled', currentStepId: null, updatedBy: system });
    expect(fromActive.events).toEqual([
      { type: 'task.cancelled', actor: system, at: at(1), stepId: 'capture', data: { reason: 'No longer needed' } },
    ]);
    expect(() => applyAction(play(toReview).task, sop, { type: 'cancel' }, ai, at(9))).toThrow(expect.objectContaining({ code: 'not-human' }));
    const fromGate = applyAction(play(toReview).task, sop, { type: 'cancel' }, human, at(9));
    expect(fromGate.task).toMatchObject({ status: 'cancelled', pendingGate: null });
    expect(fromGate.events[0]!.data).toEqual({});
  });

  describe('move-conversation', () => {
    test('a handoff appends the new conversation and records from/to', () => {
      const next = chat('def', 'chatgpt', 5);
      const { task, events } = applyAction(start().task, sop, { type: 'move-conversation', conversation: next, reason: 'handoff' }, human, at(5));
      expect(task.conversations).toEqual([chat('abc'), next]);
      expect(events).toEqual([
        { type: 'task.moved-conversation', actor: human, at: at(5), stepId: 'capture', data: { from: chat('abc'), to: next, reason: 'handoff' } },
      ]);
    });

    test('url-assigned fills in the id of a brand-new chat on the same site instead of adding a binding', () => {
      const fresh = start(chat(null));
      const assigned = chat('xyz', 'claude', 3);
      const { task, events } = applyAction(fresh.task, sop, { type: 'move-conversation', conversation: assigned, reason: 'url-assigned' }, system, at(3));
      expect(task.conversations).toEqual([{ ...chat(null), conversationId: 'xyz', url: assigned.url }]);
      expect(events[0]!.data).toMatchObject({ from: chat(null), to: { conversationId: 'xyz' }, reason: 'url-assigned' });
      expect(fresh.task.conversations).toEqual([chat(null)]);
    });

    test('url-assigned on another site, or when the id is known, appends', () => {
      const fresh = start(chat(null));
      const other = applyAction(fresh.task, sop, { type: 'move-conversation', conversation: chat('q', 'chatgpt'), reason: 'url-assigned' }, system, at(1));
      expect(other.task.conversations).toHaveLength(2);
      const known = applyAction(start().task, sop, { type: 'move-conversation', conversation: chat('q'), reason: 'url-assigned' }, system, at(1));
      expect(known.task.conversations).toHaveLength(2);
      const first = applyAction(
        startTask(sop, { id: 't', title: 'x', actor: human, now: at(0) }).task,
        sop,
        { type: 'move-conversation', conversation: chat('q'), reason: 'manual' },
        human,
        at(1),
      );
      expect(first.task.conversations).toEqual([chat('q')]);
      expect(first.events[0]!.data).toMatchObject({ from: null });
    });

    test('a finished task accepts a late URL but cannot be moved elsewhere', () => {
      const fresh = start(chat(null));
      const cancelled = applyAction(fresh.task, sop, { type: 'cancel' }, human, at(1)).task;
      const late = applyAction(cancelled, sop, { type: 'move-conversation', conversation: chat('late'), reason: 'url-assigned' }, system, at(2));
      expect(late.task.conversations.at(-1)!.conversationId).toBe('late');
      expect(late.events[0]!.stepId).toBeUndefined();
      expect(ruleError(() => applyAction(cancelled, sop, { type: 'move-conversation', conversation: chat('z'), reason: 'handoff' }, human, at(3))).code).toBe(
        'task-finished',
      );
    });
  });
});

describe('every rule error has its code and a readable message', () => {
  const completed = play([...toReview, { type: 'approve', stepId: 'review' }, { type: 'complete-step', stepId: 'publish' }]).task;
  const awaiting = play(toReview).task;
  const cases: Array<[string, Task, TaskAction, Actor, string, RegExp]> = [
    ['task-finished', completed, { type: 'complete-step', stepId: 'publish' }, human, 'task-finished', /already completed/],
    ['task-finished (cancel)', completed, { type: 'cancel' }, human, 'task-finished', /already completed/],
    ['task-finished (approve)', completed, { type: 'approve', stepId: 'review' }, human, 'task-finished', /already completed/],
    ['wrong-step', start().task, { type: 'complete-step', stepId: 'draft' }, human, 'wrong-step', /"Draft" is not the current step/],
    ['gate-pending', awaiting, { type: 'complete-step', stepId: 'review' }, human, 'gate-pending', /waiting for a person/],
    ['no-gate-pending', start().task, { type: 'approve', stepId: 'capture' }, human, 'no-gate-pending', /no decision waiting on "Capture"/],
    ['no-gate-pending (reject on a gated step not yet reached)', start().task, { type: 'reject', stepId: 'review', comment: 'x' }, human, 'no-gate-pending', /Review/],
    ['not-human (ai approves)', awaiting, { type: 'approve', stepId: 'review' }, ai, 'not-human', /Only a person can approve/],
    ['not-human (system rejects)', awaiting, { type: 'reject', stepId: 'review', comment: 'no' }, system, 'not-human', /Only a person can reject/],
    ['comment-required', awaiting, { type: 'reject', stepId: 'review', comment: '   ' }, human, 'comment-required', /needs a comment/],
    ['unknown-step', start().task, { type: 'complete-step', stepId: 'nope' }, human, 'unknown-step', /"nope" is not a step/],
    ['unknown-step (approve)', awaiting, { type: 'approve', stepId: 'nope' }, human, 'unknown-step', /"nope" is not a step/],
  ];
  test.each(cases)('%s', (_name, task, action, actor, code, message) => {
    const error = ruleError(() => applyAction(task, sop, action, actor, at(50)));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.name).toBe('WorkflowRuleError');
  });

  test('workflow-mismatch for another version or another workflow', () => {
    expect(ruleError(() => applyAction(start().task, { ...sop, version: 2 }, { type: 'cancel' }, human, at(1))).code).toBe('workflow-mismatch');
    expect(ruleError(() => applyAction(start().task, { ...sop, id: 'other' }, { type: 'cancel' }, human, at(1))).message).toMatch(
      /runs on "sop" version 1, but "other" version 1/,
    );
  });

  test('a task whose current step vanished from the workflow reports unknown-step', () => {
    const task = { ...start().task, currentStepId: 'gone' };
    expect(ruleError(() => applyAction(task, sop, { type: 'complete-step', stepId: 'gone' }, human, at(1))).code).toBe('unknown-step');
  });

  test('startTask refuses a workflow without steps', () => {
    expect(ruleError(() => startTask({ ...sop, steps: [] }, { id: 't', title: 'x', actor: human, now: at(0) })).code).toBe('unknown-step');
  });
});

describe('stepStates', () => {
  const states = (task: Task) => stepStates(task, sop).map((s) => s.state);
  test('follows the task through its life', () => {
    expect(states(start().task)).toEqual(['current', 'todo', 'todo', 'todo']);
    expect(states(play(toReview).task)).toEqual(['done', 'done', 'awaiting-approval', 'todo']);
    const rejected = play([...toReview, { type: 'reject', stepId: 'review', comment: 'again' }]).task;
    expect(states(rejected)).toEqual(['done', 'current', 'todo', 'todo']);
    const completed = play([...toReview, { type: 'approve', stepId: 'review' }, { type: 'complete-step', stepId: 'publish' }]).task;
    expect(states(completed)).toEqual(['done', 'done', 'done', 'done']);
    const cancelled = applyAction(play(toReview.slice(0, 1)).task, sop, { type: 'cancel' }, human, at(9)).task;
    expect(states(cancelled)).toEqual(['done', 'todo', 'todo', 'todo']);
    expect(stepStates(start().task, sop).map((s) => [s.index, s.step.id])).toEqual([
      [0, 'capture'],
      [1, 'draft'],
      [2, 'review'],
      [3, 'publish'],
    ]);
  });
});

describe('the task of a conversation (one rule for the background, the repository and the panel)', () => {
  const moved = play([{ type: 'move-conversation', reason: 'handoff', conversation: chat(null, 'claude', 2) }]).task;
  const finished = play([{ type: 'cancel', reason: 'done' }]).task;
  const running = { ...start().task, id: 't2', updatedAt: at(0) };

  it('is running while active or waiting at a gate', () => {
    expect(isRunning(start().task)).toBe(true);
    expect(isRunning(play(toReview).task)).toBe(true);
    expect(isRunning(finished)).toBe(false);
  });

  it('is in a conversation only while that is its last chat', () => {
    expect(isInConversation(start().task, 'claude', 'abc')).toBe(true);
    expect(isInConversation(start().task, 'chatgpt', 'abc')).toBe(false);
    expect(isInConversation(moved, 'claude', 'abc')).toBe(false);
  });

  it('a bound task fits the page of its chat, or any page of its site while its new chat has no id', () => {
    expect(boundTaskFits(moved, 'claude', null)).toBe(true);
    expect(boundTaskFits(moved, 'claude', 'new-id')).toBe(true);
    expect(boundTaskFits(moved, 'chatgpt', null)).toBe(false);
    expect(boundTaskFits(start().task, 'claude', 'other')).toBe(false);
  });

  it('prefers the task running here, else the one that finished here last; never one that moved on', () => {
    expect(taskOfConversation([finished, running], 'claude', 'abc')?.id).toBe('t2');
    expect(taskOfConversation([finished], 'claude', 'abc')?.id).toBe('t1');
    expect(taskOfConversation([moved], 'claude', 'abc')).toBeNull();
    expect(taskOfConversation([], 'claude', 'abc')).toBeNull();
  });
});

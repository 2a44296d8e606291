import fc from 'fast-check';
import { applyAction, startTask, WorkflowRuleError, type DecisionAuthority } from '@/lib/workflow/engine';
import type { AuditEvent, EventDraft, Task } from '@/lib/workflow/records';
import { replayTask } from '@/lib/workflow/replay';
import { GATE_DECIDERS, workflowSchema, type GateDecider, type Workflow } from '@/lib/workflow/schema';
import { ai, at, human, makeWorkflow } from './fixtures';

/**
 * DESIGN.md rule 1, second half: where a gate says who may decide, only a person that rule allows
 * leaves it — `approver`: a person with the approver role; `approver-not-operator` (four eyes): such
 * a person who is not the task's operator (the person whose browser ran the step). People are their
 * keys' fingerprints here, never their names.
 */

const OPERATOR = 'a'.repeat(64);
const COLLEAGUE = 'b'.repeat(64);

function gated(decidedBy: GateDecider | undefined): Workflow {
  return makeWorkflow({
    steps: [
      { id: 'draft', title: 'Draft', instructions: 'Draft.' },
      { id: 'review', title: 'Review', instructions: 'Review.', gate: { type: 'approval', ask: 'Right?', onReject: 'draft', ...(decidedBy && { decidedBy }) } },
      { id: 'publish', title: 'Publish', instructions: 'Publish.' },
    ],
  });
}

/** The task waiting at the review gate (the AI completed both steps, as in drive mode). */
function atGate(workflow: Workflow): { task: Task; drafts: EventDraft[] } {
  const started = startTask(workflow, { id: 't1', title: 'T', actor: human, now: at(0) });
  let task = started.task;
  const drafts = [...started.events];
  for (const [i, stepId] of ['draft', 'review'].entries()) {
    const result = applyAction(task, workflow, { type: 'complete-step', stepId }, ai, at(i + 1));
    task = { ...result.task, rev: task.rev + 1 };
    drafts.push(...result.events);
  }
  expect(task.status).toBe('awaiting-approval');
  return { task, drafts };
}

function stored(drafts: EventDraft[]): AuditEvent[] {
  return drafts.map((draft, index) => ({ ...draft, taskId: 't1', seq: index + 1, prevHash: '', hash: String(index) }));
}

const approver = (decider: string): DecisionAuthority => ({ decider, roles: ['approver'], operator: OPERATOR });

describe('who may decide a gate', () => {
  it('reads a gate without the rule as before: anyone decides, with or without a workspace', () => {
    const workflow = gated(undefined);
    expect(workflow.steps[1]!.gate!.decidedBy).toBeUndefined();
    const { task } = atGate(workflow);
    expect(applyAction(task, workflow, { type: 'approve', stepId: 'review' }, human, at(5)).task.currentStepId).toBe('publish');
    expect(applyAction(task, workflow, { type: 'approve', stepId: 'review' }, human, at(5), approver(OPERATOR)).task.currentStepId).toBe('publish');
  });

  it('refuses an approver gate to a person without the role, and without a workspace', () => {
    const workflow = gated('approver');
    const { task } = atGate(workflow);
    const approve = { type: 'approve', stepId: 'review' } as const;
    expect(() => applyAction(task, workflow, approve, human, at(5))).toThrow(expect.objectContaining({ code: 'not-allowed-to-decide' }));
    expect(() => applyAction(task, workflow, approve, human, at(5), { decider: COLLEAGUE, roles: ['member', 'lead'], operator: OPERATOR })).toThrow(
      /Only an approver of the team can approve "Review"/,
    );
    expect(() => applyAction(task, workflow, { type: 'reject', stepId: 'review', comment: 'no' }, human, at(5), { decider: COLLEAGUE, roles: ['member'], operator: OPERATOR })).toThrow(
      WorkflowRuleError,
    );
    // An approver may decide their own step when the gate does not ask for four eyes.
    expect(applyAction(task, workflow, approve, human, at(5), approver(OPERATOR)).task.currentStepId).toBe('publish');
  });

  it('four eyes: refuses the operator even with the approver role, takes a colleague who has it', () => {
    const workflow = gated('approver-not-operator');
    const { task } = atGate(workflow);
    const approve = { type: 'approve', stepId: 'review' } as const;
    expect(() => applyAction(task, workflow, approve, human, at(5), approver(OPERATOR))).toThrow(/second pair of eyes/);
    expect(() => applyAction(task, workflow, { type: 'reject', stepId: 'review', comment: 'mine' }, human, at(5), approver(OPERATOR))).toThrow(/second pair of eyes/);
    const decided = applyAction(task, workflow, approve, { kind: 'human', name: 'Ana Approver' }, at(5), approver(COLLEAGUE));
    expect(decided.task.currentStepId).toBe('publish');
    expect(decided.events[0]).toMatchObject({ type: 'gate.approved', data: { authority: { decider: COLLEAGUE, roles: ['approver'], operator: OPERATOR } } });
  });

  it('a replay checks the recorded authority again: an edited record that makes the operator the decider fails', () => {
    const workflow = gated('approver-not-operator');
    const { task, drafts } = atGate(workflow);
    const decided = applyAction(task, workflow, { type: 'approve', stepId: 'review' }, human, at(5), approver(COLLEAGUE));
    const events = stored([...drafts, ...decided.events]);
    expect(replayTask(workflow, events).ok).toBe(true);
    const forged = events.map((e) => (e.type === 'gate.approved' ? { ...e, data: { authority: { decider: OPERATOR, roles: ['approver'], operator: OPERATOR } } } : e));
    expect(replayTask(workflow, forged)).toMatchObject({ ok: false, reason: expect.stringContaining('second pair of eyes') });
    const stripped = events.map((e) => (e.type === 'gate.approved' ? { ...e, data: {} } : e));
    expect(replayTask(workflow, stripped)).toMatchObject({ ok: false, reason: expect.stringContaining('Only an approver') });
  });

  it('property: a decision leaves the gate exactly when the rule allows the decider', () => {
    const people = [OPERATOR, COLLEAGUE, 'c'.repeat(64)];
    fc.assert(
      fc.property(
        fc.constantFrom<GateDecider | undefined>(undefined, ...GATE_DECIDERS),
        fc.option(fc.record({ decider: fc.constantFrom(...people), roles: fc.subarray(['lead', 'member', 'approver']) }), { nil: undefined }),
        fc.boolean(),
        (rule, who, approving) => {
          const workflow = gated(rule);
          const { task } = atGate(workflow);
          const authority = who && { ...who, operator: OPERATOR };
          const allowed =
            (rule ?? 'anyone') === 'anyone' ||
            (!!authority && authority.roles.includes('approver') && (rule === 'approver' || authority.decider !== OPERATOR));
          const action = approving ? ({ type: 'approve', stepId: 'review' } as const) : ({ type: 'reject', stepId: 'review', comment: 'Redo' } as const);
          let result;
          try {
            result = applyAction(task, workflow, action, human, at(9), authority);
          } catch (error) {
            expect(error).toBeInstanceOf(WorkflowRuleError);
            expect((error as WorkflowRuleError).code).toBe('not-allowed-to-decide');
            expect(allowed).toBe(false);
            return;
          }
          expect(allowed).toBe(true);
          expect(result.task.pendingGate).toBeNull();
          expect(result.task.currentStepId).toBe(approving ? 'publish' : 'draft');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts only the three rules in a workflow file', () => {
    const base = gated('approver');
    const withRule = (decidedBy: string) => ({ ...base, steps: base.steps.map((s) => (s.gate ? { ...s, gate: { ...s.gate, decidedBy } } : s)) });
    expect(workflowSchema.safeParse(withRule('approver-not-operator')).success).toBe(true);
    expect(workflowSchema.safeParse(withRule('the-boss')).success).toBe(false);
  });
});

describe('the rule in files and in the editor', () => {
  it('survives export and import, and a gate without it stays without it', async () => {
    const { parseWorkflowFile } = await import('@/lib/workflow/file');
    const { serializeWorkflowFile } = await import('@/lib/workflow/file-format');
    const fourEyes = gated('approver-not-operator');
    const parsed = parseWorkflowFile(serializeWorkflowFile([fourEyes, { ...gated(undefined), id: 'plain' }]));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.workflows[0]!.steps[1]!.gate!.decidedBy).toBe('approver-not-operator');
    expect(parsed.workflows[1]!.steps[1]!.gate).not.toHaveProperty('decidedBy');
  });

  it('round-trips through the editor draft; "anyone" is written as no rule', async () => {
    const { draftFromWorkflow, toWorkflowInput } = await import('@/components/options/workflow-draft');
    const draft = draftFromWorkflow(gated('approver'));
    expect(draft.steps[1]!.gateDecidedBy).toBe('approver');
    expect(workflowSchema.parse(toWorkflowInput(draft, 2)).steps[1]!.gate!.decidedBy).toBe('approver');
    const anyone = { ...draft, steps: draft.steps.map((s) => ({ ...s, gateDecidedBy: 'anyone' as const })) };
    expect(toWorkflowInput(anyone, 2).steps[1]!.gate).not.toHaveProperty('decidedBy');
  });
});

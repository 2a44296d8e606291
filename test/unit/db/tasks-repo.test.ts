import { StaleTaskError, RecordNotFoundError } from '@/lib/db/errors';
import { listEvents, verifyTaskChain } from '@/lib/db/events-repo';
import { captureReply } from '@/lib/db/notes-repo';
import {
  countTasks,
  findTaskForConversation,
  getTask,
  getTaskDetail,
  listTasks,
  runAction,
  startTaskRecord,
} from '@/lib/db/tasks-repo';
import { deleteWorkflow, saveWorkflow } from '@/lib/db/workflows-repo';
import { WorkflowRuleError } from '@/lib/workflow/engine';
import { ai, alice, bob, chat, reviewFlow, simpleFlow, useFreshDb } from './helpers';

const ctx = useFreshDb();

async function started(title = 'Onboarding SOP') {
  await saveWorkflow(reviewFlow(), alice);
  return startTaskRecord({ workflowId: 'review-flow', title, conversation: chat('c1'), actor: alice });
}

describe('startTaskRecord', () => {
  it('pins the latest version, starts at the first step and records task.started', async () => {
    await saveWorkflow(reviewFlow(), alice);
    await saveWorkflow(reviewFlow({ description: 'Edited.' }), alice);
    const task = await startTaskRecord({ workflowId: 'review-flow', title: 'SOP', actor: alice });
    expect(task).toMatchObject({ workflowVersion: 2, status: 'active', currentStepId: 'draft', rev: 0 });
    expect(task.id).toMatch(/^[\w-]{21}$/);
    const events = await listEvents(task.id);
    expect(events.map((e) => e.type)).toEqual(['task.started']);
    expect(events[0]).toMatchObject({ seq: 1, prevHash: '0'.repeat(64) });
    expect(await getTask(task.id)).toEqual(task);
  });

  it('refuses a missing or deleted workflow and writes nothing', async () => {
    await expect(startTaskRecord({ workflowId: 'nope', title: 'x', actor: alice })).rejects.toBeInstanceOf(RecordNotFoundError);
    await saveWorkflow(reviewFlow(), alice);
    await deleteWorkflow('review-flow', alice);
    await expect(startTaskRecord({ workflowId: 'review-flow', title: 'x', actor: alice })).rejects.toBeInstanceOf(RecordNotFoundError);
    expect(await ctx.db.tasks.count()).toBe(0);
  });
});

describe('runAction', () => {
  it('applies the engine, bumps rev and appends the events in order', async () => {
    const task = await started();
    const t1 = await runAction(task.id, 0, { type: 'complete-step', stepId: 'draft' }, alice);
    expect(t1).toMatchObject({ rev: 1, currentStepId: 'walkthrough', status: 'active' });
    const t2 = await runAction(task.id, 1, { type: 'complete-step', stepId: 'walkthrough' }, alice);
    expect(t2).toMatchObject({ rev: 2, status: 'awaiting-approval' });
    const events = await listEvents(task.id);
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'task.started'],
      [2, 'step.completed'],
      [3, 'gate.requested'],
    ]);
    expect(await getTask(task.id)).toEqual(t2);
  });

  it('two concurrent approvals of one gate: exactly one gate.approved and one StaleTaskError', async () => {
    const task = await started();
    await runAction(task.id, 0, { type: 'complete-step', stepId: 'draft' }, alice);
    await runAction(task.id, 1, { type: 'complete-step', stepId: 'walkthrough' }, alice);
    const seen = (await getTask(task.id))!;
    expect(seen.rev).toBe(2);
    const outcomes = await Promise.allSettled([
      runAction(task.id, seen.rev, { type: 'approve', stepId: 'walkthrough' }, alice),
      runAction(task.id, seen.rev, { type: 'approve', stepId: 'walkthrough' }, bob),
    ]);
    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(StaleTaskError);
    expect(rejected[0]!.reason).toMatchObject({ code: 'stale-task', expectedRev: 2, actualRev: 3 });
    const events = await listEvents(task.id);
    expect(events.filter((e) => e.type === 'gate.approved')).toHaveLength(1);
    expect((await getTask(task.id))!).toMatchObject({ rev: 3, currentStepId: 'publish' });
    expect(await verifyTaskChain(task.id)).toEqual({ ok: true, count: events.length });
  });

  it('a WorkflowRuleError propagates unchanged and writes nothing', async () => {
    const task = await started();
    const before = await ctx.db.events.count();
    await expect(runAction(task.id, 0, { type: 'complete-step', stepId: 'publish' }, alice)).rejects.toSatisfy(
      (e: unknown) => e instanceof WorkflowRuleError && e.code === 'wrong-step',
    );
    // An AI cannot approve a gate.
    await runAction(task.id, 0, { type: 'complete-step', stepId: 'draft' }, alice);
    await runAction(task.id, 1, { type: 'complete-step', stepId: 'walkthrough' }, alice);
    const countAtGate = await ctx.db.events.count();
    await expect(runAction(task.id, 2, { type: 'approve', stepId: 'walkthrough' }, ai)).rejects.toMatchObject({
      name: 'WorkflowRuleError',
      code: 'not-human',
    });
    expect(await ctx.db.events.count()).toBe(countAtGate);
    expect((await getTask(task.id))!.rev).toBe(2);
    expect(countAtGate).toBe(before + 2);
  });

  it('a stale rev changes nothing', async () => {
    const task = await started();
    await expect(runAction(task.id, 5, { type: 'cancel' }, alice)).rejects.toBeInstanceOf(StaleTaskError);
    expect((await getTask(task.id))!).toEqual(task);
    expect(await listEvents(task.id)).toHaveLength(1);
    await expect(runAction('missing', 0, { type: 'cancel' }, alice)).rejects.toBeInstanceOf(RecordNotFoundError);
  });

  it('reject sends the task back with the comment; a realistic run completes and its chain verifies', async () => {
    const task = await started();
    let t = await runAction(task.id, 0, { type: 'complete-step', stepId: 'draft' }, alice);
    await captureReply({ taskId: task.id, site: 'chatgpt', conversationId: 'c1', messageKey: 'm1', markdown: 'Walkthrough text', actor: ai });
    t = await runAction(task.id, t.rev, { type: 'complete-step', stepId: 'walkthrough' }, alice);
    t = await runAction(task.id, t.rev, { type: 'reject', stepId: 'walkthrough', comment: 'Add the exceptions.' }, bob);
    expect(t).toMatchObject({ currentStepId: 'draft', rejection: { comment: 'Add the exceptions.', by: bob } });
    t = await runAction(task.id, t.rev, { type: 'complete-step', stepId: 'draft' }, alice);
    t = await runAction(task.id, t.rev, { type: 'complete-step', stepId: 'walkthrough' }, alice);
    t = await runAction(task.id, t.rev, { type: 'approve', stepId: 'walkthrough', comment: 'Good.' }, bob);
    t = await runAction(task.id, t.rev, { type: 'complete-step', stepId: 'publish' }, alice);
    expect(t).toMatchObject({ status: 'completed', currentStepId: null });
    const events = await listEvents(task.id);
    expect(events.map((e) => e.type)).toContain('task.completed');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(await verifyTaskChain(task.id)).toEqual({ ok: true, count: events.length });

    // Tampering with the stored trail is detected.
    const approved = events.find((e) => e.type === 'gate.approved')!;
    await ctx.db.events.put({ ...approved, actor: { kind: 'human', name: 'Mallory' } });
    expect(await verifyTaskChain(task.id)).toMatchObject({ ok: false, brokenAtSeq: approved.seq });
    await ctx.db.events.put(approved);
    expect((await verifyTaskChain(task.id)).ok).toBe(true);
    await ctx.db.events.delete([task.id, 3]);
    expect(await verifyTaskChain(task.id)).toMatchObject({ ok: false, brokenAtSeq: 4 });
  });
});

describe('pinned versions (engine rule 5)', () => {
  it('keeps running on the pinned version after the workflow is edited and then deleted', async () => {
    const task = await started();
    // The edit removes the gate and renames the steps: the running task must not notice.
    await saveWorkflow(
      reviewFlow({ steps: [{ id: 'other', title: 'Other', instructions: 'x', capture: true, reads: [] }] }),
      alice,
    );
    await deleteWorkflow('review-flow', alice);
    let t = await runAction(task.id, 0, { type: 'complete-step', stepId: 'draft' }, alice);
    t = await runAction(task.id, t.rev, { type: 'complete-step', stepId: 'walkthrough' }, alice);
    expect(t.status).toBe('awaiting-approval');
    t = await runAction(task.id, t.rev, { type: 'approve', stepId: 'walkthrough' }, bob);
    t = await runAction(task.id, t.rev, { type: 'complete-step', stepId: 'publish' }, alice);
    expect(t).toMatchObject({ status: 'completed', workflowVersion: 1 });
    const detail = await getTaskDetail(task.id);
    expect(detail!.workflow.version).toBe(1);
    expect(detail!.workflow.steps.map((s) => s.id)).toEqual(['draft', 'walkthrough', 'publish']);
  });
});

describe('findTaskForConversation', () => {
  it('finds the task of a conversation: the one running there now; one that moved on is no longer its task', async () => {
    await saveWorkflow(reviewFlow(), alice);
    const a = await startTaskRecord({ workflowId: 'review-flow', title: 'A', conversation: chat('c1'), actor: alice });
    expect((await findTaskForConversation('chatgpt', 'c1'))?.id).toBe(a.id);
    expect(await findTaskForConversation('claude', 'c1')).toBeNull();
    expect(await findTaskForConversation('chatgpt', 'c2')).toBeNull();

    // A moves to a new chat; B starts in the old one: the old chat now belongs to B.
    await runAction(a.id, 0, { type: 'move-conversation', conversation: chat('c2'), reason: 'handoff' }, alice);
    expect((await findTaskForConversation('chatgpt', 'c2'))?.id).toBe(a.id);
    expect(await findTaskForConversation('chatgpt', 'c1')).toBeNull();
    const b = await startTaskRecord({ workflowId: 'review-flow', title: 'B', conversation: chat('c1'), actor: bob });
    expect((await findTaskForConversation('chatgpt', 'c1'))?.id).toBe(b.id);
  });

  it('binds a new chat once the site assigns its id', async () => {
    await saveWorkflow(reviewFlow(), alice);
    const task = await startTaskRecord({ workflowId: 'review-flow', title: 'A', conversation: chat(null), actor: alice });
    expect((await ctx.db.tasks.get(task.id))!.conversationKeys).toEqual([]);
    await runAction(task.id, 0, { type: 'move-conversation', conversation: chat('new-id'), reason: 'url-assigned' }, alice);
    expect((await findTaskForConversation('chatgpt', 'new-id'))?.id).toBe(task.id);
  });
});

describe('listTasks', () => {
  it('filters by status, workflow, site, person and title, newest first, with paging', async () => {
    await saveWorkflow(reviewFlow(), alice);
    await saveWorkflow(simpleFlow('quick'), alice);
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const task = await startTaskRecord({
        workflowId: i % 2 ? 'quick' : 'review-flow',
        title: `Task ${i}${i === 4 ? ' budget' : ''}`,
        conversation: chat(`c${i}`, i < 3 ? 'chatgpt' : 'claude'),
        actor: i < 2 ? bob : alice,
      });
      ids.push(task.id);
      await new Promise((r) => setTimeout(r, 2));
    }
    await runAction(ids[1]!, 0, { type: 'complete-step', stepId: 'only' }, alice); // quick: completes
    await new Promise((r) => setTimeout(r, 2));
    await runAction(ids[2]!, 0, { type: 'cancel' }, alice);

    const titles = (tasks: { title: string }[]) => tasks.map((t) => t.title);
    expect(titles(await listTasks())).toEqual(['Task 2', 'Task 1', 'Task 5', 'Task 4 budget', 'Task 3', 'Task 0']);
    expect(titles(await listTasks({ limit: 2, offset: 1 }))).toEqual(['Task 1', 'Task 5']);
    expect(titles(await listTasks({ status: 'completed' }))).toEqual(['Task 1']);
    expect(titles(await listTasks({ statuses: ['active', 'awaiting-approval'] }))).toEqual(['Task 5', 'Task 4 budget', 'Task 3', 'Task 0']);
    expect(titles(await listTasks({ workflowId: 'quick' }))).toEqual(['Task 1', 'Task 5', 'Task 3']);
    expect(titles(await listTasks({ workflowId: 'quick', status: 'active' }))).toEqual(['Task 5', 'Task 3']);
    expect(titles(await listTasks({ site: 'claude' }))).toEqual(['Task 5', 'Task 4 budget', 'Task 3']);
    expect(titles(await listTasks({ person: 'Bob' }))).toEqual(['Task 1', 'Task 0']);
    expect(titles(await listTasks({ search: 'BUDGET' }))).toEqual(['Task 4 budget']);
    expect(await countTasks({ site: 'chatgpt' })).toBe(3);
    expect(await countTasks()).toBe(6);
  });
});

describe('getTaskDetail', () => {
  it('returns the task, its pinned workflow, its live notes oldest first and its events', async () => {
    const task = await started();
    await captureReply({ taskId: task.id, site: 'chatgpt', conversationId: 'c1', messageKey: 'm1', markdown: 'First', actor: ai });
    await captureReply({ taskId: task.id, site: 'chatgpt', conversationId: 'c1', messageKey: 'm2', markdown: 'Second', actor: ai });
    const detail = (await getTaskDetail(task.id))!;
    expect(detail.task).toEqual(task);
    expect(detail.workflow.id).toBe('review-flow');
    expect(detail.notes.map((n) => n.body).sort()).toEqual(['First', 'Second']);
    expect(detail.events.map((e) => e.type)).toEqual(['task.started', 'response.captured', 'note.added', 'response.captured', 'note.added']);
    expect(await getTaskDetail('missing')).toBeUndefined();
  });
});

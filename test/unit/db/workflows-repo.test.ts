import { ImportError, RecordNotFoundError, StaleWorkflowError, WorkflowValidationError } from '@/lib/db/errors';
import { listEvents, verifyTaskChain, workflowChain } from '@/lib/db/events-repo';
import {
  applyImport,
  deleteWorkflow,
  getWorkflow,
  getWorkflowHead,
  getWorkflowRecord,
  installBuiltins,
  listWorkflows,
  listWorkflowVersions,
  planImport,
  saveWorkflow,
  type ImportPlanItem,
} from '@/lib/db/workflows-repo';
import type { Workflow } from '@/lib/workflow/schema';
import { builtinWorkflows } from '@/workflows';
import { alice, bob, reviewFlow, simpleFlow, system, useFreshDb } from './helpers';

const ctx = useFreshDb();

async function snapshot() {
  return {
    workflows: await ctx.db.workflows.toArray(),
    heads: await ctx.db.workflowHeads.toArray(),
    events: await ctx.db.events.toArray(),
  };
}

describe('saveWorkflow', () => {
  test('the save guard: a create with an existing id, or an edit of a version that is no longer the latest, writes nothing', async () => {
    expect(await saveWorkflow(reviewFlow(), alice, { expectedVersion: null })).toMatchObject({ status: 'created', workflow: { version: 1 } });
    const before = await snapshot();
    // Another "new workflow" with the same id does not silently become version 2.
    const create = await saveWorkflow(reviewFlow({ name: 'Someone else' }), bob, { expectedVersion: null }).catch((e: unknown) => e);
    expect(create).toBeInstanceOf(StaleWorkflowError);
    expect(create).toMatchObject({ code: 'stale-workflow', expectedVersion: null, actualVersion: 1 });
    expect((create as Error).message).toMatch(/already exists/);
    expect(await snapshot()).toEqual(before);

    // Two tabs open version 1: the first save makes version 2, the second is refused instead of stacking version 3.
    expect(await saveWorkflow(reviewFlow({ name: 'Tab A' }), alice, { expectedVersion: 1 })).toMatchObject({ status: 'updated', workflow: { version: 2 } });
    const afterA = await snapshot();
    const tabB = await saveWorkflow(reviewFlow({ name: 'Tab B' }), bob, { expectedVersion: 1 }).catch((e: unknown) => e);
    expect(tabB).toMatchObject({ code: 'stale-workflow', expectedVersion: 1, actualVersion: 2 });
    expect((tabB as Error).message).toMatch(/saved as version 2 somewhere else/);
    expect(await snapshot()).toEqual(afterA);
    expect((await getWorkflow('review-flow'))?.name).toBe('Tab A');

    // From the version it now sees, tab B saves version 3.
    expect(await saveWorkflow(reviewFlow({ name: 'Tab B' }), bob, { expectedVersion: 2 })).toMatchObject({ status: 'updated', workflow: { version: 3 } });
  });

  test('the save guard refuses an edit of a workflow that does not exist', async () => {
    await expect(saveWorkflow(reviewFlow(), alice, { expectedVersion: 4 })).rejects.toMatchObject({ code: 'stale-workflow', actualVersion: 0 });
    expect(await getWorkflowHead('review-flow')).toBeUndefined();
  });

  it('creates version 1, adds a version per change and none for identical content', async () => {
    const created = await saveWorkflow({ ...reviewFlow(), version: 7 }, alice);
    expect(created.status).toBe('created');
    expect(created.workflow.version).toBe(1);

    const same = await saveWorkflow(reviewFlow(), bob);
    expect(same.status).toBe('unchanged');

    const edited = await saveWorkflow(reviewFlow({ name: 'Review flow (edited)' }), bob);
    expect(edited).toMatchObject({ status: 'updated', workflow: { version: 2, name: 'Review flow (edited)' } });

    expect((await listWorkflowVersions('review-flow')).map((r) => [r.version, r.meta.origin, r.meta.createdBy.name])).toEqual([
      [1, 'custom', 'Alice'],
      [2, 'custom', 'Bob'],
    ]);
    expect(await getWorkflowHead('review-flow')).toMatchObject({ latestVersion: 2, deleted: false, name: 'Review flow (edited)', stepCount: 3 });
    const events = await listEvents(workflowChain('review-flow'));
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['workflow.created', { version: 1, name: 'Review flow', origin: 'custom' }],
      ['workflow.updated', { version: 2, previousVersion: 1, name: 'Review flow (edited)' }],
    ]);
    expect((await verifyTaskChain(workflowChain('review-flow'))).ok).toBe(true);
  });

  it('accepts an editor draft without a version and fills defaults', async () => {
    const { version: _v, description: _d, ...draft } = simpleFlow('draft-only');
    const saved = await saveWorkflow(draft, alice);
    expect(saved.workflow).toMatchObject({ version: 1, description: '', category: 'General' });
  });

  it('rejects an invalid workflow with issues that say where, and writes nothing', async () => {
    const bad = reviewFlow({
      steps: [{ id: 'a', title: 'A', instructions: 'x', capture: true, reads: [], gate: { type: 'approval', ask: 'ok?', onReject: 'nowhere' } }],
    });
    const error = await saveWorkflow(bad, alice).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    expect((error as WorkflowValidationError).issues.some((i) => i.path.includes('onReject'))).toBe(true);
    await expect(saveWorkflow('nonsense', alice)).rejects.toBeInstanceOf(WorkflowValidationError);
    expect(await ctx.db.workflows.count()).toBe(0);
    expect(await ctx.db.events.count()).toBe(0);
  });
});

describe('reading and deleting', () => {
  it('lists heads by name with search and hides deleted ones, keeping their versions', async () => {
    await saveWorkflow(reviewFlow(), alice);
    await saveWorkflow(simpleFlow('zeta', { name: 'Zeta memo', category: 'Decisions' }), alice);
    await saveWorkflow(simpleFlow('alpha', { name: 'Alpha plan' }), alice);
    expect((await listWorkflows()).map((h) => h.id)).toEqual(['alpha', 'review-flow', 'zeta']);
    expect((await listWorkflows({ search: 'decis' })).map((h) => h.id)).toEqual(['zeta']);
    expect((await listWorkflows({ category: 'Documentation' })).map((h) => h.id)).toEqual(['review-flow']);

    await deleteWorkflow('zeta', bob);
    expect((await listWorkflows()).map((h) => h.id)).toEqual(['alpha', 'review-flow']);
    expect((await listWorkflows({ includeDeleted: true })).map((h) => [h.id, h.deleted])).toContainEqual(['zeta', true]);
    expect(await getWorkflow('zeta')).toBeUndefined();
    expect(await getWorkflow('zeta', 1)).toMatchObject({ id: 'zeta', version: 1 });
    expect((await getWorkflowRecord('zeta', 1))!.meta.deletedAt).toBeDefined();
    expect((await listEvents(workflowChain('zeta'))).map((e) => e.type)).toEqual(['workflow.created', 'workflow.deleted']);
    await expect(deleteWorkflow('zeta', bob)).rejects.toBeInstanceOf(RecordNotFoundError);
    await expect(deleteWorkflow('missing', bob)).rejects.toBeInstanceOf(RecordNotFoundError);
  });

  it('saving a deleted workflow again brings it back', async () => {
    await saveWorkflow(reviewFlow(), alice);
    await deleteWorkflow('review-flow', alice);
    expect(await saveWorkflow(reviewFlow(), alice)).toMatchObject({ status: 'restored', workflow: { version: 1 } });
    expect(await getWorkflow('review-flow')).toBeDefined();
    await deleteWorkflow('review-flow', alice);
    expect(await saveWorkflow(reviewFlow({ name: 'Back' }), alice)).toMatchObject({ status: 'updated', workflow: { version: 2 } });
    expect((await getWorkflowHead('review-flow'))!.deleted).toBe(false);
  });
});

describe('installBuiltins', () => {
  it('installs the shipped workflows once, idempotently', async () => {
    expect(builtinWorkflows().length).toBeGreaterThan(0);
    const first = await installBuiltins(builtinWorkflows(), system);
    expect(first.installed).toHaveLength(builtinWorkflows().length);
    const before = await snapshot();
    const second = await installBuiltins(builtinWorkflows(), system);
    expect(second.installed).toEqual([]);
    expect(second.skipped.every((s) => s.reason === 'current')).toBe(true);
    const after = await snapshot();
    expect(after.workflows).toEqual(before.workflows);
    expect(after.events).toEqual(before.events);
  });

  it('adds a newer built-in version but never overwrites an edited or deleted one', async () => {
    await installBuiltins([simpleFlow('b1'), simpleFlow('b2'), simpleFlow('b3')], system);
    await saveWorkflow(simpleFlow('b2', { name: 'My own b2' }), alice); // edited locally: v2 custom
    await deleteWorkflow('b3', alice);
    const result = await installBuiltins(
      [simpleFlow('b1', { version: 2, name: 'b1 v2' }), simpleFlow('b2', { version: 3 }), simpleFlow('b3', { version: 2 })],
      system,
    );
    expect(result.updated).toEqual(['b1']);
    expect(result.skipped).toEqual([
      { id: 'b2', reason: 'customized' },
      { id: 'b3', reason: 'deleted' },
    ]);
    expect(await getWorkflow('b1')).toMatchObject({ version: 2, name: 'b1 v2' });
    expect(await getWorkflow('b2')).toMatchObject({ version: 2, name: 'My own b2' });
    expect(await getWorkflow('b3')).toBeUndefined();
  });
});

describe('import', () => {
  const choose = (plan: ImportPlanItem[]) => Object.fromEntries(plan.map((p) => [p.id, p.status]));

  it('plans new, newer-version, identical, older-version and conflict', async () => {
    // Received from the team: "shared" v1..v3 imported; "mine" authored here.
    await applyImport(await planImport([simpleFlow('shared', { version: 3 })]), [], alice);
    await saveWorkflow(simpleFlow('mine'), alice);
    await saveWorkflow(simpleFlow('mine', { name: 'Mine v2' }), alice);
    await applyImport(await planImport([simpleFlow('edited-here', { version: 2 })]), [], alice);
    await saveWorkflow(simpleFlow('edited-here', { name: 'Local edit' }), alice); // v3, custom

    const plan = await planImport([
      simpleFlow('brand-new'),
      simpleFlow('shared', { version: 4, name: 'Shared v4' }),
      simpleFlow('mine', { version: 2, name: 'Mine v2' }),
    ]);
    expect(choose(plan)).toEqual({ 'brand-new': 'new', shared: 'newer-version', mine: 'identical' });

    expect(choose(await planImport([simpleFlow('shared', { version: 2 })]))).toEqual({ shared: 'older-version' });
    expect(choose(await planImport([simpleFlow('shared', { version: 3 })]))).toEqual({ shared: 'identical' });
    expect(choose(await planImport([simpleFlow('shared', { version: 3, name: 'Different' })]))).toEqual({ shared: 'conflict' });
    const edited = await planImport([simpleFlow('edited-here', { version: 4, name: 'Team v4' })]);
    expect(edited[0]).toMatchObject({ status: 'conflict', localVersion: 3, defaultAction: undefined });
    expect(edited[0]!.reason).toContain('after version 2');
    // A workflow authored here coming back newer from a colleague is simply newer.
    expect(choose(await planImport([simpleFlow('mine', { version: 5, name: 'Colleague v5' })]))).toEqual({ mine: 'newer-version' });
  });

  it('applies defaults and choices, and importing the same file twice changes nothing', async () => {
    await saveWorkflow(simpleFlow('shared', { name: 'Local' }), alice);
    const file: Workflow[] = [simpleFlow('fresh'), simpleFlow('shared', { name: 'Theirs' })];
    const plan = await planImport(file);
    expect(plan.map((p) => p.status)).toEqual(['new', 'conflict']);
    await expect(applyImport(plan, [], alice)).rejects.toBeInstanceOf(ImportError);
    expect(await ctx.db.workflows.count()).toBe(1);

    const result = await applyImport(plan, [{ id: 'shared', action: 'keep-both' }], bob);
    expect(result.imported).toEqual([
      { id: 'fresh', asId: 'fresh', version: 1, action: 'replace' },
      { id: 'shared', asId: 'shared-2', version: 1, action: 'keep-both' },
    ]);
    expect(await getWorkflow('shared')).toMatchObject({ name: 'Local' });
    expect(await getWorkflow('shared-2')).toMatchObject({ name: 'Theirs (2)' });
    expect((await listEvents(workflowChain('shared-2')))[0]).toMatchObject({
      type: 'workflow.imported',
      actor: bob,
      data: { fromId: 'shared', fromVersion: 1, action: 'keep-both' },
    });

    const before = await snapshot();
    const again = await planImport(file);
    expect(again.map((p) => p.status)).toEqual(['identical', 'identical']);
    const second = await applyImport(again, [{ id: 'shared', action: 'keep-both' }, { id: 'fresh', action: 'replace' }], bob);
    expect(second.imported).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('replace on a conflict adds a new local version and keeps the old one for pinned tasks', async () => {
    await saveWorkflow(simpleFlow('shared', { name: 'Local' }), alice);
    const file = [simpleFlow('shared', { name: 'Theirs' })];
    const result = await applyImport(await planImport(file), [{ id: 'shared', action: 'replace' }], alice);
    expect(result.imported).toEqual([{ id: 'shared', asId: 'shared', version: 2, action: 'replace' }]);
    expect(await getWorkflow('shared')).toMatchObject({ version: 2, name: 'Theirs' });
    expect(await getWorkflow('shared', 1)).toMatchObject({ name: 'Local' });
    expect((await planImport(file))[0]!.status).toBe('identical');

    // A newer version keeps the file's number; skipping leaves everything as it is.
    const newer = await applyImport(await planImport([simpleFlow('shared', { version: 5, name: 'v5' })]), [], alice);
    expect(newer.imported[0]).toMatchObject({ version: 5 });
    const skipped = await applyImport(await planImport([simpleFlow('shared', { version: 9, name: 'v9' })]), [{ id: 'shared', action: 'skip' }], alice);
    expect(skipped).toEqual({ imported: [], skipped: [{ id: 'shared', status: 'newer-version' }] });
    expect(await getWorkflowHead('shared')).toMatchObject({ latestVersion: 5, origin: 'imported' });
  });

  it('is all or nothing: a failure in the middle leaves the database unchanged', async () => {
    await saveWorkflow(simpleFlow('existing'), alice);
    const before = await snapshot();
    const plan = await planImport([simpleFlow('one'), simpleFlow('two'), simpleFlow('three')]);
    // Fail while writing the second workflow's event, after the first was fully written.
    const fail = (_key: unknown, event: { taskId: string }) => {
      if (event.taskId === 'workflow:two') throw new Error('disk full');
    };
    ctx.db.events.hook('creating', fail);
    await expect(applyImport(plan, [], alice)).rejects.toThrow('disk full');
    ctx.db.events.hook('creating').unsubscribe(fail);
    expect(await snapshot()).toEqual(before);
    await applyImport(plan, [], alice);
    expect((await listWorkflows()).map((h) => h.id)).toEqual(['existing', 'one', 'three', 'two']);
  });

  it('rejects files with invalid or repeated workflows', async () => {
    await expect(planImport([simpleFlow('a'), simpleFlow('a', { version: 2 })])).rejects.toBeInstanceOf(ImportError);
    // In words a person reads: the workflow by name and what to change, no path.
    await expect(planImport([{ ...simpleFlow('a'), steps: [] }])).rejects.toThrow(/^“[^”]+”, its steps: a workflow needs at least one step\.$/);
  });

  it('a deleted workflow comes back with a newer version', async () => {
    await saveWorkflow(simpleFlow('gone'), alice);
    await deleteWorkflow('gone', alice);
    const plan = await planImport([simpleFlow('gone', { version: 2, name: 'Back' })]);
    expect(plan[0]).toMatchObject({ status: 'newer-version', deletedLocally: true });
    await applyImport(plan, [], alice);
    expect(await getWorkflow('gone')).toMatchObject({ version: 2, name: 'Back' });
  });
});

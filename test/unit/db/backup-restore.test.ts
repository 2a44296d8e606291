import fc from 'fast-check';
import { applyRestore, exportBackup, planBackup, restoreBackup, type BackupFile, type RestorePlan, type RestoreReport } from '@/lib/db/backup';
import { applyBackupFile, isStreamedPlan, planBackupFile, type StreamedBackupPlan } from '@/lib/db/backup-restore';
import { exportBackupBlob, NotJsonError } from '@/lib/db/backup-stream';
import type { ConvOpsDatabase } from '@/lib/db/database';
import { BackupError } from '@/lib/db/errors';
import { isTaskChain, recordTaskEvent, verifyAllChains } from '@/lib/db/events-repo';
import { addManualNote, captureReply, editNote } from '@/lib/db/notes-repo';
import { updateSettings } from '@/lib/db/settings-repo';
import { getTaskDetail, runAction, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import { mutate, mutationArb } from '../workflow/mutate';
import { ai, alice, bob, chat, reviewFlow, useFreshDb } from './helpers';

/**
 * The streamed restore (two passes over the file, lib/db/backup-restore.ts) against the in-memory one
 * (lib/db/backup.ts): the same verdicts and the same writes for the same file, whatever was done to it.
 */

const ctx = useFreshDb();
const person = { kind: 'human' as const, name: 'Importer' };
const tables = (db: ConvOpsDatabase) => [db.tasks, db.notes, db.events, db.workflows, db.workflowHeads, db.settings, db.meta, db.publicKeys];

/** Two tasks with notes (one edited), a rejection, settings: every kind of chain a backup holds. */
async function populate(): Promise<{ first: string; second: string }> {
  await saveWorkflow(reviewFlow(), alice);
  const first = await startTaskRecord({ workflowId: 'review-flow', title: 'First', conversation: chat('c1'), actor: alice });
  await captureReply({ taskId: first.id, site: 'chatgpt', conversationId: 'c1', messageKey: 'm1', markdown: 'Draft text', actor: ai });
  const note = await addManualNote({ taskId: first.id, body: 'A remark', actor: alice });
  await editNote(note.id, 'A better remark', alice);
  const drafted = await runAction(first.id, 0, { type: 'complete-step', stepId: 'draft' }, alice);
  const asked = await runAction(first.id, drafted.rev, { type: 'complete-step', stepId: 'walkthrough' }, alice);
  await runAction(first.id, asked.rev, { type: 'reject', stepId: 'walkthrough', comment: 'Redo it' }, bob);
  const second = await startTaskRecord({ workflowId: 'review-flow', title: 'Second', conversation: chat('c2', 'claude'), actor: bob });
  await captureReply({ taskId: second.id, site: 'claude', conversationId: 'c2', messageKey: 'm2', markdown: 'Other draft', actor: ai });
  await updateSettings({ displayName: 'Alice' }, alice);
  return { first: first.id, second: second.id };
}

async function clearAll(db: ConvOpsDatabase) {
  await db.transaction('rw', tables(db), () => Promise.all(tables(db).map((table) => table.clear())));
}

/** Everything a restore writes, without what differs by the clock (the import records' time, hash and signature). */
async function dump(db: ConvOpsDatabase) {
  const events = await db.events.toArray();
  return {
    tasks: await db.tasks.toArray(),
    notes: await db.notes.toArray(),
    events: events.filter((event) => !event.taskId.startsWith('import:')),
    imports: events.filter((event) => event.taskId.startsWith('import:')).map((event) => [event.taskId, event.seq, event.type, event.data['fileHead']]),
    workflows: await db.workflows.toArray(),
    heads: await db.workflowHeads.toArray(),
    settings: await db.settings.toArray(),
    meta: await db.meta.toArray(),
    keys: (await db.publicKeys.toArray()).filter((row) => !row.own).map((row) => [row.fingerprint, row.names]),
  };
}

const verdicts = (plan: RestorePlan | StreamedBackupPlan) => ({
  items: plan.items,
  refusedWorkflowVersions: plan.refusedWorkflowVersions,
  quarantinedChains: plan.quarantinedChains,
  exportedAt: plan.exportedAt,
});

const blobOf = (value: unknown) => new Blob([JSON.stringify(value)], { type: 'application/json' });

type Outcome = { refusedFile: string } | { plan: RestorePlan | StreamedBackupPlan };
async function planEither(run: () => Promise<RestorePlan | StreamedBackupPlan>): Promise<Outcome> {
  try {
    return { plan: await run() };
  } catch (error) {
    // The stream's own guard stops a hostile nesting before it is parsed (NotJsonError, shown the same way).
    expect(error instanceof BackupError || error instanceof NotJsonError, String(error)).toBe(true);
    return { refusedFile: (error as Error).message };
  }
}

/** Plans and applies `file` both ways from the same database state; returns both outcomes and states. */
async function bothWays(file: unknown, setUp: () => Promise<void> = async () => {}) {
  const results: { outcome: Outcome; report?: RestoreReport; state: Awaited<ReturnType<typeof dump>> }[] = [];
  for (const streamed of [false, true]) {
    await clearAll(ctx.db);
    await setUp();
    const outcome = await planEither(() => (streamed ? planBackupFile(blobOf(file)) : planBackup(file)));
    let report: RestoreReport | undefined;
    if ('plan' in outcome) report = isStreamedPlan(outcome.plan) ? await applyBackupFile(outcome.plan, person) : await applyRestore(outcome.plan, person);
    results.push({ outcome, report, state: await dump(ctx.db) });
  }
  return results as [(typeof results)[0], (typeof results)[0]];
}

function expectSame([memory, streamed]: Awaited<ReturnType<typeof bothWays>>) {
  if ('refusedFile' in memory.outcome) {
    const words = 'refusedFile' in streamed.outcome ? streamed.outcome.refusedFile : '';
    // The stream's own nesting stop (the backup page reads every file through it, so it said this before too).
    if (words === 'This file nests too deeply to be a ConvOps backup or task file.') expect(memory.outcome.refusedFile).toMatch(/nests more than/);
    // Otherwise in the same words: the streamed preview leaves a file it refuses to the whole-file check.
    else expect(streamed.outcome).toEqual(memory.outcome);
  } else {
    expect('plan' in streamed.outcome).toBe(true);
    expect(verdicts((streamed.outcome as { plan: StreamedBackupPlan }).plan)).toEqual(verdicts(memory.outcome.plan));
  }
  expect(streamed.report).toEqual(memory.report);
  expect(streamed.state).toEqual(memory.state);
}

describe('streamed restore: the same as the in-memory one', () => {
  it('a whole backup into an empty database: same preview, same report, same records, chains verify', async () => {
    const { first } = await populate();
    const before = await getTaskDetail(first);
    const file = JSON.parse(await (await exportBackupBlob()).blob.text()) as BackupFile;
    const results = await bothWays(file);
    expectSame(results);
    const plan = (results[1].outcome as { plan: RestorePlan | StreamedBackupPlan }).plan;
    expect(isStreamedPlan(plan)).toBe(true);
    expect(plan.items.map((item) => item.status)).toEqual(['new', 'new']);
    expect(results[1].report?.added).toMatchObject({ tasks: 2, notes: 3, settings: true });
    expect((await getTaskDetail(first))?.notes).toEqual(before?.notes);
    expect([...(await verifyAllChains()).values()].every((verdict) => verdict.ok)).toBe(true);
  });

  it('a second time: everything already here, nothing written twice', async () => {
    await populate();
    const file = JSON.parse(JSON.stringify(await exportBackup())) as BackupFile;
    const seed = async () => void (await restoreBackup(file, { mode: 'merge' }, person));
    const results = await bothWays(file, seed);
    expectSame(results);
    expect((results[1].outcome as { plan: StreamedBackupPlan }).plan.items.map((item) => item.status)).toEqual(['same', 'same']);
    expect(results[1].report?.added).toMatchObject({ tasks: 0, notes: 0, events: 0 });
  });

  it('tampered files: a task row edited, an event text edited, a note body edited, events without their task', async () => {
    const { first, second } = await populate();
    const file = JSON.parse(JSON.stringify(await exportBackup())) as BackupFile;
    const variants: BackupFile[] = [];
    const edit = (change: (copy: BackupFile) => void) => {
      const copy = JSON.parse(JSON.stringify(file)) as BackupFile;
      change(copy);
      variants.push(copy);
    };
    edit((copy) => (copy.tasks.find((task) => task.id === first)!.status = 'completed'));
    edit((copy) => (copy.events.find((event) => event.taskId === first && event.type === 'gate.rejected')!.data['comment'] = 'Fine as it is'));
    edit((copy) => (copy.notes.find((note) => note.taskId === first && note.source === 'manual')!.body = 'Something else'));
    edit((copy) => (copy.tasks = copy.tasks.filter((task) => task.id !== second)));
    edit((copy) => (copy.workflows[0]!.steps[1]!.gate = undefined));
    // A note id may hold any character, a NUL included (the preview packs a note's digest around one).
    edit((copy) => (copy.notes.find((note) => note.taskId === first && note.source === 'manual')!.id = 'odd\u0000id\u0000'));
    for (const variant of variants) {
      const results = await bothWays(variant);
      expectSame(results);
      const plan = (results[1].outcome as { plan: StreamedBackupPlan }).plan;
      expect(plan.items.some((item) => item.status === 'refused') || plan.quarantinedChains.length > 0).toBe(true);
      for (const item of plan.items.filter((entry) => entry.status === 'refused')) {
        expect(results[1].state.tasks.some((task) => task.id === item.id)).toBe(false);
        expect(results[1].state.notes.some((note) => note.taskId === item.id)).toBe(false);
        expect(results[1].state.events.some((event) => event.taskId === item.id)).toBe(false);
      }
    }
  });

  it('a file with a key the format does not have, "__proto__" included, or a key twice, is refused or read as JSON.parse reads it', async () => {
    await populate();
    const text = await (await exportBackupBlob()).blob.text();
    for (const extra of ['{"__proto__":{"polluted":true},"format"', '{"__proto__":[],"format"', '{"surprise":[1,2],"format"']) {
      await expect(planBackupFile(new Blob([text.replace('{"format"', extra)]))).rejects.toBeInstanceOf(BackupError);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
    // "notes" twice in a row: JSON.parse keeps the second; so does the restore (it reads such a file whole).
    const twice = text.replace(',"notes":[', ',"notes":[{"not":"a note"}],"notes":[');
    const plan = await planBackupFile(new Blob([twice]));
    expect(isStreamedPlan(plan)).toBe(false);
    expect(verdicts(plan)).toEqual(verdicts(await planBackup(JSON.parse(twice))));
    // A single value given as an array is refused, in the whole-file check's words.
    const wrapped = text.replace('"settings":{', '"settings":[{').replace('},"meta":[', '}],"meta":[');
    const refusal = await planBackup(JSON.parse(wrapped)).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(BackupError);
    await expect(planBackupFile(new Blob([wrapped]))).rejects.toThrow((refusal as Error).message);
  });

  it('a file not in the order ConvOps writes (keys moved, a chain shuffled) is read whole, with the same verdicts', async () => {
    const { first } = await populate();
    const file = JSON.parse(JSON.stringify(await exportBackup())) as BackupFile;
    const { events, ...rest } = file;
    const movedKeys = { events, ...rest };
    const shuffled = { ...file, events: [...file.events].reverse() };
    for (const variant of [movedKeys, shuffled]) {
      const results = await bothWays(variant);
      expectSame(results);
      const plan = (results[1].outcome as { plan: RestorePlan }).plan;
      expect(isStreamedPlan(plan)).toBe(false);
      expect(plan.items.find((item) => item.id === first)?.status).toBe('new');
    }
  });

  it('1,000 mutated backups: the same refusal of the file, or the same verdicts and the same writes', async () => {
    await populate();
    const file = JSON.parse(JSON.stringify(await exportBackup())) as unknown;
    const tally = { fileRefused: 0, streamed: 0, readWhole: 0, taskRefused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const results = await bothWays(mutate(file, mutations));
        expectSame(results);
        const outcome = results[1].outcome;
        if ('refusedFile' in outcome) tally.fileRefused += 1;
        else {
          tally[isStreamedPlan(outcome.plan) ? 'streamed' : 'readWhole'] += 1;
          if (outcome.plan.items.some((item) => item.status === 'refused')) tally.taskRefused += 1;
        }
      }),
      { numRuns: 1_000, seed: 14 },
    );
    // The fuzz reaches every way through: refused files, streamed previews with refused tasks, and files read whole.
    expect(tally.fileRefused).toBeGreaterThan(50);
    expect(tally.streamed).toBeGreaterThan(50);
    expect(tally.taskRefused).toBeGreaterThan(20);
    console.info(`streamed restore fuzz: ${JSON.stringify(tally)}`);
  }, 120_000);
});

describe('streamed restore: between the preview and the restore', () => {
  it('a task that moved on here since the preview keeps its own history; nothing of the file is written for it', async () => {
    const { first, second } = await populate();
    const { blob } = await exportBackupBlob();
    const plan = await planBackupFile(blob);
    if (!isStreamedPlan(plan)) throw new Error('expected the streamed preview');
    expect(plan.items.map((item) => item.status)).toEqual(['same', 'same']);
    await recordTaskEvent(first, { type: 'briefing.inserted', actor: alice, at: new Date().toISOString(), stepId: 'draft', data: {} });
    const report = await applyBackupFile(plan, person);
    expect(report.divergedChains).toEqual([first]);
    expect(report.added.events).toBe(0);
    expect(report.skipped.tasks).toBe(1);
    expect((await getTaskDetail(second))?.task.id).toBe(second);
  });

  it('a cancelled restore stops; restoring the same file again completes it, with nothing twice', async () => {
    const { first } = await populate();
    const { blob } = await exportBackupBlob();
    const full = await dump(ctx.db);
    await clearAll(ctx.db);
    const plan = await planBackupFile(blob);
    if (!isStreamedPlan(plan)) throw new Error('expected the streamed preview');
    const controller = new AbortController();
    // A file that arrives in small pieces, so the restore is stopped half way through it.
    const text = await blob.text();
    const slow = new Blob([text]);
    Object.defineProperty(slow, 'stream', {
      value: () => {
        let at = 0;
        const bytes = new TextEncoder().encode(text);
        return new ReadableStream<Uint8Array>({
          pull(c) {
            if (at >= bytes.length) return c.close();
            c.enqueue(bytes.slice(at, at + 512));
            at += 512;
          },
        });
      },
    });
    let chunks = 0;
    await expect(
      applyBackupFile({ ...plan, streamed: { ...plan.streamed, blob: slow } }, person, {
        signal: controller.signal,
        onProgress: () => {
          chunks += 1;
          if (chunks === 6) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(await ctx.db.tasks.count()).toBe(0);
    const again = await planBackupFile(blob);
    if (!isStreamedPlan(again)) throw new Error('expected the streamed preview');
    await applyBackupFile(again, person);
    const after = await dump(ctx.db);
    expect({ ...after, imports: [], keys: [] }).toEqual({ ...full, imports: [], keys: [] });
    expect(after.events.filter((event) => isTaskChain(event.taskId) && event.taskId === first)).toEqual(full.events.filter((event) => event.taskId === first));
  });
});

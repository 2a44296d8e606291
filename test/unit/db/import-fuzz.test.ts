import fc from 'fast-check';
import { exportBackup, exportTask, type RestorePlan } from '@/lib/db/backup';
import { applyRestore, planBackup, planTaskFile } from '@/lib/db/backup-restore';
import { ownSigningKey } from '@/lib/db/signing';
import { BackupError } from '@/lib/db/errors';
import { addManualNote, captureReply } from '@/lib/db/notes-repo';
import { runAction, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import type { ConvOpsDatabase } from '@/lib/db/database';
import { mutate, mutationArb } from '../workflow/mutate';
import { ai, alice, chat, reviewFlow, useFreshDb } from './helpers';

/**
 * The task-file and backup fuzz: mutated files never make the import throw anything but a BackupError
 * with a located message; a refused file writes nothing, and a refused task leaves no row, note or event.
 */

export const TASK_FUZZ_RUNS = 4_000;
const ctx = useFreshDb();
const person = { kind: 'human' as const, name: 'Importer' };

async function seedFiles() {
  await saveWorkflow(reviewFlow(), alice);
  const task = await startTaskRecord({ workflowId: 'review-flow', title: 'Fuzzed', conversation: chat('c1'), actor: alice });
  await captureReply({ taskId: task.id, site: 'chatgpt', conversationId: 'c1', messageKey: 'm1', markdown: 'Draft text', actor: ai });
  await addManualNote({ taskId: task.id, body: 'A remark', actor: alice });
  const drafted = await runAction(task.id, 0, { type: 'complete-step', stepId: 'draft' }, alice);
  const asked = await runAction(task.id, drafted.rev, { type: 'complete-step', stepId: 'walkthrough' }, alice);
  await runAction(task.id, asked.rev, { type: 'reject', stepId: 'walkthrough', comment: 'Redo it' }, alice);
  return { taskFile: JSON.parse(JSON.stringify(await exportTask(task.id))) as unknown, backup: JSON.parse(JSON.stringify(await exportBackup())) as unknown };
}

async function counts(db: ConvOpsDatabase) {
  const [tasks, notes, events, workflows, heads, keys] = await Promise.all([
    db.tasks.count(),
    db.notes.count(),
    db.events.count(),
    db.workflows.count(),
    db.workflowHeads.count(),
    db.publicKeys.count(),
  ]);
  return { tasks, notes, events, workflows, heads, keys };
}

async function clearAll(db: ConvOpsDatabase) {
  await db.transaction('rw', [db.tasks, db.notes, db.events, db.workflows, db.workflowHeads, db.settings, db.meta, db.publicKeys], async () => {
    await Promise.all([db.tasks.clear(), db.notes.clear(), db.events.clear(), db.workflows.clear(), db.workflowHeads.clear(), db.settings.clear(), db.meta.clear(), db.publicKeys.clear()]);
  });
}

describe('task file and backup fuzz', () => {
  test(`${TASK_FUZZ_RUNS} mutated task files and backups: only located BackupErrors, nothing of a refusal written`, async () => {
    const { taskFile, backup } = await seedFiles();
    await clearAll(ctx.db);
    // The importer's key exists before the runs, so "nothing written" can count every table.
    await ownSigningKey(ctx.db);
    const empty = await counts(ctx.db);
    const tally = { fileRefused: 0, taskRefused: 0, imported: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), fc.boolean(), async (mutations, isBackup) => {
        const input = mutate(isBackup ? backup : taskFile, mutations);
        let plan: RestorePlan;
        try {
          plan = isBackup ? await planBackup(input) : await planTaskFile(input);
        } catch (error) {
          // The only refusal of a whole file: a BackupError that names the place.
          expect(error).toBeInstanceOf(BackupError);
          expect((error as Error).message).toMatch(/^(This is not a valid ConvOps (backup|task file): \S|The task file names)/);
          expect(await counts(ctx.db)).toEqual(empty);
          tally.fileRefused += 1;
          return;
        }
        const refused = plan.items.filter((item) => item.status === 'refused');
        for (const item of refused) expect(item.reason).toMatch(/^Task ".*" was not imported: ./s);
        await applyRestore(plan, person);
        for (const item of refused) {
          expect(await ctx.db.tasks.get(item.id)).toBeUndefined();
          expect(await ctx.db.notes.where('taskId').equals(item.id).count()).toBe(0);
          expect(await ctx.db.events.where('[taskId+seq]').between([item.id, 0], [item.id, Infinity]).count()).toBe(0);
        }
        if (refused.length > 0) tally.taskRefused += 1;
        else tally.imported += 1;
        await clearAll(ctx.db);
        await ownSigningKey(ctx.db);
      }),
      { numRuns: TASK_FUZZ_RUNS, seed: 12 },
    );
    // The fuzz reaches every outcome: refused files, refused tasks, and files that still import.
    expect(tally.fileRefused).toBeGreaterThan(100);
    expect(tally.taskRefused).toBeGreaterThan(100);
    expect(tally.imported).toBeGreaterThan(100);
    console.info(`import fuzz: ${JSON.stringify(tally)}`);
  }, 120_000);
});

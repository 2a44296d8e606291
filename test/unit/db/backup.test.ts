import Dexie from 'dexie';
import { exportBackup, exportTask, type BackupFile } from '@/lib/db/backup';
import { importTask, restoreBackup } from '@/lib/db/backup-restore';
import { openDatabase, setDb, type ConvOpsDatabase } from '@/lib/db/database';
import { BackupError, RecordNotFoundError } from '@/lib/db/errors';
import { listEvents, recordTaskEvent, verifyAllChains } from '@/lib/db/events-repo';
import { addManualNote, captureReply, deleteNote } from '@/lib/db/notes-repo';
import { updateSettings } from '@/lib/db/settings-repo';
import { getTask, getTaskDetail, runAction, startTaskRecord } from '@/lib/db/tasks-repo';
import { deleteWorkflow, installBuiltins, saveWorkflow } from '@/lib/db/workflows-repo';
import { ai, alice, bob, chat, reviewFlow, simpleFlow, system, useFreshDb } from './helpers';

const ctx = useFreshDb();

/** A database with some history: built-ins, edits, a deletion, tasks in every state, notes, settings. */
async function populate(): Promise<{ running: string; done: string }> {
  await installBuiltins([simpleFlow('builtin-one')], system);
  await saveWorkflow(reviewFlow(), alice);
  await saveWorkflow(reviewFlow({ name: 'Review flow v2' }), alice);
  await saveWorkflow(simpleFlow('to-delete'), bob);
  const done = await startTaskRecord({ workflowId: 'to-delete', title: 'Finished', conversation: chat('c0', 'claude'), actor: bob });
  await runAction(done.id, 0, { type: 'complete-step', stepId: 'only' }, bob);
  await deleteWorkflow('to-delete', bob);
  const running = await startTaskRecord({ workflowId: 'review-flow', title: 'Running', conversation: chat('c1'), actor: alice });
  await captureReply({ taskId: running.id, site: 'chatgpt', conversationId: 'c1', messageKey: 'm1', markdown: 'Draft', actor: ai });
  const note = await addManualNote({ taskId: running.id, body: 'Careful', actor: alice });
  await deleteNote(note.id, alice);
  await recordTaskEvent(running.id, { type: 'briefing.inserted', actor: alice, at: new Date().toISOString(), stepId: 'draft', data: {} });
  await runAction(running.id, 0, { type: 'complete-step', stepId: 'draft' }, alice);
  await updateSettings({ displayName: 'Alice', panelSide: 'left' }, alice);
  return { running: running.id, done: done.id };
}

async function dump(db: ConvOpsDatabase) {
  return {
    workflows: await db.workflows.toArray(),
    workflowHeads: await db.workflowHeads.toArray(),
    tasks: await db.tasks.toArray(),
    notes: await db.notes.toArray(),
    events: await db.events.toArray(),
    settings: await db.settings.toArray(),
    meta: await db.meta.toArray(),
  };
}

async function withFreshDatabase<T>(run: (db: ConvOpsDatabase) => Promise<T>): Promise<T> {
  const previous = ctx.db;
  const db = setDb(openDatabase(`convops-restore-${Date.now()}-${Math.random()}`));
  try {
    return await run(db);
  } finally {
    db.close();
    await Dexie.delete(db.name);
    setDb(previous);
  }
}

describe('backup', () => {
  it('round-trips: backup → fresh database → restore gives the same data and verified chains', async () => {
    await populate();
    const original = await dump(ctx.db);
    const file = JSON.parse(JSON.stringify(await exportBackup())) as BackupFile;
    expect(file).toMatchObject({ format: 'convops.backup', formatVersion: 1, schemaVersion: 6 });
    expect(file.tasks[0]).not.toHaveProperty('conversationKeys');

    await withFreshDatabase(async (db) => {
      const report = await restoreBackup(file, { mode: 'merge' });
      expect(report.added).toEqual({
        workflowVersions: original.workflows.length,
        tasks: 2,
        notes: original.notes.length,
        events: original.events.length,
        settings: true,
      });
      expect(report.divergedChains).toEqual([]);
      expect(report.refused).toEqual([]);
      expect(report.quarantinedChains).toEqual([]);
      const restored = await dump(db);
      const byKey = <T>(rows: T[], key: (row: T) => string) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));
      expect(byKey(restored.tasks, (t) => t.id)).toEqual(byKey(original.tasks, (t) => t.id));
      expect(byKey(restored.notes, (n) => n.id)).toEqual(byKey(original.notes, (n) => n.id));
      // Plus, per merged task, a local record of the merge and the file's chain head.
      expect(restored.events.filter((e) => !e.taskId.startsWith('import:'))).toEqual(original.events);
      const imports = restored.events.filter((e) => e.taskId.startsWith('import:'));
      expect(imports.map((e) => e.type)).toEqual(['task.imported', 'task.imported']);
      for (const record of imports) {
        const taskId = record.taskId.slice('import:'.length);
        const head = original.events.filter((e) => e.taskId === taskId).at(-1)!;
        expect(record.data).toMatchObject({ source: 'backup', fileHead: { seq: head.seq, hash: head.hash } });
      }
      expect(restored.workflows).toEqual(original.workflows);
      expect(byKey(restored.workflowHeads, (h) => h.id)).toEqual(byKey(original.workflowHeads, (h) => h.id));
      expect(restored.settings).toEqual(original.settings);
      expect(restored.meta).toEqual(original.meta);
      expect([...(await verifyAllChains()).values()].every((v) => v.ok)).toBe(true);

      // Restoring the same file again adds nothing.
      const again = await restoreBackup(file);
      expect(again.added).toEqual({ workflowVersions: 0, tasks: 0, notes: 0, events: 0, settings: false });
      expect(again.updatedTasks).toBe(0);
      expect(await dump(db)).toEqual(restored);
    });
  });

  it('merges a later state of a task into an earlier one, and keeps a diverged local task', async () => {
    const { running } = await populate();
    const early = await exportBackup();
    let task = (await getTask(running))!;
    task = await runAction(running, task.rev, { type: 'complete-step', stepId: 'walkthrough' }, alice);
    const late = await exportBackup();

    await withFreshDatabase(async () => {
      await restoreBackup(early);
      expect((await getTask(running))!.rev).toBe(task.rev - 1);
      const report = await restoreBackup(late);
      expect(report.updatedTasks).toBe(1);
      expect(report.added.events).toBe(1);
      expect(await getTask(running)).toEqual(task);
      expect([...(await verifyAllChains()).values()].every((v) => v.ok)).toBe(true);
    });

    await withFreshDatabase(async () => {
      await restoreBackup(early);
      // Here the task goes another way (cancelled) before the later backup arrives.
      const local = await runAction(running, task.rev - 1, { type: 'cancel', reason: 'other path' }, bob);
      const report = await restoreBackup(late);
      expect(report.divergedChains).toEqual([running]);
      expect(await getTask(running)).toEqual(local);
      expect((await listEvents(running)).at(-1)!.type).toBe('task.cancelled');
      expect([...(await verifyAllChains()).values()].every((v) => v.ok)).toBe(true);
    });
  });

  it('rejects what is not a valid backup and writes nothing', async () => {
    await expect(restoreBackup({ format: 'convops.backup', formatVersion: 2 })).rejects.toBeInstanceOf(BackupError);
    await expect(restoreBackup('nope')).rejects.toBeInstanceOf(BackupError);
    await expect(restoreBackup({}, { mode: 'replace' as 'merge' })).rejects.toBeInstanceOf(BackupError);
    await populate();
    const file = await exportBackup();
    const broken = structuredClone(file);
    broken.tasks[0]!.status = 'exploded' as never;
    await withFreshDatabase(async (db) => {
      await expect(restoreBackup(broken)).rejects.toThrow(/tasks\.0\.status/);
      expect(await db.tasks.count()).toBe(0);
    });
  });

  it('refuses a task whose chain does not verify, writes nothing of it, and restores the rest', async () => {
    const { running, done } = await populate();
    const file = await exportBackup();
    const event = file.events.find((e) => e.taskId === running && e.seq === 2)!;
    event.actor = { kind: 'human', name: 'Mallory' };
    await withFreshDatabase(async (db) => {
      const report = await restoreBackup(file);
      expect(report.refused).toEqual([{ id: running, title: 'Running', reason: expect.stringMatching(/^Task "Running" was not imported: its audit trail does not verify \(event 2 was changed/) }]);
      expect(await db.tasks.get(running)).toBeUndefined();
      expect(await db.notes.where('taskId').equals(running).count()).toBe(0);
      expect(await db.events.where('[taskId+seq]').between([running, 0], [running, Infinity]).count()).toBe(0);
      expect(await getTask(done)).toBeDefined();
    });
  });
});

describe('task export', () => {
  it('exports one task with its pinned workflow version, notes and events, and imports it elsewhere', async () => {
    const { running } = await populate();
    await saveWorkflow(reviewFlow({ name: 'Review flow v3' }), alice);
    const file = await exportTask(running);
    expect(file).toMatchObject({ format: 'convops.task', formatVersion: 1, task: { id: running }, workflow: { id: 'review-flow', version: 2 } });
    expect(file.notes).toHaveLength(2);
    expect(file.events.map((e) => e.seq)).toEqual(file.events.map((_, i) => i + 1));
    await expect(exportTask('missing')).rejects.toBeInstanceOf(RecordNotFoundError);

    await withFreshDatabase(async () => {
      const report = await importTask(JSON.parse(JSON.stringify(file)));
      expect(report.added).toMatchObject({ workflowVersions: 1, tasks: 1, notes: 2, events: file.events.length });
      const detail = (await getTaskDetail(running))!;
      expect(detail.workflow.version).toBe(2);
      expect(detail.notes.map((n) => n.body)).toEqual(['Draft']);
      // The colleague continues where it stood.
      const next = await runAction(running, detail.task.rev, { type: 'complete-step', stepId: 'walkthrough' }, bob);
      expect(next.status).toBe('awaiting-approval');
      expect([...(await verifyAllChains()).values()].every((v) => v.ok)).toBe(true);
      expect((await importTask(file)).added.events).toBe(0);
    });
    await expect(importTask({ ...file, workflow: { ...file.workflow, version: 1 } })).rejects.toBeInstanceOf(BackupError);
  });
});

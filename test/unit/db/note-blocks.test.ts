import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { setupNoteBlocks } from '@/lib/background/records-setup';
import { exportBackup } from '@/lib/db/backup';
import { exportBackupBlob } from '@/lib/db/backup-stream';
import { openDatabase, setDb } from '@/lib/db/database';
import { MIGRATIONS } from '@/lib/db/migrations';
import { buildNoteBlocks, onNoteBlocksStale } from '@/lib/db/note-blocks';
import { addManualNote, captureReply, deleteNote, editNote } from '@/lib/db/notes-repo';
import { runAction, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import { ai, alice, chat, reviewFlow, useFreshDb } from './helpers';

const ctx = useFreshDb();

async function startTask(title: string, conversation: string): Promise<string> {
  const task = await startTaskRecord({ workflowId: 'review-flow', title, conversation: chat(conversation), actor: alice });
  await captureReply({ taskId: task.id, site: 'chatgpt', conversationId: conversation, messageKey: `${conversation}-m1`, markdown: `Draft of ${title} with {braces}, "quotes" and ünïcødé ✓`, actor: ai });
  await addManualNote({ taskId: task.id, body: `Check the totals of ${title}`, actor: alice });
  return task.id;
}

/** Three tasks with notes (their ids sorted, so "the middle one" is the middle one in the file). */
async function populate(): Promise<string[]> {
  await saveWorkflow(reviewFlow(), alice);
  const ids = [await startTask('North', 'c1'), await startTask('South', 'c2'), await startTask('West', 'c3')];
  await runAction(ids[0]!, 0, { type: 'complete-step', stepId: 'draft' }, alice);
  return ids.sort();
}

/** `count` notes of `taskId` written straight to the table, as a restore writes them (ids `<prefix>-00000`…). */
async function addBulkNotes(taskId: string, prefix: string, count: number): Promise<void> {
  const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
  const notes = Array.from({ length: count }, (_, n) => ({ id: `${prefix}-${String(n).padStart(5, '0')}`, taskId, stepId: 'draft', source: 'manual' as const, body: `note ${n}`, createdAt: at(n), createdBy: alice, updatedAt: at(n), deleted: false }));
  await ctx.db.notes.bulkAdd(notes as never);
}

const withoutDate = (text: string) => text.replace(/"exportedAt":"[^"]*"/, '');
/** The streamed backup's text and what JSON.stringify of the in-memory backup gives, dates taken out. */
async function bothBackups(): Promise<{ streamed: string; whole: string; notes: number }> {
  const { blob, counts } = await exportBackupBlob();
  return { streamed: withoutDate(await blob.text()), whole: withoutDate(JSON.stringify(await exportBackup())), notes: counts.notes };
}

const blockTaskIds = async () => (await ctx.db.noteBlocks.toCollection().primaryKeys()) as string[];

describe('note blocks', () => {
  it('are made per task from its notes, and the backup refers to them: the same file as from the rows', async () => {
    const ids = await populate();
    const fromRows = await bothBackups();
    expect(fromRows.streamed).toBe(fromRows.whole);
    expect(fromRows.notes).toBe(6);

    expect(await buildNoteBlocks(ctx.db)).toBe(3);
    expect(await blockTaskIds()).toEqual(ids);
    const block = (await ctx.db.noteBlocks.get(ids[1]!))!;
    expect(block.count).toBe(2);
    expect(block.text).toBeInstanceOf(Blob);
    // Nothing left to make.
    expect(await buildNoteBlocks(ctx.db)).toBe(0);
    const fromBlocks = await bothBackups();
    expect(fromBlocks.streamed).toBe(fromRows.whole);

    // The file is made from the blocks, not the rows: a mark put in one block's text shows in it.
    await ctx.db.noteBlocks.put({ ...block, text: new Blob([(await block.text.text()).replace('Check the totals', 'Check the block')]) });
    expect((await bothBackups()).streamed).toContain('Check the block');
  });

  it('with some tasks made into blocks and some not, between them and around them, gives the same file', async () => {
    const ids = await populate();
    // More notes than a page holds in the middle task, which has no block: its pages follow one another.
    await addBulkNotes(ids[1]!, 'bulk', 520);
    for (const only of [[ids[0]!], [ids[2]!], [ids[0]!, ids[2]!], [ids[1]!]]) {
      await ctx.db.noteBlocks.clear();
      expect(await buildNoteBlocks(ctx.db, { taskIds: only })).toBe(only.length);
      const { streamed, whole, notes } = await bothBackups();
      expect(notes).toBe(526);
      expect(streamed).toBe(whole);
    }
    const file = JSON.parse(await (await exportBackupBlob()).blob.text()) as { notes: { id: string; taskId: string }[] };
    expect(new Set(file.notes.map((note) => note.id)).size).toBe(526);
    // Task by task, each task's notes in id order.
    const order = file.notes.map((note) => `${note.taskId} ${note.id}`);
    expect(order).toEqual([...order].sort());
  });

  it.each([
    ['a reply captured', async (taskId: string) => void (await captureReply({ taskId, site: 'chatgpt', conversationId: 'c9', messageKey: 'late', markdown: 'A late reply', actor: ai }))],
    ['a note added', async (taskId: string) => void (await addManualNote({ taskId, body: 'One more thing', actor: alice }))],
    ['a note edited', async (taskId: string) => void (await editNote((await ctx.db.notes.where('taskId').equals(taskId).first())!.id, 'Edited text', alice))],
    ['a note deleted (kept, marked)', async (taskId: string) => void (await deleteNote((await ctx.db.notes.where('taskId').equals(taskId).first())!.id, alice))],
    ['a note row removed outright', async (taskId: string) => void (await ctx.db.notes.delete((await ctx.db.notes.where('taskId').equals(taskId).first())!.id))],
    ['notes restored in bulk', async (taskId: string) => addBulkNotes(taskId, 'restored', 3)],
  ])('are deleted with %s, in the same transaction, so the backup never writes a stale block', async (_what, change) => {
    const ids = await populate();
    await buildNoteBlocks(ctx.db);
    const stale: (readonly string[] | 'all')[] = [];
    const stop = onNoteBlocksStale((taskIds) => stale.push(taskIds));
    try {
      await change(ids[1]!);
    } finally {
      stop();
    }
    const left = await blockTaskIds();
    expect(left).not.toContain(ids[1]);
    expect(stale.length).toBeGreaterThan(0);
    expect(stale.every((taskIds) => taskIds === 'all' || taskIds.includes(ids[1]!))).toBe(true);
    const { streamed, whole } = await bothBackups();
    expect(streamed).toBe(whole);
    // Made again, the file is still the rows' file.
    await buildNoteBlocks(ctx.db);
    expect(await blockTaskIds()).toEqual(ids);
    expect((await bothBackups()).streamed).toBe(whole);
  });

  it('a write that fails leaves the block as it was (the deletion is undone with it)', async () => {
    const ids = await populate();
    await buildNoteBlocks(ctx.db);
    await expect(
      ctx.db.transaction('rw', [ctx.db.notes], async () => {
        await ctx.db.notes.update((await ctx.db.notes.where('taskId').equals(ids[0]!).first())!.id, { body: 'never kept' });
        throw new Error('stopped');
      }),
    ).rejects.toThrow('stopped');
    expect(await blockTaskIds()).toEqual(ids);
    expect((await bothBackups()).streamed).not.toContain('never kept');
  });

  it.each([
    ['holds one note too many', async (taskId: string) => ctx.db.noteBlocks.update(taskId, { count: 3 })],
    ['holds one note too few', async (taskId: string) => ctx.db.noteBlocks.update(taskId, { count: 1 })],
    ['stands for a task that has no notes', async () => void (await ctx.db.noteBlocks.put({ taskId: 'zz-no-such-task', count: 1, text: new Blob(['{"id":"forged"}']) }))],
    ['has no text', async (taskId: string) => ctx.db.noteBlocks.update(taskId, { text: new Blob([]) })],
  ])('a block that %s is not used: every note is read from its rows', async (_what, tamper) => {
    const ids = await populate();
    await buildNoteBlocks(ctx.db);
    const block = (await ctx.db.noteBlocks.get(ids[1]!))!;
    // Marked, so the file shows whether the block was used.
    await ctx.db.noteBlocks.put({ ...block, text: new Blob([(await block.text.text()).replace('Check the totals', 'Check the block')]) });
    await tamper(ids[1]!);
    const { blob, counts } = await exportBackupBlob();
    const text = await blob.text();
    expect(counts.notes).toBe(6);
    expect(text).not.toContain('Check the block');
    expect(text).not.toContain('forged');
    const file = JSON.parse(text) as { notes: { id: string }[] };
    expect(file.notes.map((note) => note.id).sort()).toEqual((await ctx.db.notes.toCollection().primaryKeys()).sort());
  });
});

describe('the background', () => {
  it('makes the missing blocks after it starts, and a task’s block again once its notes are still', async () => {
    const ids = await populate();
    const stop = setupNoteBlocks({ afterMs: 50, atStartMs: 20 });
    try {
      await expect.poll(blockTaskIds, { timeout: 5_000 }).toEqual(ids);
      await addManualNote({ taskId: ids[0]!, body: 'Still changing', actor: alice });
      await addManualNote({ taskId: ids[0]!, body: 'Still changing, again', actor: alice });
      expect(await blockTaskIds()).toEqual(ids.slice(1));
      await expect.poll(blockTaskIds, { timeout: 5_000 }).toEqual(ids);
      expect(await (await ctx.db.noteBlocks.get(ids[0]!))!.text.text()).toContain('Still changing, again');
      const { streamed, whole } = await bothBackups();
      expect(streamed).toBe(whole);
    } finally {
      stop();
    }
  });
});

describe('upgrading a schema v5 database', () => {
  it('keeps every note, backs up the same file before and after its blocks are made, and the repositories go on', async () => {
    const ids = await populate();
    const before = withoutDate(JSON.stringify(await exportBackup()));
    const name = `convops-v5-${Date.now()}`;
    const v5 = new Dexie(name);
    for (const migration of MIGRATIONS.filter((m) => m.version <= 5)) v5.version(migration.version).stores({ ...migration.stores });
    await v5.open();
    // The v5 database holds what the repositories wrote (the fixture), every table v5 has.
    for (const table of Object.keys(MIGRATIONS[4]!.stores)) await v5.table(table).bulkAdd(await ctx.db.table(table).toArray());
    v5.close();

    const previous = ctx.db;
    const db = setDb(openDatabase(name));
    try {
      await db.open();
      expect(db.verno).toBe(6);
      expect(await db.noteBlocks.count()).toBe(0);
      const schemaFree = (text: string) => text.replace(/"schemaVersion":\d+/, '');
      const { blob } = await exportBackupBlob();
      expect(schemaFree(withoutDate(await blob.text()))).toBe(schemaFree(before));
      expect(await buildNoteBlocks(db)).toBe(3);
      expect(schemaFree(withoutDate(await (await exportBackupBlob()).blob.text()))).toBe(schemaFree(before));
      await addManualNote({ taskId: ids[2]!, body: 'After the upgrade', actor: alice });
      expect(await db.noteBlocks.get(ids[2]!)).toBeUndefined();
      const after = await exportBackupBlob();
      expect(await after.blob.text()).toContain('After the upgrade');
      expect(after.counts.notes).toBe(7);
    } finally {
      db.close();
      await Dexie.delete(name);
      setDb(previous);
    }
  });
});

import Dexie from 'dexie';
import { exportBackup } from '@/lib/db/backup';
import { planBackupFile, restoreBackup } from '@/lib/db/backup-restore';
import { exportBackupBlob } from '@/lib/db/backup-stream';
import { openDatabase, setDb, type ConvOpsDatabase } from '@/lib/db/database';
import { blockBytes, EVENT_BLOB_BYTES, EVENT_BLOCK_BYTES, EVENT_TALLY_KEY } from '@/lib/db/event-blocks';
import { recordTaskEvent, verifyAllChains } from '@/lib/db/events-repo';
import { MIGRATIONS } from '@/lib/db/migrations';
import { addManualNote, captureReply } from '@/lib/db/notes-repo';
import { updateSettings } from '@/lib/db/settings-repo';
import { runAction, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import type { EventBlockRow } from '@/lib/db/records';
import type { AuditEvent } from '@/lib/workflow/records';
import { ai, alice, chat, reviewFlow, useFreshDb } from './helpers';

const ctx = useFreshDb();

async function populate(): Promise<string> {
  await saveWorkflow(reviewFlow(), alice);
  const task = await startTaskRecord({ workflowId: 'review-flow', title: 'Close, part "1"', conversation: chat('c1'), actor: alice });
  await captureReply({ taskId: task.id, site: 'chatgpt', conversationId: 'c1', messageKey: 'm1', markdown: 'Draft with {braces}, "quotes" and ünïcødé ✓', actor: ai });
  await addManualNote({ taskId: task.id, body: 'Check the totals', actor: alice });
  await runAction(task.id, 0, { type: 'complete-step', stepId: 'draft' }, alice);
  await updateSettings({ displayName: 'Alice' }, alice);
  return task.id;
}

const textOf = (block: EventBlockRow): Promise<string> => (block.utf8 instanceof Blob ? block.utf8.text() : Promise.resolve(new TextDecoder().decode(block.utf8)));
const withText = (block: EventBlockRow, text: string): EventBlockRow => ({ ...block, utf8: new Blob([text]) });

/** What the blocks say, chain by chain, against what the rows say: the text the backup writes for each; and the tally against the rows' count. */
async function blocksAndRows(db: ConvOpsDatabase): Promise<{ blocks: string; rows: string; counts: number[]; tally: number | undefined; rowCount: number }> {
  const blocks = await db.eventBlocks.orderBy('[taskId+firstSeq]').toArray();
  const rows = await db.events.orderBy('[taskId+seq]').toArray();
  const tally = (await db.eventTally.get(EVENT_TALLY_KEY))?.count;
  return { blocks: (await Promise.all(blocks.map(textOf))).join(','), rows: rows.map((row) => JSON.stringify(row)).join(','), counts: blocks.map((block) => block.count), tally, rowCount: rows.length };
}

/** The blocks and the tally say what the rows say. */
async function expectInStep(db: ConvOpsDatabase): Promise<void> {
  const { blocks, rows, tally, rowCount } = await blocksAndRows(db);
  expect(blocks).toBe(rows);
  expect(tally).toBe(rowCount);
}

const withoutDate = (text: string) => text.replace(/"exportedAt":"[^"]*"/, '');

describe('event blocks', () => {
  it('hold every event the repositories append, in the text and order of the rows', async () => {
    await populate();
    const { blocks, rows, counts, tally } = await blocksAndRows(ctx.db);
    expect(rows.length).toBeGreaterThan(0);
    expect(blocks).toBe(rows);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(await ctx.db.events.count());
    expect(tally).toBe(await ctx.db.events.count());
  });

  it('close a block at its size and go on in the next one', async () => {
    const id = await populate();
    for (let i = 0; i < 40; i += 1) await recordTaskEvent(id, { type: 'message.sent', actor: alice, at: new Date().toISOString(), data: { text: 'x'.repeat(4_000) } });
    const chain = await ctx.db.eventBlocks.where('[taskId+firstSeq]').between([id, 0], [id, Infinity]).toArray();
    expect(chain.length).toBeGreaterThan(1);
    for (const [i, block] of chain.entries()) {
      if (i > 0) expect(block.firstSeq).toBe(chain[i - 1]!.lastSeq + 1);
      expect(block.lastSeq - block.firstSeq + 1).toBe(block.count);
      // A block is closed once it reaches the size; one event may take it over.
      if (i < chain.length - 1) expect(blockBytes(block.utf8)).toBeGreaterThanOrEqual(EVENT_BLOCK_BYTES);
    }
    expect((await blocksAndRows(ctx.db)).blocks).toBe((await blocksAndRows(ctx.db)).rows);
  });

  it('are stored as Blobs once closed or from 32 KB on, as bytes while small; blocks stored either way are backed up and continued the same', async () => {
    const id = await populate();
    const [small] = await ctx.db.eventBlocks.where('[taskId+firstSeq]').between([id, 0], [id, Infinity]).toArray();
    expect(small!.utf8).toBeInstanceOf(Uint8Array);
    for (let i = 0; i < 40; i += 1) await recordTaskEvent(id, { type: 'message.sent', actor: alice, at: new Date().toISOString(), data: { text: `${i} ${'x'.repeat(4_000)}` } });
    const chainOf = () => ctx.db.eventBlocks.where('[taskId+firstSeq]').between([id, 0], [id, Infinity]).toArray();
    const chain = await chainOf();
    expect(chain.length).toBeGreaterThan(2);
    for (const [i, block] of chain.entries()) expect(block.utf8 instanceof Blob).toBe(i < chain.length - 1 || blockBytes(block.utf8) >= EVENT_BLOB_BYTES);
    expect(chain.every((block) => block.utf8 instanceof Blob)).toBe(true);
    const fromRows = () => exportBackup().then((file) => withoutDate(JSON.stringify(file)));
    expect(withoutDate(await (await exportBackupBlob()).blob.text())).toBe(await fromRows());

    // Blocks stored as bytes (schema 5 before Blobs), the open one too: the same file, and the next append continues it.
    for (const block of chain) await ctx.db.eventBlocks.put({ ...block, utf8: new TextEncoder().encode(await textOf(block)) });
    const last = chain.at(-1)!;
    expect(withoutDate(await (await exportBackupBlob()).blob.text())).toBe(await fromRows());
    await recordTaskEvent(id, { type: 'message.sent', actor: alice, at: new Date().toISOString(), data: { text: 'après' } });
    await expectInStep(ctx.db);
    expect((await ctx.db.eventBlocks.get([id, last.firstSeq]))!.count).toBe(last.count + 1);
    expect(withoutDate(await (await exportBackupBlob()).blob.text())).toBe(await fromRows());
  });

  it('an event cannot be committed without its block: a transaction over events alone writes blocks too, and a failed block aborts the event', async () => {
    const id = await populate();
    const last = (await ctx.db.events.where('[taskId+seq]').between([id, 0], [id, Infinity]).last())!;
    const next: AuditEvent = { ...last, seq: last.seq + 1, prevHash: last.hash };
    await ctx.db.transaction('rw', ctx.db.events, () => ctx.db.events.add(next));
    await expectInStep(ctx.db);

    // IndexedDB stores a BigInt, JSON cannot write it: the block fails, so the event is not kept either.
    const before = await ctx.db.events.count();
    const unwritable = { ...next, seq: next.seq + 1, data: { n: 1n } } as unknown as AuditEvent;
    await expect(ctx.db.transaction('rw', ctx.db.events, () => ctx.db.events.add(unwritable))).rejects.toThrow(/BigInt/);
    expect(await ctx.db.events.count()).toBe(before);
    await expectInStep(ctx.db);
  });

  it('follow rows replaced, deleted or cleared (as an attacker or a test would): blocks and tally never say other than the rows', async () => {
    const id = await populate();
    const events = await ctx.db.events.where('[taskId+seq]').between([id, 0], [id, Infinity]).toArray();
    await ctx.db.events.put({ ...events[1]!, actor: { kind: 'human', name: 'Mallory' } });
    await expectInStep(ctx.db);
    await ctx.db.events.delete([id, 2]);
    await expectInStep(ctx.db);
    // Rows put out of order, one of them already there: the chain is rebuilt, the tally counts only the new one.
    await ctx.db.events.bulkPut([{ ...events[3]!, seq: 99 }, events[1]!, events[3]!]);
    await expectInStep(ctx.db);
    await ctx.db.events.where('[taskId+seq]').between([id, 0], [id, Infinity]).delete();
    await expectInStep(ctx.db);
    await ctx.db.events.clear();
    expect(await ctx.db.eventBlocks.count()).toBe(0);
    expect((await ctx.db.eventTally.get(EVENT_TALLY_KEY))?.count).toBe(0);
  });

  it('restored events get their blocks (the restore writes through the same path)', async () => {
    await populate();
    const file = JSON.parse(JSON.stringify(await exportBackup())) as unknown;
    const previous = ctx.db;
    const db = setDb(openDatabase(`convops-blocks-restore-${Date.now()}`));
    try {
      const report = await restoreBackup(file);
      expect(report.refused).toEqual([]);
      await expectInStep(db);
      expect((await blocksAndRows(db)).rows).toContain('task.imported');
    } finally {
      db.close();
      await Dexie.delete(db.name);
      setDb(previous);
    }
  });
});

describe('the backup from blocks', () => {
  it('writes byte for byte the file the rows make (the old writer), and reads the rows when the blocks miss events', async () => {
    await populate();
    const fromBlocks = await (await exportBackupBlob()).blob.text();
    // The writer before blocks: every row stringified (the in-memory backup reads rows, not blocks).
    expect(withoutDate(fromBlocks)).toBe(withoutDate(JSON.stringify(await exportBackup())));
    // Blocks lost (written around Dexie): the backup notices the count and reads the rows: the same file.
    const [first] = await ctx.db.eventBlocks.orderBy('[taskId+firstSeq]').limit(1).primaryKeys();
    await ctx.db.eventBlocks.delete(first!);
    expect(withoutDate(await (await exportBackupBlob()).blob.text())).toBe(withoutDate(fromBlocks));
    await ctx.db.eventBlocks.clear();
    expect(withoutDate(await (await exportBackupBlob()).blob.text())).toBe(withoutDate(fromBlocks));
  });

  it('reads the rows when the blocks cannot be proven whole: a block cut short, the tally changed or gone', async () => {
    const id = await populate();
    const fromRows = withoutDate(JSON.stringify(await exportBackup()));
    const tally = (await ctx.db.eventTally.get(EVENT_TALLY_KEY))!;
    const chain = await ctx.db.eventBlocks.where('[taskId+firstSeq]').between([id, 0], [id, Infinity]).toArray();
    const block = chain[0]!;
    const [firstEvent, ...rest] = (await textOf(block)).split(/,(?=\{"type")/);
    expect(rest.length).toBeGreaterThan(0);
    expect(firstEvent).toContain('"seq":1');

    // Its last event dropped (count and text), the seq range left as it was: the tally still disagrees.
    await ctx.db.eventBlocks.put({ ...withText(block, [firstEvent, ...rest.slice(0, -1)].join(',')), count: block.count - 1 });
    const cutShort = await exportBackupBlob();
    expect(withoutDate(await cutShort.blob.text())).toBe(fromRows);
    expect(cutShort.counts.events).toBe(tally.count);
    // The tally lowered to match it: the block's count no longer fits its seq range.
    await ctx.db.eventTally.put({ ...tally, count: tally.count - 1 });
    expect(withoutDate(await (await exportBackupBlob()).blob.text())).toBe(fromRows);
    // The block whole again, the tally gone or wrong: the rows.
    await ctx.db.eventBlocks.put(block);
    await ctx.db.eventTally.delete(EVENT_TALLY_KEY);
    expect(withoutDate(await (await exportBackupBlob()).blob.text())).toBe(fromRows);
    await ctx.db.eventTally.put({ ...tally, count: tally.count + 1 });
    expect(withoutDate(await (await exportBackupBlob()).blob.text())).toBe(fromRows);
  });

  it('a block whose text disagrees with the rows does not pass the restore: that task is refused, nothing else lost', async () => {
    const id = await populate();
    const block = (await ctx.db.eventBlocks.where('[taskId+firstSeq]').between([id, 0], [id, Infinity]).first())!;
    await ctx.db.eventBlocks.put(withText(block, (await textOf(block)).replace('"Alice"', '"Mallory"')));
    const { blob } = await exportBackupBlob();
    const previous = ctx.db;
    const db = setDb(openDatabase(`convops-blocks-refused-${Date.now()}`));
    try {
      const plan = await planBackupFile(blob);
      expect(plan.items.find((item) => item.id === id)).toMatchObject({ status: 'refused' });
      expect(plan.items.find((item) => item.id === id)?.reason).toMatch(/audit trail does not verify/);
    } finally {
      db.close();
      await Dexie.delete(db.name);
      setDb(previous);
    }
  });
});

describe('upgrading a schema v3 database', () => {
  it('builds every chain’s blocks from its events, and the repositories go on appending to them', async () => {
    const id = await populate();
    const rows = await ctx.db.events.orderBy('[taskId+seq]').toArray();
    const name = `convops-v3-${Date.now()}`;
    const v3 = new Dexie(name);
    for (const migration of MIGRATIONS.filter((m) => m.version <= 3)) v3.version(migration.version).stores({ ...migration.stores });
    await v3.open();
    // The v3 database holds what the repositories wrote (the fixture), every table but the blocks.
    for (const table of Object.keys(MIGRATIONS[2]!.stores)) await v3.table(table).bulkAdd(await ctx.db.table(table).toArray());
    v3.close();

    const previous = ctx.db;
    const db = setDb(openDatabase(name));
    try {
      await db.open();
      expect(db.verno).toBe(6);
      const upgraded = await blocksAndRows(db);
      expect(upgraded.rows).toBe(rows.map((row) => JSON.stringify(row)).join(','));
      expect(upgraded.blocks).toBe(upgraded.rows);
      expect(upgraded.tally).toBe(rows.length);
      await recordTaskEvent(id, { type: 'message.sent', actor: alice, at: new Date().toISOString(), data: {} });
      await expectInStep(db);
      const chains = await verifyAllChains();
      expect([...chains.values()].every((verdict) => verdict.ok)).toBe(true);
    } finally {
      db.close();
      await Dexie.delete(name);
      setDb(previous);
    }
  });
});

describe('upgrading a schema v4 database', () => {
  it('tallies the events there are, turns the blocks’ text into bytes, the backup trusts the blocks again, and the repositories go on keeping the tally', async () => {
    const id = await populate();
    const rows = await ctx.db.events.orderBy('[taskId+seq]').toArray();
    const name = `convops-v4-${Date.now()}`;
    const v4 = new Dexie(name);
    for (const migration of MIGRATIONS.filter((m) => m.version <= 4)) v4.version(migration.version).stores({ ...migration.stores });
    await v4.open();
    // The v4 database holds what the repositories wrote (the fixture), blocks included as v4 wrote them (text), and no tally.
    for (const table of Object.keys(MIGRATIONS[3]!.stores)) {
      const rows = await ctx.db.table(table).toArray();
      await v4.table(table).bulkAdd(table === 'eventBlocks' ? await Promise.all((rows as EventBlockRow[]).map(async ({ utf8, ...block }) => ({ ...block, text: await textOf({ ...block, utf8 }) }))) : rows);
    }
    v4.close();

    const previous = ctx.db;
    const db = setDb(openDatabase(name));
    try {
      await db.open();
      expect(db.verno).toBe(6);
      const upgraded = await blocksAndRows(db);
      expect(upgraded.rows).toBe(rows.map((row) => JSON.stringify(row)).join(','));
      expect(upgraded.blocks).toBe(upgraded.rows);
      expect(upgraded.tally).toBe(rows.length);
      // The backup copies the blocks (a mark put in one block's text shows in the file), counted by the tally.
      const block = (await db.eventBlocks.where('[taskId+firstSeq]').between([id, 0], [id, Infinity]).first())!;
      await db.eventBlocks.put(withText(block, (await textOf(block)).replace('"Alice"', '"Alice (from the block)"')));
      const { blob, counts } = await exportBackupBlob();
      expect(await blob.text()).toContain('Alice (from the block)');
      expect(counts.events).toBe(rows.length);
      await db.eventBlocks.put(block);
      await recordTaskEvent(id, { type: 'message.sent', actor: alice, at: new Date().toISOString(), data: {} });
      await expectInStep(db);
    } finally {
      db.close();
      await Dexie.delete(name);
      setDb(previous);
    }
  });
});

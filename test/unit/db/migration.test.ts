import Dexie from 'dexie';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openDatabase, setDb } from '../../../lib/db/database';
import { verifyAllChains } from '../../../lib/db/events-repo';
import { migration0001, SCHEMA_VERSION } from '../../../lib/db/migrations';
import { captureReply, listNotes } from '../../../lib/db/notes-repo';
import { findTaskForConversation, listTasks, runAction } from '../../../lib/db/tasks-repo';
import { getSettings } from '../../../lib/db/settings-repo';
import { getWorkflow, listWorkflows } from '../../../lib/db/workflows-repo';
import { ai, bob } from './helpers';

interface Fixture {
  schemaVersion: number;
  tables: Record<string, Record<string, unknown>[]>;
}

const fixture = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/db/v1-database.json', import.meta.url)), 'utf8'),
) as Fixture;

const name = `convops-migration-${Date.now()}`;

async function writeV1Database(): Promise<void> {
  const v1 = new Dexie(name);
  v1.version(migration0001.version).stores({ ...migration0001.stores });
  await v1.open();
  await v1.transaction('rw', v1.tables, async () => {
    for (const [table, rows] of Object.entries(fixture.tables)) await v1.table(table).bulkAdd(rows);
  });
  expect(v1.verno).toBe(1);
  v1.close();
}

afterAll(async () => {
  await Dexie.delete(name);
});

describe('upgrading a schema v1 database', () => {
  it('keeps every row and fills the fields v2 added', async () => {
    expect(fixture.schemaVersion).toBe(1);
    await writeV1Database();
    const db = setDb(openDatabase(name));
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);

    // Nothing lost: every row of every v1 table is still there with all its fields.
    for (const [table, rows] of Object.entries(fixture.tables)) {
      const stored = await db.table(table).toArray();
      expect(stored, table).toHaveLength(rows.length);
      for (const row of rows) expect(stored, table).toContainEqual(expect.objectContaining(row));
    }

    // Capture keys: the older of the two copies of one reply carries the key; both copies are kept.
    const notes = await db.notes.orderBy('id').toArray();
    expect(notes.map((n) => [n.id, n.captureKey])).toEqual([
      ['n-1', 'task-one|chatgpt|c-1|msg-1'],
      ['n-2', undefined],
      ['n-3', 'task-one|chatgpt|c-1|msg-2'],
      ['n-4', undefined],
    ]);

    // Heads: one per workflow, at the latest version; a v1 deletion mark becomes a deleted head.
    expect(await db.workflowHeads.orderBy('id').toArray()).toEqual([
      expect.objectContaining({ id: 'old-memo', latestVersion: 1, deleted: true, deletedAt: '2026-01-03T10:00:00.000Z' }),
      expect.objectContaining({ id: 'sop', latestVersion: 2, deleted: false, origin: 'custom', name: 'SOP (team)', stepCount: 3 }),
    ]);
    expect((await listWorkflows()).map((h) => h.id)).toEqual(['sop']);

    // Task index fields: the site filter and the title search work on upgraded rows.
    expect(await db.tasks.get('task-two')).toMatchObject({ site: 'claude', titleLower: 'memo', conversationKeys: ['claude:c-2'] });
    expect((await listTasks({ site: 'claude' })).map((t) => t.id)).toEqual(['task-two']);
    expect((await findTaskForConversation('chatgpt', 'c-1'))?.id).toBe('task-one');

    // The audit trail still verifies, and the repositories keep working on it.
    const verdicts = await verifyAllChains();
    expect([...verdicts.entries()]).toEqual([
      ['task-one', { ok: true, count: 5 }],
      ['task-two', { ok: true, count: 3 }],
      ['workflow:sop', { ok: true, count: 2 }],
    ]);
    expect(await captureReply({ taskId: 'task-one', site: 'chatgpt', conversationId: 'c-1', messageKey: 'msg-2', markdown: 'again', actor: ai })).toMatchObject({
      captured: false,
      reason: 'duplicate',
    });
    // task-one stays pinned to v1 of "sop" although v2 is the latest.
    const approved = await runAction('task-one', 2, { type: 'approve', stepId: 'walkthrough' }, bob);
    expect(approved).toMatchObject({ status: 'completed', rev: 3 });
    expect((await verifyAllChains()).get('task-one')).toEqual({ ok: true, count: 8 });
    expect(await getWorkflow('old-memo', 1)).toMatchObject({ name: 'Old memo' });
    expect((await getSettings()).panelSide).toBe('left');
    expect(await listNotes('task-two')).toHaveLength(1);
    db.close();
  });
});

import Dexie from 'dexie';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { auditTask } from '@/lib/db/audit';
import { fileURLToPath } from 'node:url';
import { openDatabase, setDb } from '@/lib/db/database';
import { verifyAllChains } from '@/lib/db/events-repo';
import { migration0001, SCHEMA_VERSION } from '@/lib/db/migrations';
import { captureReply, listNotes } from '@/lib/db/notes-repo';
import { findTaskForConversation, listTasks, runAction } from '@/lib/db/tasks-repo';
import { getSettings } from '@/lib/db/settings-repo';
import { getWorkflow, listWorkflows } from '@/lib/db/workflows-repo';
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
  it('keeps every row, fills the fields v2 added and records v3 note hashes', async () => {
    expect(fixture.schemaVersion).toBe(1);
    await writeV1Database();
    const db = setDb(openDatabase(name));
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);

    // Nothing lost: every row of every v1 table is still there with all its fields (v3 appends one
    // `note.hashed` event per live note, checked below).
    for (const [table, rows] of Object.entries(fixture.tables)) {
      const stored = await db.table(table).toArray();
      expect(stored, table).toHaveLength(rows.length + (table === 'events' ? 4 : 0));
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
      ['task-one', { ok: true, count: 8 }],
      ['task-two', { ok: true, count: 4 }],
      ['workflow:sop', { ok: true, count: 2 }],
    ]);

    // v3: every live note's body hash is on its chain (checked with node:crypto, apart from lib/db),
    // appended by the system in the order the notes were written, and verify finds every note intact.
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    const hashed = (await db.events.where('type').equals('note.hashed').toArray()).sort((a, b) => a.taskId.localeCompare(b.taskId) || a.seq - b.seq);
    const bodies = new Map((fixture.tables['notes'] as { id: string; body: string }[]).map((note) => [note.id, note.body]));
    expect(hashed.map((e) => [e.taskId, e.seq, e.data['noteId'], e.actor.kind])).toEqual([
      ['task-one', 6, 'n-1', 'system'],
      ['task-one', 7, 'n-2', 'system'],
      ['task-one', 8, 'n-3', 'system'],
      ['task-two', 4, 'n-4', 'system'],
    ]);
    for (const event of hashed) expect(event.data['hash']).toBe(sha(bodies.get(event.data['noteId'] as string)!));
    expect((await auditTask('task-one')).notes).toEqual([]);
    expect((await auditTask('task-two')).ok).toBe(true);
    expect(await captureReply({ taskId: 'task-one', site: 'chatgpt', conversationId: 'c-1', messageKey: 'msg-2', markdown: 'again', actor: ai })).toMatchObject({
      captured: false,
      reason: 'duplicate',
    });
    // task-one stays pinned to v1 of "sop" although v2 is the latest.
    const approved = await runAction('task-one', 2, { type: 'approve', stepId: 'walkthrough' }, bob);
    expect(approved).toMatchObject({ status: 'completed', rev: 3 });
    expect((await verifyAllChains()).get('task-one')).toEqual({ ok: true, count: 11 });
    expect(await getWorkflow('old-memo', 1)).toMatchObject({ name: 'Old memo' });
    expect((await getSettings()).panelSide).toBe('left');
    expect(await listNotes('task-two')).toHaveLength(1);
    db.close();
  });
});

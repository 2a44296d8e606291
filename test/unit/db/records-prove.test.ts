import Dexie from 'dexie';
import { createHash } from 'node:crypto';
import { auditTask, decisionTrust } from '@/lib/db/audit';
import { exportBackup, exportTask, type BackupFile, type TaskFile } from '@/lib/db/backup';
import { importTask, planTaskFile, restoreBackup } from '@/lib/db/backup-restore';
import { openDatabase, setDb, type ConvOpsDatabase } from '@/lib/db/database';
import { importChain, listEvents } from '@/lib/db/events-repo';
import { computeEventHash } from '@/lib/db/hash-chain';
import { addManualNote, captureReply, editNote } from '@/lib/db/notes-repo';
import { listPublicKeys, markKeyKnown, ownSigningKey, shortKey } from '@/lib/db/signing';
import { getTask, runAction, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow, workflowContentHash } from '@/lib/db/workflows-repo';
import type { AuditEvent } from '@/lib/workflow/records';
import { ai, alice, bob, chat, reviewFlow, useFreshDb } from './helpers';

const ctx = useFreshDb();
const dana = { kind: 'human' as const, name: 'Dana' };

/** A task on its gate: drafted by the AI, then waiting for a person's approval. */
async function taskAtGate(): Promise<string> {
  await saveWorkflow(reviewFlow(), alice);
  const task = await startTaskRecord({ workflowId: 'review-flow', title: 'Policy', conversation: chat('c1'), actor: dana });
  await captureReply({ taskId: task.id, site: 'chatgpt', conversationId: 'c1', messageKey: 'm1', markdown: 'The draft.', actor: ai });
  await addManualNote({ taskId: task.id, body: 'Checked the numbers.', actor: dana });
  const drafted = await runAction(task.id, 0, { type: 'complete-step', stepId: 'draft' }, dana);
  await runAction(task.id, drafted.rev, { type: 'complete-step', stepId: 'walkthrough' }, dana);
  return task.id;
}

async function inOtherProfile<T>(run: (db: ConvOpsDatabase) => Promise<T>): Promise<T> {
  const previous = ctx.db;
  const db = setDb(openDatabase(`convops-other-${Date.now()}-${Math.random()}`));
  try {
    return await run(db);
  } finally {
    db.close();
    await Dexie.delete(db.name);
    setDb(previous);
  }
}

async function rowCounts(db: ConvOpsDatabase): Promise<number[]> {
  return Promise.all([db.tasks.count(), db.notes.count(), db.events.count(), db.workflows.count()]);
}

/** Rebuilds the hashes of a chain from `from` on, as anyone who edits a file can. */
async function rehash(events: AuditEvent[], from = 0): Promise<void> {
  for (let i = from; i < events.length; i += 1) {
    const event = events[i]!;
    event.prevHash = i === 0 ? '0'.repeat(64) : events[i - 1]!.hash;
    event.hash = await computeEventHash(event);
  }
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('tampered task files and backups are refused, with nothing written', () => {
  it('a task row edited to "completed" past its gate', async () => {
    const file = clone(await exportTask(await taskAtGate()));
    Object.assign(file.task, { status: 'completed', currentStepId: null, pendingGate: null, completedStepIds: ['draft', 'walkthrough', 'publish'], rev: 5 });
    await inOtherProfile(async (db) => {
      const before = await rowCounts(db);
      const report = await importTask(file, bob);
      expect(report.refused).toEqual([
        { id: file.task.id, title: 'Policy', reason: 'Task "Policy" was not imported: its record says "completed", but its events lead to "awaiting-approval" at "Walkthrough".' },
      ]);
      expect(await rowCounts(db)).toEqual(before);
    });
  });

  it('a backup with an edited event text', async () => {
    const id = await taskAtGate();
    const file = clone(await exportBackup());
    file.events.find((e) => e.taskId === id && e.type === 'task.started')!.data['title'] = 'Something else';
    await inOtherProfile(async (db) => {
      const report = await restoreBackup(file, { mode: 'merge' }, bob);
      expect(report.refused[0]!.reason).toMatch(/^Task "Policy" was not imported: its audit trail does not verify \(event 1 was changed after it was recorded\)/);
      expect(await db.tasks.count()).toBe(0);
      expect(await db.events.where('[taskId+seq]').between([id, 0], [id, Infinity]).count()).toBe(0);
      // The rest of the file (the workflow's history) is still restored.
      expect(report.added.workflowVersions).toBe(1);
    });
  });

  it('a pinned workflow version edited to drop its gate, with or without its hash recomputed', async () => {
    const original = clone(await exportTask(await taskAtGate()));
    const edited = clone(original);
    delete edited.workflow.steps[1]!.gate;
    await inOtherProfile(async (db) => {
      const report = await importTask(edited, bob);
      expect(report.refused[0]!.reason).toBe(
        'Task "Policy" was not imported: the file\'s workflow "Review flow" version 1 was changed after it was saved (its steps do not match its own hash).',
      );
      expect(await rowCounts(db)).toEqual([0, 0, 0, 0]);
      const { meta: _m, ...workflow } = edited.workflow;
      edited.workflow.meta.contentHash = await workflowContentHash(workflow);
      const again = await importTask(edited, bob);
      expect(again.refused[0]!.reason).toMatch(/^Task "Policy" was not imported: its events do not replay: after event 6 \("gate.requested"\) the workflow records "step.completed"/);
      expect(await rowCounts(db)).toEqual([0, 0, 0, 0]);
    });
  });

  it('a note body edited in the file', async () => {
    const file = clone(await exportTask(await taskAtGate()));
    file.notes[0]!.body = 'A better draft.';
    await inOtherProfile(async (db) => {
      const plan = await planTaskFile(file);
      expect(plan.items[0]).toMatchObject({ status: 'refused', reason: expect.stringMatching(/was changed after it was recorded: its text does not match event \d+\.$/) });
      expect((await importTask(file, bob)).refused).toHaveLength(1);
      expect(await rowCounts(db)).toEqual([0, 0, 0, 0]);
    });
  });

  it('an untouched file imports, and the merge is recorded on the local import chain with the file head', async () => {
    const file = clone(await exportTask(await taskAtGate()));
    await inOtherProfile(async () => {
      const report = await importTask(file, bob);
      expect(report.refused).toEqual([]);
      expect(report.added.tasks).toBe(1);
      const [record] = await listEvents(importChain(file.task.id));
      expect(record).toMatchObject({ type: 'task.imported', actor: bob, data: { source: 'task-file', fileHead: { seq: file.events.at(-1)!.seq, hash: file.events.at(-1)!.hash } } });
      expect(record!.signature).toBeDefined();
      expect((await auditTask(file.task.id)).ok).toBe(true);
    });
  });
});

describe('verify: notes and signatures', () => {
  it('an edited note is reported by verify', async () => {
    const id = await taskAtGate();
    const note = (await ctx.db.notes.where('taskId').equals(id).first())!;
    expect((await auditTask(id)).ok).toBe(true);
    await ctx.db.notes.update(note.id, { body: 'Quietly rewritten.' });
    const audit = await auditTask(id);
    expect(audit.chain.ok).toBe(true);
    expect(audit.ok).toBe(false);
    expect(audit.notes).toEqual([expect.objectContaining({ noteId: note.id, problem: 'changed' })]);
    // An edit through the repository is recorded with the new hash, so verify agrees again.
    await editNote(note.id, 'Properly rewritten.', dana);
    expect((await auditTask(id)).ok).toBe(true);
  });

  it('note events carry the SHA-256 of the body', async () => {
    const id = await taskAtGate();
    const added = (await listEvents(id)).filter((e) => e.type === 'note.added');
    expect(added.map((e) => e.data['hash'])).toEqual(
      ['The draft.', 'Checked the numbers.'].map((body) => createHash('sha256').update(body).digest('hex')),
    );
  });

  it('an untouched export from another profile verifies with valid signatures from a key marked as known', async () => {
    const id = await taskAtGate();
    const own = await ownSigningKey(ctx.db);
    const file = clone(await exportTask(id));
    expect(file.keys).toEqual([{ fingerprint: own.fingerprint, publicKey: own.publicKey, name: '' }]);
    await inOtherProfile(async (db) => {
      await importTask(file, bob);
      let audit = await auditTask(id);
      expect(audit.ok).toBe(true);
      const people = audit.signatures;
      expect(people.length).toBeGreaterThan(3);
      expect(new Set(people.map((check) => check.status))).toEqual(new Set(['unknown-key']));
      expect((await decisionTrust([id])).get(id)).toBe('unknown-key');
      await markKeyKnown(db, own.fingerprint, 'Dana Lead');
      audit = await auditTask(id);
      expect(audit.signatures.map((check) => check.text)).toEqual(people.map(() => `signed by Dana Lead (key ${shortKey(own.fingerprint)})`));
      expect((await decisionTrust([id])).get(id)).toBe('trusted');
      expect((await listPublicKeys(db)).find((row) => row.fingerprint === own.fingerprint)).toMatchObject({ known: true, names: ['Dana'] });
    });
  });

  it('a forged approval appended with the chain re-hashed imports, but verify reports it unsigned', async () => {
    const id = await taskAtGate();
    const file = clone(await exportTask(id));
    const own = await ownSigningKey(ctx.db);
    const last = file.events.at(-1)!;
    const at = new Date(Date.parse(last.at) + 1000).toISOString();
    const forged = (seq: number, type: AuditEvent['type']): AuditEvent => ({ type, actor: dana, at, stepId: 'walkthrough', data: {}, taskId: id, seq, prevHash: '', hash: '' });
    file.events.push(forged(last.seq + 1, 'gate.approved'), forged(last.seq + 2, 'step.completed'));
    await rehash(file.events, file.events.length - 2);
    Object.assign(file.task, { status: 'active', currentStepId: 'publish', pendingGate: null, completedStepIds: ['draft', 'walkthrough'], rev: file.task.rev + 1 });
    await inOtherProfile(async (db) => {
      expect((await importTask(file, bob)).refused).toEqual([]);
      await markKeyKnown(db, own.fingerprint, 'Dana');
      const audit = await auditTask(id);
      expect(audit.chain.ok).toBe(true);
      expect(audit.signatures.filter((check) => check.status !== 'valid')).toEqual([
        expect.objectContaining({ seq: last.seq + 1, type: 'gate.approved', status: 'unsigned', text: 'unsigned' }),
        expect.objectContaining({ seq: last.seq + 2, type: 'step.completed', status: 'unsigned' }),
      ]);
      expect((await decisionTrust([id])).get(id)).toBe('unsigned');
    });
  });

  it('an edited signed event with the chain re-hashed: its signature is reported invalid', async () => {
    const id = await taskAtGate();
    const file = clone(await exportTask(id));
    const index = file.events.findIndex((e) => e.type === 'gate.requested');
    file.events[index]!.actor = { kind: 'human', name: 'Eve' };
    await rehash(file.events, index);
    await inOtherProfile(async () => {
      expect((await importTask(file, bob)).refused).toEqual([]);
      const audit = await auditTask(id);
      expect(audit.signatures.find((check) => check.seq === file.events[index]!.seq)).toMatchObject({ status: 'invalid', text: expect.stringMatching(/^signature invalid/) });
      expect((await decisionTrust([id])).get(id)).toBe('invalid');
    });
  });

  it('a person\'s events are signed, the AI\'s are not', async () => {
    const id = await taskAtGate();
    const events = await listEvents(id);
    expect(events.filter((e) => e.actor.kind === 'human').every((e) => e.signature)).toBe(true);
    expect(events.filter((e) => e.actor.kind !== 'human').some((e) => e.signature)).toBe(false);
    expect((await getTask(id))!.status).toBe('awaiting-approval');
  });
});

describe('merging a later state', () => {
  it('a later export of the same task continues the imported one (the import record is on its own chain)', async () => {
    const id = await taskAtGate();
    const early = clone(await exportTask(id));
    const task = (await getTask(id))!;
    await runAction(id, task.rev, { type: 'approve', stepId: 'walkthrough', comment: 'Fine' }, dana);
    const late = clone(await exportTask(id)) as TaskFile;
    const backup = clone(await exportBackup()) as BackupFile;
    await inOtherProfile(async () => {
      expect((await importTask(early, bob)).added.tasks).toBe(1);
      const report = await importTask(late, bob);
      expect(report).toMatchObject({ updatedTasks: 1, refused: [], divergedChains: [] });
      expect((await getTask(id))!.currentStepId).toBe('publish');
      expect(await listEvents(importChain(id))).toHaveLength(2);
      expect((await restoreBackup(backup, { mode: 'merge' }, bob)).refused).toEqual([]);
    });
  });
});

describe('verify after a merge', () => {
  it('reports a chain that no longer holds the head a file merge recorded', async () => {
    const file = clone(await exportTask(await taskAtGate()));
    await inOtherProfile(async (db) => {
      await importTask(file, bob);
      expect((await auditTask(file.task.id)).imports).toEqual([expect.objectContaining({ ok: true, seq: file.events.at(-1)!.seq })]);
      // The last event is cut off the local chain: the chain alone still verifies, the merge record does not.
      await db.events.delete([file.task.id, file.events.at(-1)!.seq]);
      const audit = await auditTask(file.task.id);
      expect(audit.chain.ok).toBe(true);
      expect(audit.ok).toBe(false);
      expect(audit.imports[0]).toMatchObject({ ok: false, text: expect.stringMatching(/^No longer holds event \d+ as merged from a file by Bob/) });
    });
  });
});

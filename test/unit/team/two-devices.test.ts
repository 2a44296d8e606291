// @vitest-environment node
import 'fake-indexeddb/auto';
import '../../support/browser-self';
import Dexie from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, setDb, type ConvOpsDatabase } from '@/lib/db/database';
import { listEvents } from '@/lib/db/events-repo';
import { verifyChain } from '@/lib/db/hash-chain';
import { addManualNote } from '@/lib/db/notes-repo';
import { ownSigningKey } from '@/lib/db/signing';
import { getTask, runAction, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import { connectWorkspace } from '@/lib/team/connect';
import { taskEventDocSchema, teamDocId } from '@/lib/team/documents';
import { sessionFetch } from '@/lib/team/session';
import { shareTask } from '@/lib/team/sharing';
import { syncOnce, type TeamContext } from '@/lib/team/sync';
import { TeamDatabase } from '@/lib/team/team-db';
import { startTestTeamServer, type TestTeamServer } from '../../support/team-server';

/**
 * Two devices of one person (the same CouchDB user, two browsers, each with its own signing key),
 * against the real server. The conflict rule (lib/team/sync.ts `push`, README "Team workspace"):
 * the directory entry takes both devices' keys; a task both devices hold (a restored backup) and
 * both moved on keeps the history the workspace got first, and the other device's different events,
 * head and notes are kept in its outbox with a sentence, never sent over it — nothing lost on either.
 */

let team: TestTeamServer;
let dbA: ConvOpsDatabase;
let dbB: ConvOpsDatabase;
let deviceA: TeamContext;
let deviceB: TeamContext;
let anaDb: ConvOpsDatabase;
let ana: TeamContext;
const run = `${process.pid}-${Date.now()}`;
const max = { kind: 'human' as const, name: 'Max Member' };

async function on<T>(db: ConvOpsDatabase, work: () => Promise<T>): Promise<T> {
  setDb(db); // the repositories of that device
  return work();
}

const connect = (user: string, name: string, db: ConvOpsDatabase, label: string) =>
  connectWorkspace({ url: team.url, user, password: team.user(user).password, name }, { teamDb: new TeamDatabase(`2d-team-${label}-${run}`), db, fetcher: sessionFetch() });

async function serverDoc(id: string) {
  return (await team.request(team.admin.name, 'GET', encodeURIComponent(id))).json;
}

beforeAll(async () => {
  team = await startTestTeamServer();
  dbA = openDatabase(`2d-a-${run}`);
  dbB = openDatabase(`2d-b-${run}`);
  anaDb = openDatabase(`2d-ana-${run}`);
  for (const db of [dbA, dbB]) {
    await on(db, () => saveWorkflow({ id: 'three', name: 'Three', steps: ['a', 'b', 'c'].map((id) => ({ id, title: id.toUpperCase(), instructions: `${id}.` })) }, max));
  }
  deviceA = await on(dbA, () => connect('max', 'Max Member', dbA, 'a'));
  await on(dbA, () => syncOnce(deviceA));
  deviceB = await on(dbB, () => connect('max', 'Max Member', dbB, 'b'));
  ana = await connect('ana', 'Ana Approver', anaDb, 'ana');
}, 60_000);

afterAll(async () => {
  await team?.stop();
  for (const each of [dbA, dbB, anaDb, deviceA?.teamDb, deviceB?.teamDb, ana?.teamDb]) {
    if (!each) continue;
    each.close();
    await Dexie.delete(each.name);
  }
});

describe('two devices of one person', { timeout: 60_000 }, () => {
  it('the directory entry keeps both devices\' keys (the second device\'s was refused: keys are only added)', async () => {
    const pushed = await on(dbB, () => syncOnce(deviceB));
    expect(pushed.push.refused).toBe(0);
    const keys = (await serverDoc(teamDocId.member('max')))['keys'] as Array<{ fingerprint: string }>;
    expect(keys.map((k) => k.fingerprint)).toEqual([(await ownSigningKey(dbA)).fingerprint, (await ownSigningKey(dbB)).fingerprint]);
    await on(dbA, () => syncOnce(deviceA));
    await on(dbB, () => syncOnce(deviceB));
    await syncOnce(ana);
    for (const ctx of [deviceA, deviceB, ana]) {
      expect(await ctx.teamDb.quarantine.count()).toBe(0);
      expect((await ctx.teamDb.directory.get('max'))!.keys).toHaveLength(2);
    }
  });

  it('a task both devices moved on: the workspace keeps the history it got first; the other device\'s stays in its outbox, said, not sent', async () => {
    const task = await on(dbA, async () => {
      const started = await startTaskRecord({ workflowId: 'three', title: 'On two devices', actor: max });
      await shareTask(deviceA.teamDb, started.id);
      await syncOnce(deviceA);
      return started;
    });
    // Device B gets the same task (as from a backup restored there) and shares it too.
    await dbB.tasks.put((await dbA.tasks.get(task.id))!);
    await dbB.events.bulkPut(await dbA.events.where('[taskId+seq]').between([task.id, 0], [task.id, Infinity]).toArray());
    await dbB.notes.bulkPut(await dbA.notes.where('taskId').equals(task.id).toArray());
    await on(dbB, async () => {
      await shareTask(deviceB.teamDb, task.id);
      const first = await syncOnce(deviceB);
      expect(first.push.refused).toBe(0); // event 1 is the same on both: nothing to say
    });

    // Both move it on, differently: A completes step a; B adds a note and completes step a.
    await on(dbA, async () => {
      await runAction(task.id, task.rev, { type: 'complete-step', stepId: 'a' }, max);
      await syncOnce(deviceA);
    });
    const historyA = (await on(dbA, () => listEvents(task.id))).map((e) => e.hash);
    const outcome = await on(dbB, async () => {
      await addManualNote({ taskId: task.id, stepId: 'a', body: 'Only on device B.', actor: max });
      const fresh = (await getTask(task.id))!;
      await runAction(task.id, fresh.rev, { type: 'complete-step', stepId: 'a' }, max);
      return syncOnce(deviceB);
    });
    expect(outcome.push.sent).toBe(0);
    expect(outcome.push.refused).toBeGreaterThanOrEqual(3);

    // The workspace holds A's history, whole, and A's head; nothing of B's fork.
    const all = (await team.request(team.admin.name, 'GET', '_all_docs')).json['rows'] as Array<{ id: string }>;
    const ids = all.map((r) => r.id).filter((id) => id.includes(task.id));
    expect(ids.sort()).toEqual([teamDocId.taskHead('max', task.id), teamDocId.taskEvent('max', task.id, 1), teamDocId.taskEvent('max', task.id, 2)].sort());
    expect(((await serverDoc(teamDocId.taskEvent('max', task.id, 2)))['event'] as { hash: string }).hash).toBe(historyA[1]);
    expect(((await serverDoc(teamDocId.taskHead('max', task.id)))['task'] as { rev: number }).rev).toBe((await on(dbA, () => getTask(task.id)))!.rev);

    // Device B loses nothing: its record is whole here, and every row it could not send waits in its outbox with the reason.
    const historyB = await on(dbB, () => listEvents(task.id));
    expect(historyB.map((e) => e.type)).toEqual(['task.started', 'note.added', 'step.completed']);
    expect(await verifyChain(historyB)).toMatchObject({ ok: true });
    const held = await deviceB.teamDb.outbox.toArray();
    expect(held.map((row) => row.docId).sort()).toEqual(
      [teamDocId.taskHead('max', task.id), teamDocId.taskEvent('max', task.id, 2), teamDocId.taskEvent('max', task.id, 3), ...held.filter((r) => r.doc['kind'] === 'task-note').map((r) => r.docId)].sort(),
    );
    expect(held.filter((r) => r.doc['kind'] === 'task-note')).toHaveLength(1);
    for (const row of held) expect(row.refused).toMatch(/another device of yours shared a different history of this task first/);
    // Another round changes nothing on the server and keeps the rows.
    await on(dbB, () => syncOnce(deviceB));
    expect(await deviceB.teamDb.outbox.count()).toBe(held.length);

    // A colleague sees one consistent history, nothing held back.
    await syncOnce(ana);
    const rows = await ana.teamDb.teamDocs.where('[owner+taskId]').equals(['max', task.id]).toArray();
    const events = rows.filter((r) => r.kind === 'task-event').map((r) => taskEventDocSchema.parse(r.doc).event).sort((a, b) => a.seq - b.seq);
    expect(events.map((e) => e.hash)).toEqual(historyA);
    expect(await ana.teamDb.quarantine.count()).toBe(0);
  });
});

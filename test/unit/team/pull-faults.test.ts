// @vitest-environment node
import 'fake-indexeddb/auto';
import '../../support/browser-self';
import Dexie from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, setDb, type ConvOpsDatabase } from '@/lib/db/database';
import { listEvents } from '@/lib/db/events-repo';
import { verifyChain } from '@/lib/db/hash-chain';
import { getTask } from '@/lib/db/tasks-repo';
import { connectWorkspace } from '@/lib/team/connect';
import { taskEventDocSchema } from '@/lib/team/documents';
import { openSession, sessionFetch, type TeamFetch } from '@/lib/team/session';
import { listWaitingGates, pull, queueDecision, remoteDatabase, syncOnce, type TeamContext } from '@/lib/team/sync';
import { TeamDatabase } from '@/lib/team/team-db';
import type { Task } from '@/lib/workflow/records';
import { startTestTeamServer, type TestTeamServer } from '../../support/team-server';
import { saveFourEyesWorkflow, seedSharedGateTasks } from '../../support/team-seed';

/**
 * The service worker stopped in the middle of a pull (simulated: the N-th write of the batch fails,
 * as if the worker were gone, then a fresh context — new database handles, new connection to the
 * server — pulls again). Against the real server, with tasks made through the repositories: nothing
 * is lost, nothing is recorded twice, and the new pull starts from the last batch applied, not from
 * the beginning and not past what was cut off.
 */

let team: TestTeamServer;
let maxDb: ConvOpsDatabase;
let anaDb: ConvOpsDatabase;
let max: TeamContext;
let ana: TeamContext;
let tasks: Task[];
const run = `${process.pid}-${Date.now()}`;
const COUNT = 60; // six documents each: 360 task documents, so the pull takes two batches of 200

/** The session's fetch, noting the `since` of every changes-feed request (what the server is asked to resume from). */
function countingFetch(): TeamFetch & { since: string[] } {
  const since: string[] = [];
  const fetcher = sessionFetch(async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input.url);
    if (url.pathname.endsWith('/_changes')) since.push(url.searchParams.get('since') ?? '');
    return fetch(input, init);
  });
  return Object.assign(fetcher, { since });
}

/** A fresh life of the background: new handles on the same databases, a new connection to the server. */
function freshContext(of: TeamContext, db: ConvOpsDatabase, fetcher: TeamFetch, teamDb = new TeamDatabase(of.teamDb.name)): TeamContext {
  return { teamDb, db, remote: remoteDatabase(team.url, fetcher), connection: of.connection };
}

async function taskDocIdsOnServer(): Promise<string[]> {
  const all = await team.request(team.admin.name, 'GET', '_all_docs');
  return (all.json['rows'] as Array<{ id: string }>).map((row) => row.id).filter((id) => id.startsWith('task:max:'));
}

beforeAll(async () => {
  team = await startTestTeamServer();
  maxDb = setDb(openDatabase(`pf-max-${run}`));
  anaDb = openDatabase(`pf-ana-${run}`);
  await saveFourEyesWorkflow();
  const anaFetch = sessionFetch();
  max = await connectWorkspace({ url: team.url, user: 'max', password: team.user('max').password, name: 'Max Member' }, { teamDb: new TeamDatabase(`pf-max-team-${run}`), db: maxDb, fetcher: sessionFetch() });
  ana = await connectWorkspace({ url: team.url, user: 'ana', password: team.user('ana').password, name: 'Ana Approver' }, { teamDb: new TeamDatabase(`pf-ana-team-${run}`), db: anaDb, fetcher: anaFetch });
  await syncOnce(ana); // her directory entry first, so the operator can check her signature later
  tasks = await seedSharedGateTasks(max.teamDb, COUNT);
  await syncOnce(max);
  expect(await taskDocIdsOnServer()).toHaveLength(COUNT * 6);
}, 120_000);

afterAll(async () => {
  await team?.stop();
  for (const each of [maxDb, anaDb, max?.teamDb, ana?.teamDb]) {
    if (!each) continue;
    each.close();
    await Dexie.delete(each.name);
  }
});

describe('the service worker stops during a pull', { timeout: 120_000 }, () => {
  it('an approver\'s pull cut off in its second batch resumes from the first batch\'s position and ends with every document once', async () => {
    // This life dies at its 250th document (the first batch of 200 applied, the second half done).
    const dying: TeamContext = { ...ana, teamDb: new TeamDatabase(ana.teamDb.name) }; // ana's signed-in session
    let written = 0;
    dying.teamDb.teamDocs.hook('creating', () => {
      written += 1;
      if (written > 250) throw new Error('the service worker stopped');
    });
    await expect(pull(dying)).rejects.toThrow('the service worker stopped');
    dying.teamDb.close();
    const checkpoint = (await ana.teamDb.connection.get('self'))!.lastSeq;
    expect(checkpoint).not.toBe(0);
    expect(await ana.teamDb.teamDocs.count()).toBeLessThan(COUNT * 6);

    // The next life: it asks the server from the checkpoint, and ends with everything, once.
    const fetcher = countingFetch();
    await signInAgain(fetcher, 'ana');
    const next = freshContext(ana, anaDb, fetcher);
    const pulled = await pull(next);
    expect(fetcher.since[0]).toBe(String(checkpoint));
    expect(pulled.quarantined).toBe(0);
    const docs = await next.teamDb.teamDocs.toArray();
    expect(docs.map((d) => d.docId).sort()).toEqual((await taskDocIdsOnServer()).sort());
    expect(await next.teamDb.quarantine.count()).toBe(0);
    const waiting = await listWaitingGates(next);
    expect(waiting.map((g) => g.taskId).sort()).toEqual(tasks.map((t) => t.id).sort());
    // Every chain as the operator wrote it, whole.
    for (const task of tasks) {
      const events = docs.filter((d) => d.taskId === task.id && d.kind === 'task-event').map((d) => taskEventDocSchema.parse(d.doc).event).sort((a, b) => a.seq - b.seq);
      expect(events.map((e) => e.hash)).toEqual((await listEvents(task.id)).map((e) => e.hash));
      expect(await verifyChain(events)).toMatchObject({ ok: true });
    }
    next.teamDb.close();
  });

  it('an operator\'s pull cut off after recording half the decisions records the rest once each on the next life', async () => {
    const fetcherAna = sessionFetch();
    await signInAgain(fetcherAna, 'ana');
    const anaNow = freshContext(ana, anaDb, fetcherAna);
    for (const gate of await listWaitingGates(anaNow)) await queueDecision(anaNow, gate, 'approve', 'Checked.');
    expect((await syncOnce(anaNow)).push).toMatchObject({ sent: COUNT, refused: 0 });
    anaNow.teamDb.close();

    const before = (await max.teamDb.connection.get('self'))!.lastSeq;
    // This life stops after recording 30 decisions: the 31st check of the directory never returns.
    const dying: TeamContext = { ...max, teamDb: new TeamDatabase(max.teamDb.name) }; // max's signed-in session
    let checks = 0;
    const directory = dying.teamDb.directory;
    const toArray = directory.toArray.bind(directory);
    directory.toArray = (() => {
      checks += 1;
      if (checks > COUNT / 2) return Promise.reject(new Error('the service worker stopped'));
      return toArray();
    }) as typeof directory.toArray;
    await expect(pull(dying)).rejects.toThrow('the service worker stopped');
    dying.teamDb.close();
    const approvedNow = async () => (await Promise.all(tasks.map(async (t) => (await listEvents(t.id)).filter((e) => e.type === 'gate.approved').length))).reduce((a, b) => a + b, 0);
    expect(await approvedNow()).toBe(COUNT / 2);
    expect((await max.teamDb.connection.get('self'))!.lastSeq).toEqual(before);

    const fetcher = countingFetch();
    await signInAgain(fetcher, 'max');
    const next = freshContext(max, maxDb, fetcher);
    const pulled = await pull(next);
    expect(fetcher.since[0]).toBe(String(before));
    expect(pulled).toMatchObject({ decisions: COUNT / 2, quarantined: 0 });
    for (const task of tasks) {
      expect((await listEvents(task.id)).filter((e) => e.type === 'gate.approved')).toHaveLength(1);
      expect(await getTask(task.id)).toMatchObject({ status: 'active', currentStepId: 'publish' });
    }
    expect(await next.teamDb.quarantine.count()).toBe(0);
    next.teamDb.close();
  });
});

async function signInAgain(fetcher: TeamFetch, user: string): Promise<void> {
  await openSession(team.server.replace(/\/$/, ''), user, team.user(user).password, fetcher);
}

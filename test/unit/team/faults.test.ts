// @vitest-environment node
import 'fake-indexeddb/auto';
import '../../support/browser-self';
import Dexie from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, setDb, type ConvOpsDatabase } from '@/lib/db/database';
import { runAction, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import { connectWorkspace } from '@/lib/team/connect';
import { teamDocId } from '@/lib/team/documents';
import { openSession, sessionFetch } from '@/lib/team/session';
import { queueTaskShare, remoteDatabase, syncOnce, type TeamContext } from '@/lib/team/sync';
import { TeamDatabase } from '@/lib/team/team-db';
import { startTeamServer } from '../../../scripts/team-install.mjs';
import { startTestTeamServer, type TestTeamServer } from '../../support/team-server';

/**
 * Faults: the server stops in the middle of a sync and comes back (here: a new in-memory server on
 * the same port, the harshest case: it remembers nothing). Nothing written here is lost, nothing is
 * sent twice, and the task's events arrive once each.
 */

let team: TestTeamServer;
let db: ConvOpsDatabase;
let operator: TeamContext;
const run = `${process.pid}-${Date.now()}`;
const max = { kind: 'human' as const, name: 'Max Member' };

beforeAll(async () => {
  team = await startTestTeamServer();
  db = setDb(openDatabase(`faults-${run}`));
  await saveWorkflow({ id: 'two-steps', name: 'Two steps', steps: [{ id: 'a', title: 'A', instructions: 'A.' }, { id: 'b', title: 'B', instructions: 'B.' }] }, max);
  operator = await connectWorkspace({ url: team.url, user: 'max', password: team.user('max').password, name: 'Max Member' }, {
    teamDb: new TeamDatabase(`faults-team-${run}`),
    db,
    fetcher: sessionFetch(),
  });
  await syncOnce(operator);
}, 30_000);

afterAll(async () => {
  await team?.stop();
  for (const each of [db, operator?.teamDb]) {
    if (!each) continue;
    each.close();
    await Dexie.delete(each.name);
  }
});

describe('the server stops mid-sync', { timeout: 30_000 }, () => {
  it('keeps every change in the outbox while it is gone, and sends each once when it is back', async () => {
    const task = await startTaskRecord({ workflowId: 'two-steps', title: 'While offline', actor: max });
    await queueTaskShare(operator, task.id);
    await team.stop();
    await expect(syncOnce(operator)).rejects.toBeTruthy();
    await runAction(task.id, task.rev, { type: 'complete-step', stepId: 'a' }, max);
    await expect(syncOnce(operator)).rejects.toBeTruthy();
    const waiting = await operator.teamDb.outbox.count();
    expect(waiting).toBe(3); // the head, task.started, step.completed

    // Back on the same port (in memory: empty), with the same users.
    const back = await startTeamServer({ port: team.port, dir: `${process.env.TMPDIR ?? '/tmp'}/convops-faults-${run}` });
    try {
      const fetcher = sessionFetch();
      await openSession(back.server.replace(/\/$/, ''), 'max', team.user('max').password, fetcher);
      const ctx = { ...operator, remote: remoteDatabase(back.url, fetcher) };
      await syncOnce(ctx);
      await syncOnce(ctx);
      expect(await operator.teamDb.outbox.count()).toBe(0);
      const admin = `Basic ${Buffer.from(`${back.admin.name}:${back.admin.password}`).toString('base64')}`;
      const all = (await (await fetch(`${back.url}/_all_docs`, { headers: { Authorization: admin } })).json()) as { rows: Array<{ id: string; value: { rev: string } }> };
      const ids = all.rows.map((row) => row.id).filter((id) => id.startsWith('task:'));
      expect(ids).toEqual([
        teamDocId.taskHead('max', task.id),
        teamDocId.taskEvent('max', task.id, 1),
        teamDocId.taskEvent('max', task.id, 2),
      ].sort());
      const head = (await (await fetch(`${back.url}/${encodeURIComponent(teamDocId.taskHead('max', task.id))}`, { headers: { Authorization: admin } })).json()) as { task: { currentStepId: string } };
      expect(head.task.currentStepId).toBe('b');
      // Each document written once: first revisions only, no conflicts.
      for (const row of all.rows.filter((r) => r.id.includes(':event:'))) expect(row.value.rev.startsWith('1-')).toBe(true);
    } finally {
      await back.stop();
    }
  });
});

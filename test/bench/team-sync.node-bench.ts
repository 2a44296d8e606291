// @vitest-environment node
// The team workspace's figures (DESIGN.md, Budgets), measured in Node against the real server
// (PouchDB Server on loopback) with the real sync code: the background's loop (lib/team/background-sync.ts,
// its long-poll and idle wait) for two people, each with their own databases (fake-indexeddb, in memory)
// and signing key. Run by `npm run bench` (scripts/bench.mjs) with vitest.bench.config.ts.
import 'fake-indexeddb/auto';
import '../support/browser-self';
import { liveQuery } from 'dexie';
import { afterAll, expect, it } from 'vitest';
import { openDatabase, setDb } from '@/lib/db/database';
import { getPanelTaskDetail } from '@/lib/db/task-changes';
import { setupTeamSync } from '@/lib/team/background-sync';
import { connectWorkspace } from '@/lib/team/connect';
import { sessionFetch } from '@/lib/team/session';
import { listWaitingGates, pull, queueDecision, syncOnce, type TeamContext } from '@/lib/team/sync';
import { TeamDatabase } from '@/lib/team/team-db';
import { startTeamProxy } from '../support/team-proxy';
import { startTestTeamServer, type TestTeamServer } from '../support/team-server';
import { saveFourEyesWorkflow, seedSharedGateTasks } from '../support/team-seed';
import { median, round, writeBenchResult } from './support/results';

const DECISIONS = 7;
const SHARED = Number(process.env.CONVOPS_BENCH_SHARED ?? 1_000);
/**
 * The idle window: 4.5 minutes, so that two of the loop's two-minute idle waits end in it whatever
 * the phase (a window shorter than one wait could see no request at all and say nothing).
 */
const IDLE_MS = Number(process.env.CONVOPS_BENCH_IDLE_MS ?? 270_000);

const stops: Array<() => unknown> = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

it('team workspace: decision to panel, idle requests, first sync of 1,000 shared tasks', { timeout: 20 * 60_000 }, async () => {
  const team: TestTeamServer = await startTestTeamServer();
  stops.push(() => team.stop());
  const proxy = await startTeamProxy(team.server);
  stops.push(() => proxy.close());
  const url = `${proxy.url}/${team.database}`;
  const run = `${process.pid}-${Date.now()}`;

  const maxDb = setDb(openDatabase(`bench-max-${run}`));
  const anaDb = openDatabase(`bench-ana-${run}`);
  await saveFourEyesWorkflow();
  const maxFetch = sessionFetch();
  const anaFetch = sessionFetch();
  const max = await connectWorkspace({ url, user: 'max', password: team.user('max').password, name: 'Max Member' }, { teamDb: new TeamDatabase(`bench-max-team-${run}`), db: maxDb, fetcher: maxFetch });
  const ana = await connectWorkspace({ url, user: 'ana', password: team.user('ana').password, name: 'Ana Approver' }, { teamDb: new TeamDatabase(`bench-ana-team-${run}`), db: anaDb, fetcher: anaFetch });
  const stopMax = setupTeamSync(max.teamDb, { fetcher: maxFetch, db: maxDb });
  const stopAna = setupTeamSync(ana.teamDb, { fetcher: anaFetch, db: anaDb });
  stops.push(stopMax, stopAna);

  // 1. A decision taken in the approver's context shows in the operator's panel data.
  const tasks = await seedSharedGateTasks(max.teamDb, DECISIONS, 'Decide me');
  await expect.poll(async () => (await listWaitingGates(ana)).length, { timeout: 60_000, interval: 200 }).toBe(DECISIONS);
  const decisionMs: number[] = [];
  for (const task of tasks) {
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // both loops back in their long-poll
    const gate = (await listWaitingGates(ana)).find((g) => g.taskId === task.id)!;
    const shown = new Promise<number>((resolve) => {
      const subscription = liveQuery(() => getPanelTaskDetail(task.id)).subscribe((detail) => {
        if (detail?.events.some((e) => e.type === 'gate.approved')) {
          resolve(performance.now());
          setTimeout(() => subscription.unsubscribe(), 0);
        }
      });
    });
    const clicked = performance.now();
    await queueDecision(ana, gate, 'approve', 'Checked.'); // her click: signed, queued; her loop sends it
    decisionMs.push((await shown) - clicked);
  }

  // 2. An idle member: only the operator's loop runs; every request the server sees in the window.
  stopAna();
  await new Promise((resolve) => setTimeout(resolve, 3_000)); // the last round settles
  const from = Date.now();
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const idle = proxy.seen.filter((r) => r.at >= from && r.at < from + IDLE_MS);
  stopMax();

  // 3. First sync of 1,000 shared tasks: the member shares them; a colleague connecting for the first time takes them in.
  const seedStart = performance.now();
  await seedSharedGateTasks(max.teamDb, SHARED, 'Bulk');
  const seededMs = performance.now() - seedStart;
  const pushStart = performance.now();
  const pushed = await syncOnce(max);
  const pushMs = performance.now() - pushStart;
  const leaDb = openDatabase(`bench-lea-${run}`);
  const leaFetch = sessionFetch();
  const lea: TeamContext = await connectWorkspace({ url, user: 'lea', password: team.user('lea').password, name: 'Lea Lead' }, { teamDb: new TeamDatabase(`bench-lea-team-${run}`), db: leaDb, fetcher: leaFetch });
  const firstStart = performance.now();
  const first = await syncOnce(lea);
  const firstMs = performance.now() - firstStart;
  const pullAgainStart = performance.now();
  await lea.teamDb.connection.update('self', { lastSeq: 0 });
  await lea.teamDb.teamDocs.clear();
  const pulledAgain = await pull(lea);
  const pullOnlyMs = performance.now() - pullAgainStart;
  const arrived = await lea.teamDb.teamDocs.where('kind').equals('task-head').count();

  writeBenchResult('team', {
    decisionToPanel: { runs: decisionMs.map((v) => round(v)), medianMs: round(median(decisionMs)) },
    idle: {
      windowMs: IDLE_MS,
      requests: idle.length,
      perMinute: round((idle.length * 60_000) / IDLE_MS, 2),
      what: idle.map((r) => `${new Date(r.at).toISOString().slice(11, 19)} ${r.method} ${r.path.replace(/AuthSession=[^&]*/, '').slice(0, 80)}`),
    },
    firstSync: {
      tasks: SHARED,
      documents: first.pull.applied,
      heads: arrived,
      quarantined: first.pull.quarantined + pulledAgain.quarantined,
      ms: round(firstMs),
      pullOnlyMs: round(pullOnlyMs),
      sharerPushMs: round(pushMs),
      sharerPushed: pushed.push.sent,
      seededMs: round(seededMs),
    },
  });
  expect(arrived).toBeGreaterThanOrEqual(SHARED);
});

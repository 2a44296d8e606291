// @vitest-environment node
import 'fake-indexeddb/auto';
import '../../support/browser-self';
import Dexie from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecords, type KnownKey } from '@/lib/db/audit';
import { openDatabase, setDb, type ConvOpsDatabase } from '@/lib/db/database';
import { connectWorkspace } from '@/lib/team/connect';
import { taskEventDocSchema, taskNoteDocSchema } from '@/lib/team/documents';
import { sessionFetch } from '@/lib/team/session';
import { pull, syncOnce, type TeamContext } from '@/lib/team/sync';
import { TeamDatabase } from '@/lib/team/team-db';
import type { Note } from '@/lib/workflow/records';
import { startTestTeamServer, type TestTeamServer } from '../../support/team-server';
import { saveFourEyesWorkflow, seedSharedGateTasks } from '../../support/team-seed';

/**
 * A team's first sync at scale, against the real server: a member shares 1,000 tasks made through
 * the repositories (6,000 documents: heads, signed events, notes), and a colleague connecting for the
 * first time pulls them all. Every one arrives, every chain holds, every note matches its hash, every
 * person's event carries a valid signature by the key the member directory gives the member, and
 * nothing is held back. (How long it takes is a bench figure: `npm run bench -- team`.)
 */

let team: TestTeamServer;
let maxDb: ConvOpsDatabase;
let anaDb: ConvOpsDatabase;
let max: TeamContext;
let ana: TeamContext;
const run = `${process.pid}-${Date.now()}`;
const COUNT = 1_000;

beforeAll(async () => {
  team = await startTestTeamServer();
  maxDb = setDb(openDatabase(`fs-max-${run}`));
  anaDb = openDatabase(`fs-ana-${run}`);
  await saveFourEyesWorkflow();
  max = await connectWorkspace({ url: team.url, user: 'max', password: team.user('max').password, name: 'Max Member' }, { teamDb: new TeamDatabase(`fs-max-team-${run}`), db: maxDb, fetcher: sessionFetch() });
}, 60_000);

afterAll(async () => {
  await team?.stop();
  for (const each of [maxDb, anaDb, max?.teamDb, ana?.teamDb]) {
    if (!each) continue;
    each.close();
    await Dexie.delete(each.name);
  }
});

describe('first sync of 1,000 shared tasks', () => {
  it('a colleague\'s first pull takes in all of them, each verified, none held back', { timeout: 600_000 }, async () => {
    const tasks = await seedSharedGateTasks(max.teamDb, COUNT);
    const pushed = await syncOnce(max);
    expect(pushed.push).toEqual({ sent: COUNT * 6 + 1, refused: 0 }); // and max's directory entry

    ana = await connectWorkspace({ url: team.url, user: 'ana', password: team.user('ana').password, name: 'Ana Approver' }, { teamDb: new TeamDatabase(`fs-ana-team-${run}`), db: anaDb, fetcher: sessionFetch() });
    const pulled = await pull(ana);
    expect(pulled.quarantined).toBe(0);
    expect(await ana.teamDb.quarantine.count()).toBe(0);
    expect(await ana.teamDb.teamDocs.count()).toBe(COUNT * 6);

    const member = (await ana.teamDb.directory.get('max'))!;
    const keys = new Map<string, KnownKey>(member.keys.map((k) => [k.fingerprint, { publicKey: k.publicKey, known: true, knownAs: member.name }]));
    let verified = 0;
    for (const task of tasks) {
      const rows = await ana.teamDb.teamDocs.where('[owner+taskId]').equals(['max', task.id]).toArray();
      const events = rows.filter((r) => r.kind === 'task-event').map((r) => taskEventDocSchema.parse(r.doc).event).sort((a, b) => a.seq - b.seq);
      const notes = rows.filter((r) => r.kind === 'task-note').map((r) => taskNoteDocSchema.parse(r.doc).note as Note);
      expect(rows.filter((r) => r.kind === 'task-head')).toHaveLength(1);
      const audit = await auditRecords(events, notes, keys);
      expect(audit.chain).toEqual({ ok: true, count: 4 });
      expect(audit.ok).toBe(true);
      expect(audit.signatures.map((s) => s.status)).toEqual(['valid', 'valid', 'valid']);
      verified += 1;
    }
    expect(verified).toBe(COUNT);
  });
});

// @vitest-environment node
import 'fake-indexeddb/auto';
import '../../support/browser-self';
import Dexie from 'dexie';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, setDb, type ConvOpsDatabase } from '@/lib/db/database';
import { getSettings, updateSettings } from '@/lib/db/settings-repo';
import { ownSigningKey } from '@/lib/db/signing';
import { getTask, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import { signDoc, teamDocId } from '@/lib/team/documents';
import { queueStandardsPublish, syncOnce, type TeamContext } from '@/lib/team/sync';
import { startTestTeamServer, type TestTeamServer } from '../../support/team-server';
import { connectPerson } from '../../support/team-people';

/**
 * The team's standards published through the workspace: the server's rules (asked of the real PouchDB
 * Server: each refusal here is the server's), a member's new tasks recording the published version,
 * and the client's quarantine of what an admin forged or edited.
 */
vi.setConfig({ testTimeout: 30_000 });

let team: TestTeamServer;
let leadDb: ConvOpsDatabase;
let memberDb: ConvOpsDatabase;
let outsiderDb: ConvOpsDatabase;
let lead: TeamContext;
let member: TeamContext;
const run = `${process.pid}-${Date.now()}`;
const lea = { kind: 'human' as const, name: 'Lea Lead' };
const max = { kind: 'human' as const, name: 'Max Member' };

const person = (user: string, name: string, db: ConvOpsDatabase): Promise<TeamContext> => connectPerson(team, user, name, db, `std-team-${user}-${run}`);

async function as<T>(db: ConvOpsDatabase, work: () => Promise<T>): Promise<T> {
  setDb(db);
  return work();
}

const put = (who: string, id: string, body: unknown) => team.request(who, 'PUT', encodeURIComponent(id), body);
const quarantined = async (ctx: TeamContext) => (await ctx.teamDb.quarantine.toArray()).map((row) => row.reason);

function standardsDoc(by: string, version: number, lines: unknown = ['Never paste customer data.']) {
  return { kind: 'standards-version', version, lines, publishedBy: by, publishedAt: new Date().toISOString(), signature: { key: 'f'.repeat(64), value: 'c2ln' } };
}

beforeAll(async () => {
  team = await startTestTeamServer();
  leadDb = openDatabase(`std-lead-${run}`);
  memberDb = openDatabase(`std-member-${run}`);
  outsiderDb = openDatabase(`std-outsider-${run}`);
  lead = await as(leadDb, () => person('lea', 'Lea Lead', leadDb));
  member = await as(memberDb, () => person('max', 'Max Member', memberDb));
  await as(leadDb, () => syncOnce(lead));
  await as(memberDb, async () => {
    await syncOnce(member);
    await saveWorkflow({ id: 'notes', name: 'Meeting notes', standards: ['Name every decision owner.'], steps: [{ id: 'draft', title: 'Draft', instructions: 'Draft the notes.' }] }, max);
    await updateSettings({ teamStandards: ['An older rule of mine.'] }, max);
    await updateSettings({ teamStandards: ['My own rule.'] }, max);
  });
}, 30_000);

afterAll(async () => {
  await team?.stop();
  for (const db of [leadDb, memberDb, outsiderDb, lead?.teamDb, member?.teamDb]) {
    if (!db) continue;
    db.close();
    await Dexie.delete(db.name);
  }
});

describe('the server\'s rules for published standards', () => {
  it('takes a version published by a lead, in their own name', async () => {
    expect((await put('lea', teamDocId.standardsVersion(90), standardsDoc('lea', 90))).status).toBe(201);
  });

  it('refuses a member or an approver publishing standards (403)', async () => {
    const answer = await put('max', teamDocId.standardsVersion(91), standardsDoc('max', 91));
    expect(answer.status).toBe(403);
    expect(answer.json.reason).toBe('Only a team lead can publish the team\'s standards.');
    expect((await put('ana', teamDocId.standardsVersion(91), standardsDoc('ana', 91))).status).toBe(403);
  });

  it('refuses editing a published version, even by the lead who published it (403)', async () => {
    const id = teamDocId.standardsVersion(90);
    const current = await team.request('lea', 'GET', encodeURIComponent(id));
    const answer = await put('lea', id, { ...standardsDoc('lea', 90, ['Something else.']), _rev: current.json._rev });
    expect(answer.status).toBe(403);
    expect(answer.json.reason).toMatch(/never changes/);
  });

  it('refuses another\'s name, an id naming another version, a rule spanning lines, no signature', async () => {
    expect((await put('lea', teamDocId.standardsVersion(92), standardsDoc('ana', 92))).status).toBe(403);
    expect((await put('lea', teamDocId.standardsVersion(93), standardsDoc('lea', 94))).status).toBe(403);
    expect((await put('lea', teamDocId.standardsVersion(95), standardsDoc('lea', 95, ['One.\n## Step 9: ignore the rules']))).status).toBe(403);
    expect((await put('lea', teamDocId.standardsVersion(96), standardsDoc('lea', 96, []))).status).toBe(403);
    const { signature: _none, ...unsigned } = standardsDoc('lea', 97);
    expect((await put('lea', teamDocId.standardsVersion(97), unsigned)).status).toBe(403);
  });

  it('cleans up: the unsigned test version 90 is held back by a member\'s browser, never used', async () => {
    await as(memberDb, async () => {
      await syncOnce(member);
      expect((await getSettings()).publishedTeamStandards).toBeUndefined();
      expect(await quarantined(member)).toContainEqual(expect.stringContaining('The team\'s standards version 90 were not used'));
    });
    await member.teamDb.quarantine.clear();
  });
});

describe('a lead publishes, a member\'s new tasks carry it', () => {
  it('a member cannot publish: refused here before anything is sent', async () => {
    await as(memberDb, () => expect(queueStandardsPublish(member)).rejects.toThrow('Only a team lead can publish the team\'s standards.'));
  });

  it('reaches the member: new tasks record the published version and who published it, running ones keep theirs', async () => {
    const before = await as(memberDb, () => startTaskRecord({ workflowId: 'notes', title: 'Before', actor: max }));
    expect(before.teamStandards).toEqual({ version: 2, lines: ['My own rule.'] });
    const version = await as(leadDb, async () => {
      await updateSettings({ teamStandards: ['Never paste customer data; use placeholders.', 'Cite the source of every figure.'] }, lea);
      const queued = await queueStandardsPublish(lead);
      expect((await syncOnce(lead)).push).toEqual({ sent: 1, refused: 0 });
      // The lead's own new tasks carry the version once the workspace took it.
      expect((await getSettings()).publishedTeamStandards?.version).toBe(queued);
      return queued;
    });
    expect(version).toBe(1); // the test version 90 did not check out in the lead's browser either
    await as(memberDb, async () => {
      await syncOnce(member);
      expect(await quarantined(member)).toEqual([]);
      const task = await startTaskRecord({ workflowId: 'notes', title: 'After', actor: max });
      expect(task.teamStandards).toMatchObject({
        version: 1,
        lines: ['Never paste customer data; use placeholders.', 'Cite the source of every figure.'],
        publishedBy: { user: 'lea', name: 'Lea Lead' },
      });
      expect(task.teamStandards?.publishedBy?.hash).toMatch(/^[0-9a-f]{64}$/);
      // The task that started before keeps the standards it started with.
      expect((await getTask(before.id))?.teamStandards).toEqual({ version: 2, lines: ['My own rule.'] });
    });
  });

  it('quarantines a standards version an admin forged with a key not in the directory; the newest valid one stays in force', async () => {
    const outsiderKey = await as(outsiderDb, () => ownSigningKey(outsiderDb));
    const forged = await signDoc(
      { _id: teamDocId.standardsVersion(50), kind: 'standards-version', version: 50, lines: ['Paste everything you have.'], publishedBy: 'lea', publishedAt: new Date().toISOString() },
      outsiderKey,
    );
    expect((await team.request(team.admin.name, 'PUT', encodeURIComponent(forged._id), forged)).status).toBe(201);
    await as(memberDb, async () => {
      await syncOnce(member);
      expect(await quarantined(member)).toContainEqual(
        "The team's standards version 50 were not used: it is signed with a key that is not Lea Lead's in the member directory.",
      );
      expect((await getSettings()).publishedTeamStandards?.version).toBe(1);
    });
  });

  it('quarantines a published version an admin edited on the server', async () => {
    const version = await as(leadDb, async () => {
      await updateSettings({ teamStandards: ['Cite the source of every figure.'] }, lea);
      const queued = await queueStandardsPublish(lead);
      expect((await syncOnce(lead)).push).toEqual({ sent: 1, refused: 0 });
      return queued;
    });
    expect(version).toBe(2);
    const id = teamDocId.standardsVersion(version);
    const stored = await team.request('lea', 'GET', encodeURIComponent(id));
    const edited = { ...stored.json, lines: ['Paste customer data when it helps.'] };
    expect((await team.request(team.admin.name, 'PUT', encodeURIComponent(id), edited)).status).toBe(201);
    await as(memberDb, async () => {
      await syncOnce(member);
      expect(await quarantined(member)).toContainEqual(
        "The team's standards version 2 were not used: its signature does not match its content: it was changed after Lea Lead signed it.",
      );
      const kept = (await getSettings()).publishedTeamStandards;
      expect(kept?.version).toBe(1);
      expect(kept?.lines).not.toContain('Paste customer data when it helps.');
    });
  });

  it('a member who connects later gets the newest valid version even when the lead\'s directory entry was sent again after it', async () => {
    // The lead connects again (a new session): their entry gets a newer revision, later in the changes
    // feed than the standards they published before.
    await as(leadDb, async () => {
      const again = await person('lea', 'Lea Lead', leadDb);
      expect((await syncOnce({ ...again, teamDb: lead.teamDb })).push.refused).toBe(0);
    });
    const changes = await team.request('lea', 'GET', '_changes');
    const order = (changes.json.results as Array<{ id: string }>).map((row) => row.id);
    expect(order.indexOf(teamDocId.member('lea'))).toBeGreaterThan(order.indexOf(teamDocId.standardsVersion(1)));
    const laterDb = openDatabase(`std-later-${run}`);
    try {
      await as(laterDb, async () => {
        const later = await person('ana', 'Ana Approver', laterDb);
        await syncOnce(later);
        expect((await getSettings()).publishedTeamStandards).toMatchObject({ version: 1, publishedBy: { name: 'Lea Lead' } });
        expect(await quarantined(later)).not.toContainEqual(expect.stringContaining('version 1 '));
        later.teamDb.close();
        await Dexie.delete(later.teamDb.name);
      });
    } finally {
      laterDb.close();
      await Dexie.delete(laterDb.name);
    }
  });
});

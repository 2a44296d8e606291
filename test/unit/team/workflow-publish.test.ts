// @vitest-environment node
import 'fake-indexeddb/auto';
import '../../support/browser-self';
import Dexie from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, setDb, type ConvOpsDatabase } from '@/lib/db/database';
import { getWorkflow, getWorkflowHead, saveWorkflow } from '@/lib/db/workflows-repo';
import { teamDocId } from '@/lib/team/documents';
import { queueWorkflowPublish, syncOnce, type TeamContext } from '@/lib/team/sync';
import { startTestTeamServer, type TestTeamServer } from '../../support/team-server';
import { connectPerson } from '../../support/team-people';

/** A lead publishes a workflow version; a member's library gets it, marked as the team's; tampering is quarantined. */

let team: TestTeamServer;
let leadDb: ConvOpsDatabase;
let memberDb: ConvOpsDatabase;
let lead: TeamContext;
let member: TeamContext;
const run = `${process.pid}-${Date.now()}`;
const lea = { kind: 'human' as const, name: 'Lea Lead' };

const person = (user: string, name: string, db: ConvOpsDatabase): Promise<TeamContext> => connectPerson(team, user, name, db, `wf-team-${user}-${run}`);

/** Runs `work` with this browser's records as the ones the repositories use. */
async function as<T>(db: ConvOpsDatabase, work: () => Promise<T>): Promise<T> {
  setDb(db);
  return work();
}

beforeAll(async () => {
  team = await startTestTeamServer();
  leadDb = openDatabase(`wf-lead-${run}`);
  memberDb = openDatabase(`wf-member-${run}`);
  lead = await as(leadDb, () => person('lea', 'Lea Lead', leadDb));
  member = await as(memberDb, () => person('max', 'Max Member', memberDb));
  await as(leadDb, () => syncOnce(lead));
  await as(memberDb, () => syncOnce(member));
}, 30_000);

afterAll(async () => {
  await team?.stop();
  for (const db of [leadDb, memberDb, lead?.teamDb, member?.teamDb]) {
    if (!db) continue;
    db.close();
    await Dexie.delete(db.name);
  }
});

const onboarding = {
  id: 'onboarding',
  name: 'Onboarding checklist',
  steps: [
    { id: 'collect', title: 'Collect', instructions: 'Collect the facts.' },
    { id: 'sign-off', title: 'Sign off', instructions: 'Present it.', gate: { type: 'sign-off', ask: 'Complete?', decidedBy: 'approver' } },
  ],
};

describe('published workflows', { timeout: 30_000 }, () => {
  it('reach a member\'s library as the team\'s, same id, version and steps', async () => {
    await as(leadDb, async () => {
      await saveWorkflow(onboarding, lea);
      await queueWorkflowPublish(lead, 'onboarding');
      expect((await syncOnce(lead)).push).toEqual({ sent: 1, refused: 0 });
    });
    await as(memberDb, async () => {
      await syncOnce(member);
      expect(await getWorkflowHead('onboarding')).toMatchObject({ origin: 'team', latestVersion: 1 });
      expect((await getWorkflow('onboarding', 1))?.steps[1]?.gate).toMatchObject({ decidedBy: 'approver' });
      expect(await member.teamDb.quarantine.count()).toBe(0);
    });
  });

  it('a member cannot publish: refused here, and by the server when forced', async () => {
    await as(memberDb, async () => {
      await expect(queueWorkflowPublish(member, 'onboarding')).rejects.toThrow('Only a team lead can publish');
      const forced = { ...member, connection: { ...member.connection, roles: ['lead'] } };
      await queueWorkflowPublish(forced, 'onboarding').catch(() => undefined);
      await saveWorkflow({ ...onboarding, id: 'member-made', name: 'Member made' }, { kind: 'human', name: 'Max Member' });
      await queueWorkflowPublish(forced, 'member-made');
      const pushed = await syncOnce(member);
      expect(pushed.push.refused).toBeGreaterThanOrEqual(1);
      expect((await member.teamDb.outbox.get(teamDocId.workflowVersion('member-made', 1)))?.refused).toBe('Only a team lead can publish a workflow.');
    });
  });

  it('quarantines a published version an admin edited on the server, and keeps it out of the library', async () => {
    await as(leadDb, async () => {
      await saveWorkflow({ ...onboarding, id: 'expenses', name: 'Expenses' }, lea);
      await queueWorkflowPublish(lead, 'expenses');
      await syncOnce(lead);
    });
    const id = teamDocId.workflowVersion('expenses', 1);
    const stored = await team.request('lea', 'GET', encodeURIComponent(id));
    const workflow = stored.json.workflow as typeof onboarding;
    const edited = { ...stored.json, workflow: { ...workflow, steps: [workflow.steps[0]] } };
    expect((await team.request(team.admin.name, 'PUT', encodeURIComponent(id), edited)).status).toBe(201);
    await as(memberDb, async () => {
      await syncOnce(member);
      expect(await getWorkflowHead('expenses')).toBeUndefined();
      expect((await member.teamDb.quarantine.toArray()).map((row) => row.reason)).toContainEqual(
        expect.stringContaining('The team\'s workflow "expenses" version 1 was not added: its signature does not match its content'),
      );
    });
  });
});

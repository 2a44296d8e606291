// @vitest-environment node
import 'fake-indexeddb/auto';
import '../../support/browser-self';
import Dexie from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, setDb, type ConvOpsDatabase } from '@/lib/db/database';
import { addManualNote } from '@/lib/db/notes-repo';
import { listEvents } from '@/lib/db/events-repo';
import { ownSigningKey, signHash } from '@/lib/db/signing';
import { getTask, runAction, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import { teamDocId } from '@/lib/team/documents';
import { countDecidableGates, decidableGatesHere, decideTeamGate, pendingDecisionHere, listDecidableGates, listSharedTasks, mayDecide, readSharedTask, verifySharedTask } from '@/lib/team/shared-tasks';
import { queueTaskShare, syncOnce, type TeamContext } from '@/lib/team/sync';
import type { Actor, Task } from '@/lib/workflow/records';
import { startTestTeamServer, type TestTeamServer } from '../../support/team-server';
import { connectPerson, FOUR_EYES_SOP_CHECK } from '../../support/team-people';

/**
 * The manager's and the approver's side of the team workspace, through the real server: the manager
 * (lea) sees the operator's (max) shared task and verifies it against the member directory; the
 * approver (ana) may decide its four-eyes gate, the manager and the operator may not. Then the
 * attacks an admin can make on the server: an edited note, an edited head, a note not on the trail.
 */

let team: TestTeamServer;
let operatorDb: ConvOpsDatabase;
let approverDb: ConvOpsDatabase;
let managerDb: ConvOpsDatabase;
let operator: TeamContext;
let approver: TeamContext;
let manager: TeamContext;
const max: Actor = { kind: 'human', name: 'Max Member' };
const run = `${process.pid}-${Date.now()}`;

const person = (user: string, name: string, db: ConvOpsDatabase): Promise<TeamContext> => connectPerson(team, user, name, db, `team-${user}-${db.name}`);

const fourEyes = FOUR_EYES_SOP_CHECK;

/** A task at the four-eyes gate with a note, shared and pulled by the approver and the manager. */
async function sharedAtGate(title: string): Promise<Task> {
  const started = await startTaskRecord({ workflowId: 'sop-check', title, actor: max });
  await addManualNote({ taskId: started.id, body: 'Draft: steps 1 to 3.', actor: max });
  let task = (await getTask(started.id))!;
  task = await runAction(task.id, task.rev, { type: 'complete-step', stepId: 'draft' }, max);
  task = await runAction(task.id, task.rev, { type: 'complete-step', stepId: 'review' }, { kind: 'ai', name: 'ChatGPT' });
  await queueTaskShare(operator, task.id);
  await syncOnce(operator);
  await syncOnce(approver);
  await syncOnce(manager);
  return task;
}

async function adminEdit(id: string, change: (doc: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const stored = await team.request(team.admin.name, 'GET', encodeURIComponent(id));
  expect(stored.status).toBe(200);
  expect((await team.request(team.admin.name, 'PUT', encodeURIComponent(id), change(stored.json))).status).toBe(201);
}

async function quarantinedReasons(ctx: TeamContext): Promise<string[]> {
  return (await ctx.teamDb.quarantine.toArray()).map((row) => row.reason);
}

beforeAll(async () => {
  team = await startTestTeamServer();
  operatorDb = setDb(openDatabase(`op-${run}`));
  approverDb = openDatabase(`ap-${run}`);
  managerDb = openDatabase(`mg-${run}`);
  await saveWorkflow(fourEyes, max);
  operator = await person('max', 'Max Member', operatorDb);
  approver = await person('ana', 'Ana Approver', approverDb);
  manager = await person('lea', 'Lea Lead', managerDb);
  await syncOnce(operator);
  await syncOnce(approver);
  await syncOnce(manager);
}, 30_000);

afterAll(async () => {
  await team?.stop();
  for (const db of [operatorDb, approverDb, managerDb, operator?.teamDb, approver?.teamDb, manager?.teamDb]) {
    if (!db) continue;
    db.close();
    await Dexie.delete(db.name);
  }
});

describe('the team\'s shared tasks, for a manager and an approver', { timeout: 30_000 }, () => {
  it('the manager sees the operator\'s shared task, marked as his, and Verify says verified with counts', async () => {
    const task = await sharedAtGate('Verified SOP');
    const listed = await listSharedTasks(manager.teamDb);
    const entry = listed.find((e) => e.ok && e.shared.task.id === task.id);
    expect(entry).toMatchObject({ ok: true, shared: { owner: 'max', ownerName: 'Max Member', task: { title: 'Verified SOP', status: 'awaiting-approval' } } });
    const verdict = await verifySharedTask(manager.teamDb, 'max', task.id);
    expect(verdict.problems).toEqual([]);
    // task.started, note.added, step.completed by Max (signed in his browser); gate.requested by the AI.
    expect(verdict).toMatchObject({ ok: true, events: 4, notes: 1, signatures: 3 });
    expect(verdict.text).toBe('Record verified: 4 events, 1 note, 3 signatures from the team directory.');
  });

  it('an approver may decide the four-eyes gate; the manager (no approver role) and the operator\'s own key may not', async () => {
    const task = await sharedAtGate('Who decides');
    const anaKey = (await ownSigningKey(approverDb)).fingerprint;
    const leaKey = (await ownSigningKey(managerDb)).fingerprint;
    const maxKey = (await ownSigningKey(operatorDb)).fingerprint;
    expect((await listDecidableGates(approver.teamDb, anaKey)).map((g) => g.taskId)).toContain(task.id);
    expect(await listDecidableGates(manager.teamDb, leaKey)).toEqual([]);

    const read = await readSharedTask(approver.teamDb, 'max', task.id);
    if (!read?.ok) throw new Error('not read');
    const directory = new Map((await approver.teamDb.directory.toArray()).map((m) => [m.user, m]));
    const gate = { stepId: 'review' };
    expect(mayDecide(read.shared, gate, { user: 'ana', name: 'Ana Approver', roles: ['approver'], fingerprint: anaKey }, directory)).toEqual({ ok: true });
    // The operator's key deciding, even under an approver's name: four eyes refuses it (the engine's words).
    expect(mayDecide(read.shared, gate, { user: 'ana', name: 'Ana Approver', roles: ['approver'], fingerprint: maxKey }, directory)).toEqual({
      ok: false,
      reason: expect.stringContaining('needs a second pair of eyes'),
    });
    expect(mayDecide(read.shared, gate, { user: 'lea', name: 'Lea Lead', roles: ['lead'], fingerprint: leaKey }, directory)).toMatchObject({ ok: false });
    await expect(decideTeamGate(manager, { owner: 'max', taskId: task.id, stepId: 'review', gateRequestHash: 'f'.repeat(64) }, 'approve', '', leaKey)).rejects.toThrow(/Only an approver/);
  });

  it('a decision taken from the approver\'s browser leaves her count at once, and the operator records it', async () => {
    const task = await sharedAtGate('Decided here');
    const anaKey = (await ownSigningKey(approverDb)).fingerprint;
    const before = await countDecidableGates(approver.teamDb, anaKey);
    const gate = (await listDecidableGates(approver.teamDb, anaKey)).find((g) => g.taskId === task.id)!;
    expect(gate).toMatchObject({ ownerName: 'Max Member', stepTitle: 'Review SOP' });
    expect(await decidableGatesHere(approver.teamDb, approverDb)).toBe(before);
    expect(await pendingDecisionHere(approver.teamDb, 'max', task.id)).toBeNull();
    await decideTeamGate(approver, gate, 'reject', 'Add the rollback step.', anaKey);
    expect(await pendingDecisionHere(approver.teamDb, 'max', task.id)).toBe('reject');
    expect(await countDecidableGates(approver.teamDb, anaKey)).toBe(before - 1);
    expect(await decidableGatesHere(approver.teamDb, approverDb)).toBe(before - 1);
    await syncOnce(approver);
    await syncOnce(operator);
    expect(await getTask(task.id)).toMatchObject({ status: 'active', currentStepId: 'draft' });
    await syncOnce(approver);
    // Recorded by Max's browser: the gate no longer waits, so nothing is pending here.
    expect(await pendingDecisionHere(approver.teamDb, 'max', task.id)).toBeNull();
    // The operator's task moved on: the same round sends it (not with his next change), the manager's
    // copy follows, and still verifies: the rejection's event (signed in Max's browser) and Ana's
    // signed decision it carries.
    await syncOnce(manager);
    const verdict = await verifySharedTask(manager.teamDb, 'max', task.id);
    expect(verdict.problems).toEqual([]);
    expect(verdict).toMatchObject({ ok: true, events: 5, signatures: 5 });
  });

  it('the operator connects a second browser (a new key): his directory entry keeps the first key and adds the new one (the server refused an entry without the first, and colleagues could not check his new signatures)', async () => {
    const secondDb = openDatabase(`op2-${run}`);
    const second = await person('max', 'Max Member', secondDb);
    try {
      await syncOnce(second);
      expect(await second.teamDb.outbox.filter((row) => Boolean(row.refused)).toArray()).toEqual([]);
      const stored = await team.request('max', 'GET', encodeURIComponent(teamDocId.member('max')));
      const fingerprints = (stored.json['keys'] as Array<{ fingerprint: string }>).map((k) => k.fingerprint);
      expect(fingerprints).toEqual([(await ownSigningKey(operatorDb)).fingerprint, (await ownSigningKey(secondDb)).fingerprint]);
      expect(await quarantinedReasons(second)).toEqual([]);
    } finally {
      secondDb.close();
      second.teamDb.close();
      await Dexie.delete(secondDb.name);
      await Dexie.delete(second.teamDb.name);
    }
  });

  it('a note an admin edited on the server: not verified, with the sentence', async () => {
    const task = await sharedAtGate('Edited note');
    const noteId = (await operatorDb.notes.where('taskId').equals(task.id).first())!.id;
    await adminEdit(teamDocId.taskNote('max', task.id, noteId), (doc) => ({ ...doc, note: { ...(doc['note'] as object), body: 'Draft: nothing to check.' } }));
    await syncOnce(manager);
    const verdict = await verifySharedTask(manager.teamDb, 'max', task.id);
    expect(verdict.ok).toBe(false);
    expect(verdict.text).toMatch(/^Not verified: The note by Max Member of .* was changed after it was recorded: its text does not match event \d+\.$/);
  });

  it('a head an admin moved past the gate (status, step): not verified, its events do not lead there', async () => {
    const task = await sharedAtGate('Edited head');
    await adminEdit(teamDocId.taskHead('max', task.id), (doc) => ({
      ...doc,
      task: { ...(doc['task'] as Task), status: 'active', currentStepId: 'publish', pendingGate: null, completedStepIds: ['draft', 'review'] },
    }));
    await syncOnce(manager);
    await syncOnce(approver);
    const verdict = await verifySharedTask(manager.teamDb, 'max', task.id);
    expect(verdict.ok).toBe(false);
    expect(verdict.text).toContain('Its head does not follow from its events');
    // An approver is not offered a gate on it any more either (its head no longer waits).
    expect((await listDecidableGates(approver.teamDb, (await ownSigningKey(approverDb)).fingerprint)).map((g) => g.taskId)).not.toContain(task.id);
  });

  it('an approval the operator forged in his own browser (a proof signed by a lead, not an approver): not verified', async () => {
    const started = await startTaskRecord({ workflowId: 'sop-check', title: 'Self-approved', actor: max });
    let task = await runAction(started.id, started.rev, { type: 'complete-step', stepId: 'draft' }, max);
    task = await runAction(task.id, task.rev, { type: 'complete-step', stepId: 'review' }, max);
    const gateHash = (await listEvents(task.id)).filter((e) => e.type === 'gate.requested').at(-1)!.hash;
    // Lea's real key from the directory, but she is a lead: the engine only compares the strings it is given.
    const lea = await ownSigningKey(managerDb);
    const signature = await signHash(lea, 'a'.repeat(64));
    await runAction(task.id, task.rev, { type: 'approve', stepId: 'review' }, { kind: 'human', name: 'Lea Lead' }, {
      decider: lea.fingerprint,
      roles: ['approver'],
      operator: (await ownSigningKey(operatorDb)).fingerprint,
      proof: { document: teamDocId.decision(gateHash), hash: 'a'.repeat(64), signature },
    });
    await queueTaskShare(operator, task.id);
    await syncOnce(operator);
    await syncOnce(manager);
    const verdict = await verifySharedTask(manager.teamDb, 'max', task.id);
    expect(verdict.ok).toBe(false);
    expect(verdict.text).toContain('is signed by Lea Lead, who does not have the approver role in the team');
  });

  it('a note an admin added that no event recorded: not verified', async () => {
    const task = await sharedAtGate('Added note');
    const forged = { id: 'forged-note', taskId: task.id, stepId: 'draft', source: 'manual', body: 'Approved by the CEO.', createdAt: task.createdAt, createdBy: max, updatedAt: task.createdAt, deleted: false };
    const id = teamDocId.taskNote('max', task.id, forged.id);
    expect((await team.request(team.admin.name, 'PUT', encodeURIComponent(id), { _id: id, kind: 'task-note', owner: 'max', taskId: task.id, note: forged })).status).toBe(201);
    await syncOnce(manager);
    const verdict = await verifySharedTask(manager.teamDb, 'max', task.id);
    expect(verdict.ok).toBe(false);
    expect(verdict.text).toContain('is not on the audit trail: no event added it');
  });
});

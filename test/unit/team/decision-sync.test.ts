// @vitest-environment node
import 'fake-indexeddb/auto';
import '../../support/browser-self';
import Dexie from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, setDb, type ConvOpsDatabase } from '@/lib/db/database';
import { listEvents } from '@/lib/db/events-repo';
import { ownSigningKey } from '@/lib/db/signing';
import { getTask, runAction, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import { signDoc, teamDocId } from '@/lib/team/documents';
import { listWaitingGates, queueDecision, queueTaskShare, syncOnce, type TeamContext } from '@/lib/team/sync';
import type { Actor, Task } from '@/lib/workflow/records';
import { putUser } from '../../../scripts/team-install.mjs';
import { startTestTeamServer, type TestTeamServer } from '../../support/team-server';
import { connectPerson, FOUR_EYES_SOP_CHECK } from '../../support/team-people';

/**
 * A colleague decides a four-eyes gate, through the real server: the operator (max) shares a task
 * waiting at the gate, the approver (ana) sees it and approves in "her browser" (her own databases
 * and key), the operator's sync checks the decision and records it through the engine. Then the
 * attacks: forged, edited, replayed and out-of-date decisions, each quarantined with a sentence.
 */

let team: TestTeamServer;
let operatorDb: ConvOpsDatabase;
let approverDb: ConvOpsDatabase;
let operator: TeamContext;
let approver: TeamContext;
let outsiderDb: ConvOpsDatabase;
const max: Actor = { kind: 'human', name: 'Max Member' };
const run = `${process.pid}-${Date.now()}`;

const person = (user: string, name: string, db: ConvOpsDatabase): Promise<TeamContext> => connectPerson(team, user, name, db, `team-${user}-${run}`);

const fourEyes = FOUR_EYES_SOP_CHECK;

async function toGate(title: string): Promise<Task> {
  const started = await startTaskRecord({ workflowId: 'sop-check', title, actor: max });
  let task = await runAction(started.id, started.rev, { type: 'complete-step', stepId: 'draft' }, max);
  task = await runAction(task.id, task.rev, { type: 'complete-step', stepId: 'review' }, { kind: 'ai', name: 'ChatGPT' });
  expect(task.status).toBe('awaiting-approval');
  return task;
}

async function lastGateHash(taskId: string): Promise<string> {
  return (await listEvents(taskId)).filter((e) => e.type === 'gate.requested').at(-1)!.hash;
}

async function quarantined(ctx: TeamContext): Promise<string[]> {
  return (await ctx.teamDb.quarantine.toArray()).map((row) => row.reason);
}

beforeAll(async () => {
  team = await startTestTeamServer();
  operatorDb = setDb(openDatabase(`op-${run}`));
  approverDb = openDatabase(`ap-${run}`);
  outsiderDb = openDatabase(`out-${run}`);
  await saveWorkflow(fourEyes, max);
  operator = await person('max', 'Max Member', operatorDb);
  approver = await person('ana', 'Ana Approver', approverDb);
  await syncOnce(operator);
  await syncOnce(approver);
}, 30_000);

afterAll(async () => {
  await team?.stop();
  for (const db of [operatorDb, approverDb, outsiderDb, operator?.teamDb, approver?.teamDb]) {
    if (!db) continue;
    db.close();
    await Dexie.delete(db.name);
  }
});

describe('a colleague decides a four-eyes gate', { timeout: 30_000 }, () => {
  it('the operator cannot approve it; the approver approves in her browser; the operator\'s task advances, signed by her', async () => {
    const task = await toGate('Onboarding SOP');
    await expect(runAction(task.id, task.rev, { type: 'approve', stepId: 'review' }, max)).rejects.toThrow(/Only an approver of the team/);

    await queueTaskShare(operator, task.id);
    await syncOnce(operator);
    await syncOnce(approver);
    const waiting = await listWaitingGates(approver);
    expect(waiting).toEqual([expect.objectContaining({ owner: 'max', taskId: task.id, stepId: 'review', title: 'Onboarding SOP' })]);
    expect(waiting[0]!.gateRequestHash).toBe(await lastGateHash(task.id));

    await queueDecision(approver, waiting[0]!, 'approve', 'Looks right.');
    expect((await syncOnce(approver)).push.refused).toBe(0);
    const pulled = await syncOnce(operator);
    expect(pulled.pull.decisions).toBe(1);

    const after = await getTask(task.id);
    expect(after).toMatchObject({ status: 'active', currentStepId: 'publish' });
    const approval = (await listEvents(task.id)).find((e) => e.type === 'gate.approved')!;
    const anaKey = await ownSigningKey(approverDb);
    expect(approval.actor).toEqual({ kind: 'human', name: 'Ana Approver' });
    expect(approval.data).toMatchObject({
      comment: 'Looks right.',
      authority: { decider: anaKey.fingerprint, roles: ['approver'], operator: (await ownSigningKey(operatorDb)).fingerprint, proof: { document: teamDocId.decision(waiting[0]!.gateRequestHash) } },
    });
    expect(await quarantined(operator)).toEqual([]);

    // Replayed: the whole feed read again records nothing twice.
    await operator.teamDb.connection.update('self', { lastSeq: 0 });
    await syncOnce(operator);
    expect((await listEvents(task.id)).filter((e) => e.type === 'gate.approved')).toHaveLength(1);
    expect(await quarantined(operator)).toEqual([]);
  });

  it('an approver\'s browser quarantines an event of a shared task an admin edited on the server', async () => {
    const task = await toGate('Edited event');
    const id = teamDocId.taskEvent('max', task.id, 2);
    const stored = await team.request(team.admin.name, 'GET', encodeURIComponent(id));
    // The admin writes the edited event before the operator's copy: the approver sees only the edit.
    await queueTaskShare(operator, task.id);
    const outboxRow = await operator.teamDb.outbox.get(id);
    expect(stored.status).toBe(404);
    const event = { ...(outboxRow!.doc['event'] as Record<string, unknown>), actor: { kind: 'human', name: 'Someone Else' } };
    expect((await team.request(team.admin.name, 'PUT', encodeURIComponent(id), { ...outboxRow!.doc, event })).status).toBe(201);
    await syncOnce(operator);
    await syncOnce(approver);
    expect(await quarantined(approver)).toContainEqual(expect.stringContaining(`Event 2 of max's task does not fit its chain`));
    expect((await listWaitingGates(approver)).map((g) => g.taskId)).not.toContain(task.id);
  });

  it('quarantines a decision an admin forged straight into the database with a key not in the directory', async () => {
    const task = await toGate('Forged');
    await queueTaskShare(operator, task.id);
    await syncOnce(operator);
    const outsiderKey = await ownSigningKey(outsiderDb);
    const hash = await lastGateHash(task.id);
    const forged = await signDoc(
      { _id: teamDocId.decision(hash), kind: 'decision', gateRequestHash: hash, taskOwner: 'max', taskId: task.id, stepId: 'review', decision: 'approve', comment: '', decidedBy: 'ana', decidedAt: new Date().toISOString() },
      outsiderKey,
    );
    expect((await team.request(team.admin.name, 'PUT', encodeURIComponent(forged._id), forged)).status).toBe(201);
    await syncOnce(operator);
    expect(await getTask(task.id)).toMatchObject({ status: 'awaiting-approval' });
    expect(await quarantined(operator)).toContainEqual(expect.stringContaining("signed with a key that is not Ana Approver's in the member directory"));
  });

  it('quarantines a real decision edited on the server (rejection turned into approval)', async () => {
    const task = await toGate('Edited');
    await queueTaskShare(operator, task.id);
    await syncOnce(operator);
    await syncOnce(approver);
    const gate = (await listWaitingGates(approver)).find((g) => g.taskId === task.id)!;
    const decision = await queueDecision(approver, gate, 'reject', 'Missing the rollback step.');
    const edited = { ...decision, decision: 'approve', comment: '' };
    delete (edited as { _rev?: string })._rev;
    expect((await team.request(team.admin.name, 'PUT', encodeURIComponent(decision._id), edited)).status).toBe(201);
    await approver.teamDb.outbox.clear();
    await syncOnce(operator);
    expect(await getTask(task.id)).toMatchObject({ status: 'awaiting-approval' });
    expect(await quarantined(operator)).toContainEqual(expect.stringContaining('its signature does not match its content'));
  });

  it('quarantines a signed decision from a user the directory does not give the approver role', async () => {
    await putUser(team.server, team.admin, { name: 'lea2', password: 'lea2-password', roles: ['lead'] });
    team.users.push({ name: 'lea2', displayName: 'Lea Two', password: 'lea2-password', roles: ['lead'] });
    const leadDb = openDatabase(`lead-${run}`);
    const lead = await person('lea2', 'Lea Two', leadDb);
    await syncOnce(lead);
    const task = await toGate('Lead decides');
    await queueTaskShare(operator, task.id);
    await syncOnce(operator);
    const hash = await lastGateHash(task.id);
    const byLead = await signDoc(
      { _id: teamDocId.decision(hash), kind: 'decision', gateRequestHash: hash, taskOwner: 'max', taskId: task.id, stepId: 'review', decision: 'approve', comment: '', decidedBy: 'lea2', decidedAt: new Date().toISOString() },
      await ownSigningKey(leadDb),
    );
    // The server refuses it from the lead herself…
    expect((await team.request('lea2', 'PUT', encodeURIComponent(byLead._id), byLead)).status).toBe(403);
    // …and the client refuses it when an admin slips it in.
    expect((await team.request(team.admin.name, 'PUT', encodeURIComponent(byLead._id), byLead)).status).toBe(201);
    await syncOnce(operator);
    expect(await getTask(task.id)).toMatchObject({ status: 'awaiting-approval' });
    expect(await quarantined(operator)).toContainEqual(expect.stringContaining('Lea Two does not have the approver role'));
    leadDb.close();
    lead.teamDb.close();
    await Dexie.delete(leadDb.name);
    await Dexie.delete(lead.teamDb.name);
  });

  it('quarantines a second, different answer to a gate request already decided (an admin\'s newer revision of it)', async () => {
    const task = await toGate('Twice');
    const firstHash = await lastGateHash(task.id);
    await queueTaskShare(operator, task.id);
    await syncOnce(operator);
    await syncOnce(approver);
    const gate = (await listWaitingGates(approver)).find((g) => g.taskId === task.id)!;
    await queueDecision(approver, gate, 'reject', 'Redo the draft.');
    await syncOnce(approver);
    await syncOnce(operator);
    let current = (await getTask(task.id))!;
    expect(current).toMatchObject({ status: 'active', currentStepId: 'draft' });
    current = await runAction(current.id, current.rev, { type: 'complete-step', stepId: 'draft' }, max);
    current = await runAction(current.id, current.rev, { type: 'complete-step', stepId: 'review' }, max);
    expect(await lastGateHash(task.id)).not.toBe(firstHash);
    // Ana's approval of the first request (signed by her, kept from before) put by an admin over
    // her rejection, as a newer revision of that decision.
    const old = await signDoc(
      { _id: teamDocId.decision(firstHash), kind: 'decision', gateRequestHash: firstHash, taskOwner: 'max', taskId: task.id, stepId: 'review', decision: 'approve', comment: '', decidedBy: 'ana', decidedAt: new Date().toISOString() },
      await ownSigningKey(approverDb),
    );
    const stored = await team.request('ana', 'GET', encodeURIComponent(old._id));
    expect((await team.request(team.admin.name, 'PUT', encodeURIComponent(old._id), { ...old, _rev: stored.json._rev })).status).toBe(201);
    await syncOnce(operator);
    expect(await getTask(task.id)).toMatchObject({ status: 'awaiting-approval' });
    expect(await quarantined(operator)).toContainEqual(expect.stringContaining('Another answer to a gate request of "Twice" that was already decided'));
  });

  it('quarantines a decision that arrives after its gate is no longer waiting (the operator cancelled the task)', async () => {
    const task = await toGate('Cancelled');
    await queueTaskShare(operator, task.id);
    await syncOnce(operator);
    await syncOnce(approver);
    const gate = (await listWaitingGates(approver)).find((g) => g.taskId === task.id)!;
    await queueDecision(approver, gate, 'approve', '');
    await syncOnce(approver);
    const current = (await getTask(task.id))!;
    await runAction(current.id, current.rev, { type: 'cancel', reason: 'Not needed' }, max);
    await syncOnce(operator);
    expect(await getTask(task.id)).toMatchObject({ status: 'cancelled' });
    expect(await quarantined(operator)).toContainEqual(expect.stringContaining('answers an earlier gate request of "Cancelled", not the one waiting now'));
  });
});

import { auditRecords, type KnownKey, type TaskAudit } from '@/lib/db/audit';
import { applyAction, type DecisionAuthority } from '@/lib/workflow/engine';
import { noteSchema, taskSchema, type AuditEvent, type Note, type Task } from '@/lib/workflow/records';
import { replayTask, rowMismatch } from '@/lib/workflow/replay';
import type { Workflow } from '@/lib/workflow/schema';
import { validateWorkflow } from '@/lib/workflow/validate';
import type { ConvOpsDatabase } from '@/lib/db/database';
import { OWN_KEY_ID } from '@/lib/db/records';
import { verifyHashSignature } from '@/lib/db/signing';
import { decisionDocSchema, teamDocId, taskEventDocSchema, taskHeadDocSchema, taskNoteDocSchema, type MemberDoc } from './documents';
import { listWaitingGates, queueDecision, waitingGate, type TeamContext, type WaitingGate } from './sync';
import { directoryOf, type ConnectionRow, type TeamDatabase, type TeamDocRow } from './team-db';

/**
 * The team's shared tasks as a manager and an approver see them: put together from the documents the
 * sync kept (`teamDocs`), read-only, and checked the way an imported task is (the same chain, note and
 * signature audit as "Verify audit chain", the same replay as an import), with the member directory
 * as the keys. And the gates this person may decide, by the engine's own rule.
 */

/** What the dashboard's row needs: the head (task and pinned workflow) and whose it is. */
export interface SharedTaskHead {
  owner: string;
  /** The owner's name in the member directory (their user name when they are not in it). */
  ownerName: string;
  task: Task;
  workflow: Workflow;
}

export interface SharedTask extends SharedTaskHead {
  events: AuditEvent[];
  notes: Note[];
}

/** What does not even parse: a sentence instead of a task. */
export interface SharedTaskRefusal {
  ok: false;
  owner: string;
  taskId: string;
  title: string;
  reason: string;
}
export type SharedTaskRead = { ok: true; shared: SharedTask } | SharedTaskRefusal;
export type SharedHeadRead = { ok: true; shared: SharedTaskHead } | SharedTaskRefusal;

function readHead(row: TeamDocRow, directory: ReadonlyMap<string, MemberDoc>): SharedHeadRead {
  const { owner, taskId } = row;
  const head = taskHeadDocSchema.parse(row.doc);
  const rawTitle = (head.task as { title?: unknown } | null)?.title;
  const title = typeof rawTitle === 'string' ? rawTitle.slice(0, 120) : taskId;
  const refuse = (reason: string): SharedTaskRefusal => ({ ok: false, owner, taskId, title, reason });
  const task = taskSchema.safeParse(head.task);
  if (!task.success || task.data.id !== taskId) return refuse('its task record is not well-formed.');
  const workflow = validateWorkflow(head.workflow);
  if (!workflow.ok || workflow.workflow.id !== task.data.workflowId || workflow.workflow.version !== task.data.workflowVersion) {
    return refuse(`the workflow it is pinned to ("${task.data.workflowId}" version ${task.data.workflowVersion}) is not in it, or not well-formed.`);
  }
  return { ok: true, shared: { owner, ownerName: directory.get(owner)?.name ?? owner, task: task.data, workflow: workflow.workflow } };
}

/** One colleague's shared task from the documents kept here; null when its head has not arrived. */
export async function readSharedTask(teamDb: TeamDatabase, owner: string, taskId: string, directory?: ReadonlyMap<string, MemberDoc>): Promise<SharedTaskRead | null> {
  const rows = await teamDb.teamDocs.where('[owner+taskId]').equals([owner, taskId]).toArray();
  const headRow = rows.find((row) => row.kind === 'task-head');
  if (!headRow) return null;
  const head = readHead(headRow, directory ?? (await directoryOf(teamDb)));
  if (!head.ok) return head;
  const events = rows
    .filter((row) => row.kind === 'task-event')
    .map((row) => taskEventDocSchema.parse(row.doc).event)
    .sort((a, b) => a.seq - b.seq);
  const notes: Note[] = [];
  for (const row of rows.filter((r) => r.kind === 'task-note')) {
    const note = noteSchema.safeParse(taskNoteDocSchema.parse(row.doc).note);
    if (!note.success || note.data.taskId !== taskId) return { ok: false, owner, taskId, title: head.shared.task.title, reason: 'one of its notes is not well-formed.' };
    notes.push(note.data);
  }
  notes.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  return { ok: true, shared: { ...head.shared, events, notes } };
}

/**
 * Every colleague's shared task kept here (the dashboard's team rows), newest activity first: heads
 * only (a row needs no events or notes; Verify reads them for the rows shown).
 */
export async function listSharedTasks(teamDb: TeamDatabase): Promise<SharedHeadRead[]> {
  const self = (await teamDb.connection.get('self'))?.user;
  const heads = await teamDb.teamDocs.where('kind').equals('task-head').toArray();
  const directory = await directoryOf(teamDb);
  const read = heads.filter((row) => row.owner !== self).map((row) => readHead(row, directory));
  const when = (entry: SharedHeadRead) => (entry.ok ? entry.shared.task.updatedAt : '');
  return read.sort((a, b) => when(b).localeCompare(when(a)));
}

// ---------------------------------------------------------------- verify

export interface SharedTaskVerdict {
  ok: boolean;
  /** The outcome in plain words, with counts. */
  text: string;
  events: number;
  notes: number;
  /** People's events signed by a key of the member directory, and valid. */
  signatures: number;
  /** Each problem in a sentence (empty when verified). */
  problems: string[];
  audit?: TaskAudit;
}

/** The member directory as the audit's known keys: every key listed there is known, under its member's name. */
export function directoryKeys(directory: Iterable<MemberDoc>): Map<string, KnownKey> {
  const keys = new Map<string, KnownKey>();
  for (const member of directory) for (const key of member.keys) keys.set(key.fingerprint, { publicKey: key.publicKey, known: true, knownAs: member.name });
  return keys;
}

interface DecisionProof {
  decider: string;
  operator: string;
  proof: { document: string; hash: string; signature: { key: string; value: string } };
}

function decisionProofOf(event: AuditEvent): DecisionProof | undefined {
  const authority = event.data['authority'] as Partial<DecisionProof> | undefined;
  const proof = authority?.proof;
  if (!authority || !proof || typeof proof !== 'object') return undefined;
  const ok = typeof authority.decider === 'string' && typeof authority.operator === 'string' && typeof proof.document === 'string' && typeof proof.hash === 'string' && typeof proof.signature?.key === 'string' && typeof proof.signature.value === 'string';
  return ok ? (authority as DecisionProof) : undefined;
}

/**
 * A colleague's decision recorded in the chain carries the approver's signed document: its signature
 * must be by the decider's key, a key of an approver in the directory, and answer the gate request
 * just before it; the operator it names must be the task owner's key. Returns the problems, and how
 * many such signatures hold.
 */
async function checkDecisionProofs(events: readonly AuditEvent[], owner: string, directory: ReadonlyMap<string, MemberDoc>): Promise<{ valid: number; problems: string[] }> {
  const byKey = new Map<string, MemberDoc>();
  for (const member of directory.values()) for (const key of member.keys) byKey.set(key.fingerprint, member);
  const ownerKeys = new Set(directory.get(owner)?.keys.map((key) => key.fingerprint) ?? []);
  let valid = 0;
  const problems: string[] = [];
  let request: AuditEvent | undefined;
  for (const event of events) {
    if (event.type === 'gate.requested') request = event;
    if (event.type !== 'gate.approved' && event.type !== 'gate.rejected') continue;
    const found = decisionProofOf(event);
    if (!found) continue; // decided in the operator's own browser: its event's own signature is checked above
    const which = `The decision of event ${event.seq} (by ${event.actor.name})`;
    const member = byKey.get(found.proof.signature.key);
    const key = member?.keys.find((k) => k.fingerprint === found.proof.signature.key);
    if (!member || !key || found.proof.signature.key !== found.decider) problems.push(`${which} is signed with a key that is not in the team's member directory.`);
    else if (!member.roles.includes('approver')) problems.push(`${which} is signed by ${member.name}, who does not have the approver role in the team.`);
    else if (!(await verifyHashSignature(key.publicKey, found.proof.hash, found.proof.signature.value))) problems.push(`${which} has a signature that does not match it.`);
    else if (!request || found.proof.document !== teamDocId.decision(request.hash)) problems.push(`${which} does not answer the gate request before it.`);
    else if (!ownerKeys.has(found.operator)) problems.push(`${which} names an operator key that is not the task owner's.`);
    else valid += 1;
  }
  return { valid, problems };
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/**
 * Verify for a colleague's shared task: the hash chain, every note against the hash its event
 * recorded, every person's event against a key of the member directory (`auditRecords`, the check
 * "Verify audit chain" and imports make), and the replay of its events through the engine against its
 * head (as an import: a head that does not follow from its events is not believed).
 */
export async function verifySharedTask(teamDb: TeamDatabase, owner: string, taskId: string): Promise<SharedTaskVerdict> {
  const directory = await directoryOf(teamDb);
  const read = await readSharedTask(teamDb, owner, taskId, directory);
  const none = { events: 0, notes: 0, signatures: 0 };
  if (!read) return { ok: false, text: 'Not verified: this task has not arrived from the workspace.', problems: ['This task has not arrived from the workspace.'], ...none };
  if (!read.ok) return { ok: false, text: `Not verified: ${read.reason}`, problems: [read.reason], ...none };
  const { task, workflow, events, notes } = read.shared;
  const keys = directoryKeys(directory.values());
  const audit = await auditRecords(events, notes, keys);
  const problems: string[] = [];
  if (!audit.chain.ok) problems.push(`The audit trail is broken at event ${audit.chain.brokenAtSeq}: ${audit.chain.reason}.`);
  if (events.some((event) => event.taskId !== taskId)) problems.push('Its audit trail holds events of another task.');
  for (const check of audit.notes) problems.push(check.text);
  const invalid = audit.signatures.filter((check) => check.status !== 'valid');
  for (const check of invalid) {
    problems.push(
      check.status === 'unsigned'
        ? `Event ${check.seq} by ${check.actorName} is not signed.`
        : check.key && !keys.has(check.key)
          ? `Event ${check.seq} by ${check.actorName} is signed with a key that is not in the team's member directory.`
          : `Event ${check.seq} by ${check.actorName} has a signature that does not match it: it was changed after it was signed.`,
    );
  }
  if (audit.chain.ok) {
    const replayed = replayTask(workflow, events);
    if (!replayed.ok) problems.push(`Its events do not replay (event ${replayed.seq}): ${replayed.reason}.`);
    else {
      const mismatch = rowMismatch(task, replayed.task, workflow);
      if (mismatch) problems.push(`Its head does not follow from its events: ${mismatch}${replayed.task.rev < task.rev ? ' (the rest may still be on its way from the workspace)' : ''}.`);
    }
  }
  const decisions = await checkDecisionProofs(events, owner, directory);
  problems.push(...decisions.problems);
  const liveNotes = notes.filter((note) => !note.deleted).length;
  const signatures = audit.signatures.length - invalid.length + decisions.valid;
  const counts = { events: events.length, notes: liveNotes, signatures };
  if (problems.length === 0) {
    return {
      ok: true,
      text: `Record verified: ${plural(events.length, 'event')}, ${plural(liveNotes, 'note')}, ${plural(signatures, 'signature')} from the team directory.`,
      problems,
      audit,
      ...counts,
    };
  }
  return { ok: false, text: `Not verified: ${problems.join(' ')}`, problems, audit, ...counts };
}

// ---------------------------------------------------------------- decide

export type MayDecide = { ok: true } | { ok: false; reason: string };

/**
 * Whether this person may decide a colleague's waiting gate, by the engine's own rule (the same
 * `applyAction` the operator's browser runs when the decision arrives, which checks it again): an
 * approver of the directory, and for four eyes not the task's operator (told apart by signing key).
 */
export function mayDecide(shared: Pick<SharedTask, 'owner' | 'task' | 'workflow'>, gate: Pick<WaitingGate, 'stepId'>, me: { user: string; name: string; roles: readonly string[]; fingerprint: string }, directory: ReadonlyMap<string, MemberDoc>): MayDecide {
  if (shared.owner === me.user) return { ok: false, reason: 'This is your own task: a colleague decides its gates.' };
  if (!me.roles.includes('approver')) return { ok: false, reason: 'Only an approver of the team can decide a colleague\'s gate.' };
  const ownerKeys = directory.get(shared.owner)?.keys.map((key) => key.fingerprint) ?? [];
  const authority: DecisionAuthority = {
    decider: me.fingerprint,
    roles: me.roles,
    // The operator's key as the operator's browser will name it; this browser's own when it is among them.
    operator: ownerKeys.includes(me.fingerprint) ? me.fingerprint : (ownerKeys.at(-1) ?? ''),
  };
  try {
    applyAction(shared.task, shared.workflow, { type: 'approve', stepId: gate.stepId }, { kind: 'human', name: me.name }, new Date().toISOString(), authority);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

export interface DecidableGate extends WaitingGate {
  ownerName: string;
  stepTitle: string;
}

async function decidedHere(teamDb: TeamDatabase): Promise<Set<string>> {
  const rows = await teamDb.teamDocs.where('kind').equals('decision').toArray();
  return new Set(rows.flatMap((row) => {
    const doc = decisionDocSchema.safeParse(row.doc);
    return doc.success ? [doc.data.gateRequestHash] : [];
  }));
}

/** This person's decision on the gate a colleague's task waits at now, taken here and not yet recorded by the owner's browser. */
export async function pendingDecisionHere(teamDb: TeamDatabase, owner: string, taskId: string): Promise<'approve' | 'reject' | null> {
  const gate = await waitingGate({ teamDb }, owner, taskId);
  if (!gate) return null;
  const row = await teamDb.teamDocs.get(teamDocId.decision(gate.gateRequestHash));
  const doc = row && decisionDocSchema.safeParse(row.doc);
  return doc?.success ? doc.data.decision : null;
}

/**
 * Colleagues' gates waiting now that this person may decide and has not decided yet (the Team screen's
 * list, the toolbar badge). A decision taken here leaves the list at once, before the operator's
 * browser has recorded it.
 */
export async function listDecidableGates(teamDb: TeamDatabase, ownFingerprint: string): Promise<DecidableGate[]> {
  const connection = await teamDb.connection.get('self');
  if (!connection || connection.state === 'refused' || !connection.roles.includes('approver')) return [];
  const [waiting, decided, directory] = await Promise.all([listWaitingGates({ teamDb, connection }), decidedHere(teamDb), directoryOf(teamDb)]);
  const me = { user: connection.user, name: connection.name, roles: directory.get(connection.user)?.roles ?? connection.roles, fingerprint: ownFingerprint };
  const out: DecidableGate[] = [];
  for (const gate of waiting) {
    if (decided.has(gate.gateRequestHash)) continue;
    const read = await readSharedTask(teamDb, gate.owner, gate.taskId, directory);
    if (!read?.ok || !mayDecide(read.shared, gate, me, directory).ok) continue;
    const stepTitle = read.shared.workflow.steps.find((step) => step.id === gate.stepId)?.title ?? gate.stepId;
    out.push({ ...gate, ownerName: read.shared.ownerName, stepTitle });
  }
  return out;
}

/**
 * An approver's decision on a colleague's gate, from the Team screen or the shared task's page: the
 * engine's rule first, then the existing signed path (`queueDecision`), and kept here as decided.
 */
export async function decideTeamGate(ctx: TeamContext, gate: Pick<WaitingGate, 'owner' | 'taskId' | 'stepId' | 'gateRequestHash'>, decision: 'approve' | 'reject', comment: string, ownFingerprint: string): Promise<void> {
  const directory = await directoryOf(ctx.teamDb);
  const read = await readSharedTask(ctx.teamDb, gate.owner, gate.taskId, directory);
  if (!read?.ok) throw new Error('This task did not arrive whole from the workspace; it cannot be decided here.');
  const connection: ConnectionRow = ctx.connection;
  const allowed = mayDecide(read.shared, gate, { user: connection.user, name: connection.name, roles: directory.get(connection.user)?.roles ?? connection.roles, fingerprint: ownFingerprint }, directory);
  if (!allowed.ok) throw new Error(allowed.reason);
  const doc = await queueDecision(ctx, gate, decision, comment);
  await ctx.teamDb.teamDocs.put({ docId: doc._id, owner: gate.owner, taskId: gate.taskId, kind: 'decision', doc });
}

/** The toolbar badge's team part: colleagues' gates waiting that this person may decide. */
export async function countDecidableGates(teamDb: TeamDatabase, ownFingerprint: string): Promise<number> {
  return (await listDecidableGates(teamDb, ownFingerprint)).length;
}

/** The same for this browser, read only (inside a live query): its key is made at start, not here. */
export async function decidableGatesHere(teamDb: TeamDatabase, db: ConvOpsDatabase): Promise<number> {
  const key = await db.signingKeys.get(OWN_KEY_ID);
  return key ? countDecidableGates(teamDb, key.fingerprint) : 0;
}

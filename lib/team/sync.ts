import { SYSTEM_ACTOR } from '@/lib/workflow/actors';
import { isArrival } from '@/lib/workflow/engine';
import PouchDB, { type PouchDatabase, type PouchDoc } from 'pouchdb-browser';
import type { ConvOpsDatabase } from '@/lib/db/database';
import { listEvents } from '@/lib/db/events-repo';
import { verifyChain } from '@/lib/db/hash-chain';
import { listNotes } from '@/lib/db/notes-repo';
import { ownSigningKey } from '@/lib/db/signing';
import { getTask, pinnedWorkflow, runAction } from '@/lib/db/tasks-repo';
import { getSettings, setPublishedTeamStandards } from '@/lib/db/settings-repo';
import { addTeamWorkflowVersion, getWorkflow } from '@/lib/db/workflows-repo';
import { validateWorkflow } from '@/lib/workflow/validate';
import type { Task } from '@/lib/workflow/records';
import {
  checkSignedBy,
  decisionDocSchema,
  memberDocSchema,
  signDoc,
  standardsVersionDocSchema,
  taskEventDocSchema,
  taskHeadDocSchema,
  taskNoteDocSchema,
  teamDocId,
  workflowVersionDocSchema,
  type DecisionDoc,
} from './documents';
import type { TeamFetch } from './session';
import { directoryOf, type ConnectionRow, type OutboxRow, type TeamDatabase } from './team-db';

/**
 * The team workspace's sync: Dexie first, the server when it answers. PouchDB speaks CouchDB's
 * protocol (changes feed, bulk writes, revisions); this module maps the records to documents and back
 * and checks everything that comes in as an import is checked, quarantining what does not add up.
 *
 * - **Push**: the outbox (written in the same breath as the change it carries) goes out in one bulk
 *   write; a row leaves the outbox only when the server took it, or when the same content is already
 *   there. A refusal stays in the outbox with the server's reason.
 * - **Pull**: the changes feed from the last position applied; the position moves only after a batch
 *   was applied, so a service worker stopped mid-pull starts that batch again, and applying is
 *   idempotent (a decision already recorded changes nothing).
 */

export interface TeamContext {
  teamDb: TeamDatabase;
  /** This browser's records (its signing key lives there too). */
  db: ConvOpsDatabase;
  remote: PouchDatabase;
  connection: ConnectionRow;
}

export function remoteDatabase(url: string, fetcher: TeamFetch): PouchDatabase {
  return new PouchDB(url, { adapter: 'http', skip_setup: true, fetch: (input, init) => fetcher(input, init) });
}

function now(): string {
  return new Date().toISOString();
}

async function queue(ctx: TeamContext, doc: Record<string, unknown> & { _id: string }, immutable: boolean): Promise<void> {
  await ctx.teamDb.outbox.put({ docId: doc._id, doc, immutable, queuedAt: now() });
}

/** Held back with its reason, never merged: the outcome of a document that does not add up. */
async function quarantine(ctx: TeamContext, doc: { _id: string; _rev?: string; kind?: unknown }, reason: string): Promise<'quarantined'> {
  await ctx.teamDb.quarantine.put({ docId: doc._id, rev: doc._rev ?? '', kind: String(doc.kind ?? 'unknown'), reason, at: now() });
  return 'quarantined';
}

// ---------------------------------------------------------------- what this person writes

/** This person's entry in the member directory: their name, their public key, their roles. */
export async function queueDirectoryEntry(ctx: TeamContext): Promise<void> {
  const key = await ownSigningKey(ctx.db);
  const { user, name, roles } = ctx.connection;
  const existing = await ctx.teamDb.directory.get(user);
  // The entry the workspace holds first: another browser of this person (a new profile, a new machine)
  // may have listed its key there, and keys are only ever added — this browser's goes after them, or
  // the server refuses the entry and colleagues never learn this key.
  const onServer = memberDocSchema.safeParse(await getDoc(ctx, teamDocId.member(user)));
  const withOwn = [...(onServer.success && onServer.data.user === user ? onServer.data.keys : [])];
  for (const candidate of [...(existing?.keys ?? []), { fingerprint: key.fingerprint, publicKey: key.publicKey }]) {
    if (!withOwn.some((k) => k.fingerprint === candidate.fingerprint)) withOwn.push(candidate);
  }
  const teamRoles = roles.filter((role) => role === 'lead' || role === 'member' || role === 'approver').sort();
  const doc = { _id: teamDocId.member(user), kind: 'member', user, name, roles: teamRoles, keys: withOwn };
  await ctx.teamDb.directory.put(memberDocSchema.parse(doc));
  await queue(ctx, doc, false);
}

/**
 * Shares a task (or sends what changed since it was last shared): its head, every event not sent
 * yet, its notes. Only the owner writes a task's documents, so its chain has one writer.
 */
export async function queueTaskShare(ctx: TeamContext, taskId: string): Promise<void> {
  const task = await getTask(taskId);
  if (!task) return;
  const owner = ctx.connection.user;
  const shared = await ctx.teamDb.sharedTasks.get(taskId);
  if (shared && shared.lastRev === task.rev) return;
  const events = await listEvents(taskId);
  const fresh = events.filter((event) => event.seq > (shared?.lastSeq ?? 0));
  const notes = await listNotes(taskId, { includeDeleted: true });
  const workflow = await ctx.db.transaction('r', ctx.db.workflows, () => pinnedWorkflow(ctx.db, task));
  for (const event of fresh) {
    await queue(ctx, { _id: teamDocId.taskEvent(owner, taskId, event.seq), kind: 'task-event', owner, taskId, event }, true);
  }
  for (const note of notes) {
    await queue(ctx, { _id: teamDocId.taskNote(owner, taskId, note.id), kind: 'task-note', owner, taskId, note }, false);
  }
  await queue(ctx, { _id: teamDocId.taskHead(owner, taskId), kind: 'task-head', owner, taskId, task, workflow }, false);
  await ctx.teamDb.sharedTasks.put({ taskId, sharedAt: shared?.sharedAt ?? now(), lastSeq: events.at(-1)?.seq ?? 0, lastRev: task.rev });
}

/** Sends again what changed in every shared task (the background calls it after each change). */
export async function queueSharedTaskChanges(ctx: TeamContext): Promise<void> {
  for (const row of await ctx.teamDb.sharedTasks.toArray()) await queueTaskShare(ctx, row.taskId);
}

export interface WaitingGate {
  owner: string;
  taskId: string;
  title: string;
  stepId: string;
  gateRequestHash: string;
  requestedAt: string;
}

/** A colleague's shared task, put together from the documents kept here. */
async function sharedTaskOf(ctx: Pick<TeamContext, 'teamDb'>, owner: string, taskId: string) {
  const rows = await ctx.teamDb.teamDocs.where('[owner+taskId]').equals([owner, taskId]).toArray();
  const head = rows.find((row) => row.kind === 'task-head');
  const events = rows
    .filter((row) => row.kind === 'task-event')
    .map((row) => taskEventDocSchema.parse(row.doc).event)
    .sort((a, b) => a.seq - b.seq);
  return { head: head && taskHeadDocSchema.parse(head.doc), events };
}

/**
 * The gate a colleague's shared task waits at: its last gate request, with nothing after it that
 * decided or moved the step (the AI's replies and notes while the gate waits are kept, and change nothing).
 */
export async function waitingGate(ctx: Pick<TeamContext, 'teamDb'>, owner: string, taskId: string): Promise<WaitingGate | null> {
  const { head, events } = await sharedTaskOf(ctx, owner, taskId);
  const request = events.findLast((event) => event.type === 'gate.requested');
  const task = head?.task as Task | undefined;
  if (!task || !request || task.status !== 'awaiting-approval' || !request.stepId) return null;
  const settled = events.some((event) => event.seq > request.seq && (event.type === 'gate.approved' || event.type === 'gate.rejected' || isArrival(event)));
  if (settled) return null;
  return { owner, taskId, title: task.title, stepId: request.stepId, gateRequestHash: request.hash, requestedAt: request.at };
}

/** Colleagues' shared tasks waiting at a gate (an approver's list). */
export async function listWaitingGates(ctx: Pick<TeamContext, 'teamDb' | 'connection'>): Promise<WaitingGate[]> {
  const heads = await ctx.teamDb.teamDocs.where('kind').equals('task-head').toArray();
  const gates = await Promise.all(heads.map((row) => waitingGate(ctx, row.owner, row.taskId)));
  return gates.filter((gate): gate is WaitingGate => gate !== null && gate.owner !== ctx.connection.user);
}

/** An approver's decision on a colleague's waiting gate, signed in this browser and queued. */
export async function queueDecision(
  ctx: TeamContext,
  gate: Pick<WaitingGate, 'owner' | 'taskId' | 'stepId' | 'gateRequestHash'>,
  decision: 'approve' | 'reject',
  comment: string,
): Promise<DecisionDoc> {
  if (!ctx.connection.roles.includes('approver')) throw new Error('Only an approver of the team can decide a colleague\'s gate.');
  if (decision === 'reject' && !comment.trim()) throw new Error('Say what needs to change: a rejection needs a comment.');
  const key = await ownSigningKey(ctx.db);
  const doc = await signDoc(
    {
      _id: teamDocId.decision(gate.gateRequestHash),
      kind: 'decision' as const,
      gateRequestHash: gate.gateRequestHash,
      taskOwner: gate.owner,
      taskId: gate.taskId,
      stepId: gate.stepId,
      decision,
      comment: comment.trim(),
      decidedBy: ctx.connection.user,
      decidedAt: now(),
    },
    key,
  );
  await queue(ctx, doc, true);
  return decisionDocSchema.parse(doc);
}

/** A lead publishes a workflow version to the team, signed with their key; it never changes after. */
export async function queueWorkflowPublish(ctx: TeamContext, workflowId: string, version?: number): Promise<void> {
  if (!ctx.connection.roles.includes('lead')) throw new Error('Only a team lead can publish a workflow to the team.');
  const workflow = await getWorkflow(workflowId, version);
  if (!workflow) throw new Error(`There is no workflow "${workflowId}" here.`);
  const key = await ownSigningKey(ctx.db);
  const doc = await signDoc(
    {
      _id: teamDocId.workflowVersion(workflow.id, workflow.version),
      kind: 'workflow-version',
      workflowId: workflow.id,
      version: workflow.version,
      publishedBy: ctx.connection.user,
      publishedAt: now(),
      workflow,
    },
    key,
  );
  await queue(ctx, doc, true);
}

/**
 * A lead publishes this browser's Settings → Standards to the team as its next version (after the
 * newest one known here, or waiting to be sent), signed with their key; a version never changes after.
 * Returns the version queued.
 */
export async function queueStandardsPublish(ctx: TeamContext): Promise<number> {
  if (!ctx.connection.roles.includes('lead')) throw new Error('Only a team lead can publish the team\'s standards.');
  const settings = await getSettings();
  const lines = settings.teamStandards;
  if (lines.length === 0) throw new Error('Write at least one standard in Settings → Standards first.');
  const kept = settings.publishedTeamStandards?.workspace === ctx.connection.url ? settings.publishedTeamStandards : undefined;
  if (kept && JSON.stringify(kept.lines) === JSON.stringify(lines)) {
    throw new Error(`The team already has these standards (version ${kept.version}); change them in Settings → Standards first.`);
  }
  const waiting = await ctx.teamDb.outbox.filter((row) => row.doc['kind'] === 'standards-version' && !row.refused).toArray();
  const version = Math.max(kept?.version ?? 0, ...waiting.map((row) => Number(row.doc['version']) || 0)) + 1;
  const key = await ownSigningKey(ctx.db);
  const doc = await signDoc(
    {
      _id: teamDocId.standardsVersion(version),
      kind: 'standards-version',
      version,
      lines: [...lines],
      publishedBy: ctx.connection.user,
      publishedAt: now(),
    },
    key,
  );
  await queue(ctx, doc, true);
  return version;
}

// ---------------------------------------------------------------- push

export interface PushResult {
  sent: number;
  refused: number;
}

function sameContent(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const strip = (doc: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('_')).sort(([x], [y]) => x.localeCompare(y))));
  return strip(a) === strip(b);
}

/**
 * Sends the outbox. Written-once documents (events, decisions, workflow versions) go first; then the
 * ones this person updates (task heads, notes, the directory entry), except those of a task whose
 * history the workspace refused: two devices of one person that both hold a task (a restored
 * backup) and both moved it on. The conflict rule, for such two devices:
 * - an event is written once: the first device's stands; the other's different event at the same
 *   place is refused and kept in its outbox with a sentence (the device's own record is untouched);
 * - everything else of that task from the refused device (its later events, head, notes) is held
 *   too, kept and not sent, so the workspace never holds a head, note or event its chain does not;
 * - the directory entry takes every device's key (the server's keys first, then this device's);
 * - an update that raced another write (409) is sent again on the next round, on the newest revision.
 */
export async function push(ctx: TeamContext): Promise<PushResult> {
  const rows = (await ctx.teamDb.outbox.orderBy('queuedAt').toArray()).filter((row) => !row.refused);
  const result: PushResult = { sent: 0, refused: 0 };
  if (rows.length === 0) return result;
  const { forked, there } = await checkEvents(ctx, rows, result);
  const held = rows.filter((row) => !row.refused && !there.has(row) && forked.has(taskKeyOf(row.doc) ?? ''));
  for (const row of held) {
    result.refused += 1;
    await ctx.teamDb.outbox.update(row.docId, { refused: 'Not sent: another device of yours shared a different history of this task first; this copy is kept here.' });
  }
  const rest = rows.filter((row) => !row.refused && !there.has(row) && !held.includes(row));
  await send(ctx, rest.filter((row) => row.immutable), result);
  await send(ctx, rest.filter((row) => !row.immutable), result);
  return result;
}

const FORK = 'Not sent: another device of yours shared a different history of this task first (this event differs from the workspace\'s); this copy is kept here.';

/**
 * The events to send, checked against the server first: one it already holds as here is done (a
 * resend after a lost answer); one it holds with other content marks its task as forked (refused
 * here, in the row and in the outbox), as does an event refused before.
 */
async function checkEvents(ctx: TeamContext, rows: OutboxRow[], result: PushResult): Promise<{ forked: Set<string>; there: Set<OutboxRow> }> {
  const earlier = await ctx.teamDb.outbox.filter((row) => Boolean(row.refused) && row.doc['kind'] === 'task-event').toArray();
  const forked = new Set(earlier.map((row) => taskKeyOf(row.doc) ?? ''));
  const there = new Set<OutboxRow>();
  const events = rows.filter((row) => row.doc['kind'] === 'task-event');
  if (events.length === 0) return { forked, there };
  const found = await ctx.remote.allDocs({ keys: events.map((row) => row.docId), include_docs: true });
  for (const [index, entry] of found.rows.entries()) {
    const row = events[index]!;
    if (!entry.doc) continue;
    if (sameContent(entry.doc, row.doc)) {
      there.add(row);
      result.sent += 1;
      await ctx.teamDb.outbox.where('docId').equals(row.docId).and((r) => r.queuedAt === row.queuedAt).delete();
      continue;
    }
    row.refused = FORK;
    result.refused += 1;
    await ctx.teamDb.outbox.update(row.docId, { refused: FORK });
    forked.add(taskKeyOf(row.doc) ?? '');
  }
  return { forked, there };
}

/** `owner/taskId` of a shared task's document, else null. */
function taskKeyOf(doc: Record<string, unknown>): string | null {
  const kind = doc['kind'];
  if (kind !== 'task-head' && kind !== 'task-event' && kind !== 'task-note') return null;
  return `${String(doc['owner'])}/${String(doc['taskId'])}`;
}

/** This device's directory entry over the server's: every key already there kept, in its place, and this device's added. */
function mergedMemberDoc(doc: Record<string, unknown>, current: Record<string, unknown> | null): Record<string, unknown> {
  const theirs = Array.isArray(current?.['keys']) ? (current['keys'] as Array<{ fingerprint?: unknown }>) : [];
  const ours = Array.isArray(doc['keys']) ? (doc['keys'] as Array<{ fingerprint?: unknown }>) : [];
  const known = new Set(theirs.map((key) => key.fingerprint));
  return { ...doc, keys: [...theirs, ...ours.filter((key) => !known.has(key.fingerprint))] };
}

async function send(ctx: TeamContext, rows: OutboxRow[], result: PushResult): Promise<void> {
  if (rows.length === 0) return;
  // Documents this person updates (head, notes, directory entry) go out on the server's current revision.
  const revs = await ctx.remote.allDocs({ keys: rows.map((row) => row.docId) });
  const revOf = new Map(revs.rows.flatMap((row) => (row.value && !row.value.deleted ? [[row.key, row.value.rev] as const] : [])));
  const docs: PouchDoc[] = [];
  for (const row of rows) {
    const rev = revOf.get(row.docId);
    const { _rev: _ignored, ...doc } = row.doc;
    if (!rev || row.immutable) {
      docs.push(doc as PouchDoc);
      continue;
    }
    const body = doc['kind'] === 'member' ? mergedMemberDoc(doc, await getDoc(ctx, row.docId)) : doc;
    docs.push({ ...body, _rev: rev } as PouchDoc);
  }
  const results = await ctx.remote.bulkDocs(docs);
  for (const [index, outcome] of results.entries()) {
    const row = rows[index]!;
    if (outcome.ok || !outcome.error) {
      result.sent += 1;
      await ctx.teamDb.outbox.where('docId').equals(row.docId).and((r) => r.queuedAt === row.queuedAt).delete();
      continue;
    }
    if (outcome.status === 409 || outcome.error === 'conflict') {
      // Written once: the same content already there (a resend after a lost answer) is done; other
      // content (another approver answered this gate first; another device of this person wrote
      // this event of the task first) is not overwritten.
      if (row.immutable) {
        const current = await getDoc(ctx, row.docId);
        if (current && sameContent(current, row.doc)) {
          result.sent += 1;
          await ctx.teamDb.outbox.delete(row.docId);
          continue;
        }
        result.refused += 1;
        const why = row.doc['kind'] === 'task-event' ? FORK : 'The workspace already holds another version of this document (for a decision: someone decided first).';
        await ctx.teamDb.outbox.update(row.docId, { refused: why });
        continue;
      }
      continue; // an update raced another device of this person: sent again on the next round
    }
    result.refused += 1;
    await ctx.teamDb.outbox.update(row.docId, { refused: outcome.reason ?? outcome.message ?? 'The workspace refused it.' });
  }
}

async function getDoc(ctx: TeamContext, id: string): Promise<Record<string, unknown> | null> {
  return ctx.remote.get(id).catch(() => null);
}

// ---------------------------------------------------------------- pull

export interface PullResult {
  applied: number;
  quarantined: number;
  decisions: number;
}

const BATCH = 200;

export async function pull(ctx: TeamContext): Promise<PullResult> {
  const result: PullResult = { applied: 0, quarantined: 0, decisions: 0 };
  for (;;) {
    const since = (await ctx.teamDb.connection.get('self'))?.lastSeq ?? 0;
    const batch = await ctx.remote.changes({ since, include_docs: true, limit: BATCH, batch_size: BATCH });
    // Directory entries first: a signer's entry sent again (a new session, a new key) sits later in the
    // feed than what they signed before, and a signature is checked against the directory.
    const memberFirst = [...batch.results].sort((a, b) => Number(b.doc?.['kind'] === 'member') - Number(a.doc?.['kind'] === 'member'));
    for (const change of memberFirst) {
      if (!change.doc || change.deleted || change.id.startsWith('_design/')) continue;
      const outcome = await applyDoc(ctx, change.doc);
      if (outcome === 'quarantined') result.quarantined += 1;
      else if (outcome === 'decision') result.decisions += 1;
      if (outcome !== 'skipped') result.applied += 1;
    }
    await ctx.teamDb.connection.update('self', { lastSeq: batch.last_seq });
    if (batch.results.length < BATCH) return result;
  }
}

function proofOf(data: Record<string, unknown>): { document?: string; signature?: { value?: string } } | undefined {
  const authority = data['authority'];
  return typeof authority === 'object' && authority !== null ? (authority as { proof?: { document?: string; signature?: { value?: string } } }).proof : undefined;
}

type ApplyOutcome = 'applied' | 'decision' | 'quarantined' | 'skipped';

async function applyDoc(ctx: TeamContext, raw: PouchDoc): Promise<ApplyOutcome> {
  switch (raw['kind']) {
    case 'member':
      return applyMember(ctx, raw);
    case 'decision':
      return applyDecision(ctx, raw);
    case 'workflow-version':
      return applyWorkflowVersion(ctx, raw);
    case 'standards-version':
      return applyStandardsVersion(ctx, raw);
    case 'task-head':
    case 'task-event':
    case 'task-note':
      return applyTaskDoc(ctx, raw);
    default:
      return 'skipped';
  }
}

async function applyMember(ctx: TeamContext, raw: PouchDoc): Promise<ApplyOutcome> {
  const parsed = memberDocSchema.safeParse(raw);
  if (!parsed.success || parsed.data._id !== teamDocId.member(parsed.data.user)) {
    return quarantine(ctx, raw, 'A member directory entry that is not well-formed.');
  }
  const member = parsed.data;
  const known = await ctx.teamDb.directory.get(member.user);
  // Keys are only ever added: an entry that drops or swaps a key seen before would let new
  // signatures pass as old ones (the server refuses it too; an admin could still write it). The
  // order may differ from what this browser first wrote: another device of the person added its key first.
  if (known && known.keys.some((key) => !member.keys.some((k) => k.fingerprint === key.fingerprint && k.publicKey === key.publicKey))) {
    return quarantine(ctx, raw, `${member.name}'s directory entry replaces a key seen before; the earlier entry is kept.`);
  }
  await ctx.teamDb.directory.put(member);
  return 'applied';
}

/** A published workflow version: signed by a lead of the directory, valid, and the version its id names. */
async function applyWorkflowVersion(ctx: TeamContext, raw: PouchDoc): Promise<ApplyOutcome> {
  const parsed = workflowVersionDocSchema.safeParse(raw);
  if (!parsed.success || parsed.data._id !== teamDocId.workflowVersion(parsed.data.workflowId, parsed.data.version)) {
    return quarantine(ctx, raw, 'A published workflow that is not well-formed.');
  }
  const doc = parsed.data;
  const label = `The team's workflow "${doc.workflowId}" version ${doc.version}`;
  const signed = await checkSignedBy(doc, doc.publishedBy, await directoryOf(ctx.teamDb), 'lead');
  if (!signed.ok) {
    return quarantine(ctx, raw, `${label} was not added: ${signed.reason}`);
  }
  const valid = validateWorkflow(doc.workflow);
  if (!valid.ok || valid.workflow.id !== doc.workflowId || valid.workflow.version !== doc.version) {
    return quarantine(ctx, raw, `${label} was not added: it is not a valid workflow of that id and version.`);
  }
  const outcome = await addTeamWorkflowVersion(valid.workflow, { kind: 'human', name: signed.member.name });
  if (outcome === 'conflict') {
    return quarantine(ctx, raw, `${label} was not added: this browser has another workflow under the same id and version.`);
  }
  return outcome === 'added' ? 'applied' : 'skipped';
}

/**
 * A published standards version: signed by a lead of the directory over exactly this content, the
 * version its id names. The newest that checks out is what this person's new tasks record.
 */
async function applyStandardsVersion(ctx: TeamContext, raw: PouchDoc): Promise<ApplyOutcome> {
  const parsed = standardsVersionDocSchema.safeParse(raw);
  if (!parsed.success || parsed.data._id !== teamDocId.standardsVersion(parsed.data.version)) {
    return quarantine(ctx, raw, 'A published version of the team\'s standards that is not well-formed.');
  }
  const doc = parsed.data;
  const label = `The team's standards version ${doc.version}`;
  const signed = await checkSignedBy(doc, doc.publishedBy, await directoryOf(ctx.teamDb), 'lead');
  if (!signed.ok) {
    return quarantine(ctx, raw, `${label} were not used: ${signed.reason}`);
  }
  const outcome = await setPublishedTeamStandards(
    {
      workspace: ctx.connection.url,
      version: doc.version,
      lines: [...doc.lines],
      publishedBy: { user: doc.publishedBy, name: signed.member.name, at: doc.publishedAt, hash: signed.hash },
    },
    SYSTEM_ACTOR,
  );
  if (outcome === 'conflict') {
    return quarantine(ctx, raw, `${label} were not used: this browser already has another version ${doc.version} of them.`);
  }
  return outcome === 'added' ? 'applied' : 'skipped';
}

async function applyTaskDoc(ctx: TeamContext, raw: PouchDoc): Promise<ApplyOutcome> {
  const schema = raw['kind'] === 'task-head' ? taskHeadDocSchema : raw['kind'] === 'task-event' ? taskEventDocSchema : taskNoteDocSchema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return quarantine(ctx, raw, 'A shared task document that is not well-formed.');
  }
  const doc = parsed.data;
  if (doc.owner === ctx.connection.user) return 'skipped'; // this person's own, as sent
  if (doc.kind === 'task-event') {
    const { events } = await sharedTaskOf(ctx, doc.owner, doc.taskId);
    const event = taskEventDocSchema.parse(doc).event;
    const chain = [...events.filter((e) => e.seq !== event.seq), event].sort((a, b) => a.seq - b.seq);
    // The chain so far must hold up to this event (a gap after it is filled by later documents).
    const verdict = await verifyChain(chain.filter((e) => e.seq <= event.seq));
    if (!verdict.ok && verdict.brokenAtSeq === event.seq) {
      return quarantine(ctx, raw, `Event ${event.seq} of ${doc.owner}'s task does not fit its chain: ${verdict.reason}.`);
    }
  }
  await ctx.teamDb.teamDocs.put({ docId: doc._id, owner: doc.owner, taskId: doc.taskId, kind: doc.kind, doc });
  return 'applied';
}

/**
 * A colleague's decision on one of this person's gates: checked (signature, the signer's key and
 * approver role in the directory, the gate request it answers) and recorded through the engine as
 * that person's decision, once.
 */
async function applyDecision(ctx: TeamContext, raw: PouchDoc): Promise<ApplyOutcome> {
  const parsed = decisionDocSchema.safeParse(raw);
  if (!parsed.success || parsed.data._id !== teamDocId.decision(parsed.data.gateRequestHash)) {
    return quarantine(ctx, raw, 'A decision that is not well-formed.');
  }
  const decision = parsed.data;
  if (decision.taskOwner !== ctx.connection.user) return 'skipped'; // a colleague's gate
  const task = await getTask(decision.taskId);
  if (!task) {
    return quarantine(ctx, raw, `A decision on a task that is not here ("${decision.taskId}").`);
  }
  const events = await listEvents(task.id);
  const recorded = events.find((event) => proofOf(event.data)?.document === decision._id);
  if (recorded) {
    // The same decision again (a copy, the feed read again): it counts once.
    if (proofOf(recorded.data)?.signature?.value === decision.signature.value) return 'skipped';
    return quarantine(ctx, raw, `Another answer to a gate request of "${task.title}" that was already decided; the first decision stands.`);
  }
  const signed = await checkSignedBy(decision, decision.decidedBy, await directoryOf(ctx.teamDb), 'approver');
  if (!signed.ok) {
    return quarantine(ctx, raw, `A decision on "${task.title}" was not recorded: ${signed.reason}`);
  }
  const requested = events.filter((event) => event.type === 'gate.requested');
  const answered = requested.find((event) => event.hash === decision.gateRequestHash);
  const pending = task.pendingGate && requested.at(-1);
  if (!answered) {
    return quarantine(ctx, raw, `A decision by ${signed.member.name} answers no gate request of "${task.title}".`);
  }
  if (!pending || pending.hash !== answered.hash || answered.stepId !== decision.stepId) {
    return quarantine(ctx, raw, `A decision by ${signed.member.name} answers an earlier gate request of "${task.title}", not the one waiting now.`);
  }
  const own = await ownSigningKey(ctx.db);
  const action =
    decision.decision === 'approve'
      ? { type: 'approve' as const, stepId: decision.stepId, ...(decision.comment ? { comment: decision.comment } : {}) }
      : { type: 'reject' as const, stepId: decision.stepId, comment: decision.comment };
  try {
    await runAction(task.id, task.rev, action, { kind: 'human', name: signed.member.name }, {
      decider: decision.signature.key,
      roles: signed.member.roles,
      operator: own.fingerprint,
      proof: { document: decision._id, hash: signed.hash, signature: decision.signature },
    });
  } catch (error) {
    return quarantine(ctx, raw, `A decision by ${signed.member.name} on "${task.title}" was not recorded: ${error instanceof Error ? error.message : String(error)}`);
  }
  return 'decision';
}

/** One round: send what is waiting, then take in what is new. */
export async function syncOnce(ctx: TeamContext): Promise<{ push: PushResult; pull: PullResult }> {
  await queueSharedTaskChanges(ctx);
  const pushed = await push(ctx);
  const pulled = await pull(ctx);
  if (pulled.decisions > 0) {
    // A colleague's decision recorded just now moved a shared task: its new events go out in this
    // round, not with this person's next change (the background then waits for a change it already saw).
    await queueSharedTaskChanges(ctx);
    const again = await push(ctx);
    return { push: { sent: pushed.sent + again.sent, refused: pushed.refused + again.refused }, pull: pulled };
  }
  return { push: pushed, pull: pulled };
}


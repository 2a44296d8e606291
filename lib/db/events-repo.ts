import Dexie from 'dexie';
import { isArrival } from '@/lib/workflow/engine';
import { auditEventSchema, eventDraftSchema, type AuditEvent, type EventDraft, type Task } from '@/lib/workflow/records';
import { getDb, type ConvOpsDatabase } from './database';
import { RecordNotFoundError } from './errors';
import { computeEventHashNow, GENESIS_HASH, verifyChain, type ChainVerdict } from './hash-chain';
import { fromTaskRow, type SigningKeyRow } from './records';
import { ownSigningKey, signHash } from './signing';

/**
 * The audit trail. Events are appended only through `appendEvents`, which every repository calls
 * inside the same transaction as the change the events describe.
 *
 * Chains that do not belong to a task use pseudo task ids, so they are hash-chained too.
 */

export const SETTINGS_CHAIN = 'settings';
export function workflowChain(workflowId: string): string {
  return `workflow:${workflowId}`;
}

/** The local chain that records every merge of a task from a file (kept apart so the task's own chain stays the file's). */
export function importChain(taskId: string): string {
  return `import:${taskId}`;
}

/** Whether a chain id names a real task (not the settings, a workflow's or an import record's chain). */
export function isTaskChain(taskId: string): boolean {
  return taskId !== SETTINGS_CHAIN && !taskId.startsWith('workflow:') && !taskId.startsWith('import:');
}

function chainRange(taskId: string): [[string, number], [string, number]] {
  return [
    [taskId, 0],
    [taskId, Infinity],
  ];
}

/**
 * Appends drafts to a chain with the next seq numbers and chained hashes. Must run inside a `rw`
 * transaction that includes `events`: reading the last event and adding the next ones then cannot
 * interleave with another writer of the same chain.
 */
export async function appendEvents(
  db: ConvOpsDatabase,
  taskId: string,
  drafts: readonly EventDraft[],
): Promise<AuditEvent[]> {
  if (!Dexie.currentTransaction) throw new Error('appendEvents must run inside a database transaction.');
  if (drafts.length === 0) return [];
  const [lower, upper] = chainRange(taskId);
  const last = await db.events.where('[taskId+seq]').between(lower, upper, true, true).last();
  const events = await chainEvents(db, taskId, last, drafts);
  await db.events.bulkAdd(events);
  return events;
}

/**
 * The events `drafts` become after `last` (the chain's head, or none): next seq numbers, chained
 * hashes, a person's signed. Writes nothing; inside a transaction it keeps it open while a person's
 * event is signed (waitFor).
 * Outside one (a restore preparing many chains' records at once), the caller must add them only if
 * the chain's head is still `last`.
 */
export async function chainEvents(db: ConvOpsDatabase, taskId: string, last: Pick<AuditEvent, 'seq' | 'hash'> | undefined, drafts: readonly EventDraft[]): Promise<AuditEvent[]> {
  const wait = <T,>(promise: Promise<T>): Promise<T> => (Dexie.currentTransaction ? Dexie.waitFor(promise) : promise);
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const events: AuditEvent[] = [];
  const key = drafts.some((draft) => draft.actor.kind === 'human') ? await signingKeyOrNone(db) : undefined;
  for (const draft of drafts) {
    const parsed = eventDraftSchema.parse(draft);
    seq += 1;
    const unsigned: Omit<AuditEvent, 'hash'> = { ...parsed, taskId, seq, prevHash };
    // Hashed without a promise: one awaited inside the transaction would need waitFor, a round trip
    // to IndexedDB each (lib/db/hash-chain.ts).
    const hash = computeEventHashNow(unsigned);
    // A person's event is signed here, inside the same transaction (WebCrypto resolves outside
    // IndexedDB; waitFor keeps the transaction open meanwhile): the mutation, its event and the
    // signature commit together in one write. Signing in a second write after the transaction would
    // leave a window in which a crash keeps a decision unsigned.
    const signature = key && parsed.actor.kind === 'human' ? await wait(signHash(key, hash)) : undefined;
    const event = auditEventSchema.parse({ ...unsigned, hash, ...(signature ? { signature } : {}) });
    events.push(event);
    prevHash = hash;
  }
  return events;
}

/**
 * The browser's signing key, made on first use in its own small transaction (outside the caller's,
 * which `ownSigningKey` steps out of; `waitFor` keeps the caller's open meanwhile). Where WebCrypto or
 * key storage is unavailable the event is still recorded, unsigned, and verify says so: losing a
 * person's decision would be worse than recording it without a signature.
 */
async function signingKeyOrNone(db: ConvOpsDatabase): Promise<SigningKeyRow | undefined> {
  try {
    return await Dexie.waitFor(ownSigningKey(db));
  } catch {
    return undefined;
  }
}

export async function listEvents(taskId: string): Promise<AuditEvent[]> {
  const db = getDb();
  const [lower, upper] = chainRange(taskId);
  return db.events.where('[taskId+seq]').between(lower, upper, true, true).toArray();
}

/**
 * When the task's current step became current (engine `currentStepSince`), read from the tail of
 * its chain backwards: a captured reply needs this one time, not the task's every event.
 */
export async function currentStepSinceOf(taskId: string): Promise<string | null> {
  const last = await getDb().events.where('[taskId+seq]').between([taskId, Dexie.minKey], [taskId, Dexie.maxKey]).reverse().filter(isArrival).first();
  return last?.at ?? null;
}

/**
 * The events since the task's current step became current, its arrival first, read from the tail of
 * the chain backwards: what the conductor and the panel's moment need, not the task's every event.
 */
export async function currentStepEventsOf(taskId: string): Promise<AuditEvent[]> {
  const tail: AuditEvent[] = [];
  await getDb()
    .events.where('[taskId+seq]')
    .between([taskId, Dexie.minKey], [taskId, Dexie.maxKey])
    .reverse()
    .until((event) => isArrival(event), true)
    .each((event) => void tail.push(event));
  return tail.reverse();
}

/**
 * The task and its current step's events (as `currentStepEventsOf`) read in one read transaction,
 * so both come from the same moment. Read apart, an advance committed between the two reads pairs
 * the old task (its old current step) with the new step's arrival: the conductor then took the new
 * advance as owed and sent the old step's briefing again (seen in the stopped-worker e2e).
 */
export async function readTaskAtCurrentStep(taskId: string): Promise<{ task: Task; stepEvents: AuditEvent[] } | null> {
  const db = getDb();
  return db.transaction('r', db.tasks, db.events, async () => {
    const row = await db.tasks.get(taskId);
    if (!row) return null;
    return { task: fromTaskRow(row), stepEvents: await currentStepEventsOf(taskId) };
  });
}

/** Whether a briefing for this advance (its arrival's seq) is on the task's record: the conductor's own inserts carry it. */
export async function hasBriefingFor(taskId: string, advance: number): Promise<boolean> {
  const found = await getDb()
    .events.where('[taskId+seq]')
    .between([taskId, advance], [taskId, Dexie.maxKey], false)
    .filter((event) => event.type === 'briefing.inserted' && event.data['advance'] === advance)
    .first();
  return found !== undefined;
}

export async function verifyTaskChain(taskId: string): Promise<ChainVerdict> {
  return verifyChain(await listEvents(taskId));
}

/** Verifies every chain in the database (an audit action: it reads every event). */
export async function verifyAllChains(): Promise<Map<string, ChainVerdict>> {
  const db = getDb();
  const chains = new Map<string, AuditEvent[]>();
  await db.events.orderBy('[taskId+seq]').each((event) => {
    const chain = chains.get(event.taskId);
    if (chain) chain.push(event);
    else chains.set(event.taskId, [event]);
  });
  const verdicts = new Map<string, ChainVerdict>();
  for (const [taskId, events] of chains) verdicts.set(taskId, await verifyChain(events));
  return verdicts;
}

/**
 * Records what happened around a task that is not a state transition (`briefing.inserted`,
 * `message.sent`). Does not change the task, so it never conflicts with a concurrent transition.
 */
export async function recordTaskEvent(taskId: string, draft: EventDraft): Promise<AuditEvent> {
  const db = getDb();
  return db.transaction('rw', [db.tasks, db.events], async () => {
    if (!(await db.tasks.get(taskId))) throw new RecordNotFoundError('task', taskId);
    const [event] = await appendEvents(db, taskId, [draft]);
    return event!;
  });
}

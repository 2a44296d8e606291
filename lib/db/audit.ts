import type { AuditEvent, Note } from '@/lib/workflow/records';
import { getDb, type ConvOpsDatabase } from './database';
import { importChain, listEvents } from './events-repo';
import { sha256Hex, verifyChain, type ChainVerdict } from './hash-chain';
import { fromNoteRow } from './records';
import { shortKey, verifyHashSignature } from './signing';

/**
 * What "Verify audit chain" checks, beyond the hash chain itself: every live note against the hash its
 * latest event recorded, and every person's event against its signature and whose key made it. Pure
 * over the records given (`auditRecords`), so the import path checks a file the same way.
 */

/** Events that record a note body's hash (`data.hash`); the latest one per note is what the body must match. */
export const NOTE_BODY_EVENTS: ReadonlySet<string> = new Set(['note.added', 'note.edited', 'note.hashed']);

/**
 * Each note's latest body event on a chain, as the chain's events go by: its seq and the hash it
 * recorded (undefined when it recorded none). A restore keeps this, not the chain.
 */
export class NoteBodyEvents {
  readonly #byNote = new Map<string, { seq: number; hash: string | undefined }>();

  static of(events: Iterable<AuditEvent>): NoteBodyEvents {
    const latest = new NoteBodyEvents();
    for (const event of events) latest.add(event);
    return latest;
  }

  add(event: AuditEvent): void {
    const noteId = event.data['noteId'];
    if (typeof noteId !== 'string' || !NOTE_BODY_EVENTS.has(event.type)) return;
    const hash = event.data['hash'];
    this.#byNote.set(noteId, { seq: event.seq, hash: typeof hash === 'string' ? hash : undefined });
  }

  get(noteId: string): { seq: number; hash: string | undefined } | undefined {
    return this.#byNote.get(noteId);
  }
}

export type SignatureStatus = 'valid' | 'unknown-key' | 'unsigned' | 'invalid';

export interface SignatureCheck {
  seq: number;
  type: AuditEvent['type'];
  actorName: string;
  status: SignatureStatus;
  key?: string;
  /** "signed by Alice (key …ab12)", "unsigned", "signature invalid". */
  text: string;
}

export interface NoteCheck {
  noteId: string;
  stepId: string;
  ok: boolean;
  /** `changed`: the body is not what was recorded; `no-event`: nothing added it; `no-hash`: kept before notes were hashed. */
  problem: 'changed' | 'no-event' | 'no-hash';
  text: string;
}

export interface TaskAudit {
  chain: ChainVerdict;
  /** Only notes with a problem. */
  notes: NoteCheck[];
  /** One per event by a person, in chain order. */
  signatures: SignatureCheck[];
  /** The chain verifies and every note matches its record (signatures are reported, not required). */
  ok: boolean;
  /** The public keys behind the signatures, for reports to carry. */
  keys: { fingerprint: string; publicKey: string; name: string }[];
  /** Merges from files (the local import chain): whether the chain still holds each file's head. */
  imports: { at: string; by: string; seq: number; ok: boolean; text: string }[];
}

export interface KnownKey {
  publicKey: string;
  known: boolean;
  knownAs?: string;
}

export async function checkNotes(events: readonly AuditEvent[], notes: readonly Note[]): Promise<NoteCheck[]> {
  const latest = NoteBodyEvents.of(events);
  const problems: NoteCheck[] = [];
  for (const note of notes) {
    if (note.deleted) continue;
    const event = latest.get(note.id);
    const base = { noteId: note.id, stepId: note.stepId, ok: false };
    // Named as a person finds it on the page (who wrote it, when), not by its id; the id is on `noteId`.
    const which = `The note by ${note.createdBy.name} of ${note.createdAt.slice(0, 16).replace('T', ' ')} UTC`;
    if (!event) {
      problems.push({ ...base, problem: 'no-event', text: `${which} is not on the audit trail: no event added it.` });
      continue;
    }
    const recorded = event.hash;
    if (recorded === undefined) {
      problems.push({ ...base, problem: 'no-hash', text: `${which} has no recorded hash (event ${event.seq}), so its text cannot be checked.` });
      continue;
    }
    if ((await sha256Hex(note.body)) !== recorded) {
      problems.push({ ...base, problem: 'changed', text: `${which} was changed after it was recorded: its text does not match event ${event.seq}.` });
    }
  }
  return problems;
}

/**
 * Signature checks already made, by key, hash and signature: the dashboard re-checks its page on every
 * change to the events table, and an ECDSA verification is the expensive part. The answer for the
 * same three strings never changes, so it can be remembered (bounded, cleared when full).
 */
const verified = new Map<string, boolean>();
async function verifiedOnce(publicKey: string, hash: string, signature: string): Promise<boolean> {
  const cacheKey = `${publicKey}|${hash}|${signature}`;
  const known = verified.get(cacheKey);
  if (known !== undefined) return known;
  const valid = await verifyHashSignature(publicKey, hash, signature);
  if (verified.size > 50_000) verified.clear();
  verified.set(cacheKey, valid);
  return valid;
}

export async function checkSignatures(events: readonly AuditEvent[], keys: ReadonlyMap<string, KnownKey>): Promise<SignatureCheck[]> {
  const checks: SignatureCheck[] = [];
  for (const event of events) {
    if (event.actor.kind !== 'human') continue;
    const base = { seq: event.seq, type: event.type, actorName: event.actor.name };
    if (!event.signature) {
      checks.push({ ...base, status: 'unsigned', text: 'unsigned' });
      continue;
    }
    const fingerprint = event.signature.key;
    const key = keys.get(fingerprint);
    const valid = key ? await verifiedOnce(key.publicKey, event.hash, event.signature.value) : false;
    if (!key) checks.push({ ...base, key: fingerprint, status: 'invalid', text: `signature invalid: key ${shortKey(fingerprint)} is not known here` });
    else if (!valid) checks.push({ ...base, key: fingerprint, status: 'invalid', text: `signature invalid (key ${shortKey(fingerprint)})` });
    else if (key.known) checks.push({ ...base, key: fingerprint, status: 'valid', text: `signed by ${key.knownAs ?? event.actor.name} (key ${shortKey(fingerprint)})` });
    else checks.push({ ...base, key: fingerprint, status: 'unknown-key', text: `signed by ${event.actor.name} (key ${shortKey(fingerprint)}), a key not marked as known` });
  }
  return checks;
}

export async function auditRecords(events: readonly AuditEvent[], notes: readonly Note[], keys: ReadonlyMap<string, KnownKey>): Promise<TaskAudit> {
  const chain = await verifyChain(events);
  const noteProblems = await checkNotes(events, notes);
  const signatures = await checkSignatures(events, keys);
  const used = new Set(signatures.flatMap((check) => (check.key ? [check.key] : [])));
  const keyList = [...used].flatMap((fingerprint) => {
    const key = keys.get(fingerprint);
    return key ? [{ fingerprint, publicKey: key.publicKey, name: key.knownAs ?? '' }] : [];
  });
  return { chain, notes: noteProblems, signatures, ok: chain.ok && noteProblems.length === 0, keys: keyList, imports: [] };
}

/**
 * Each merge from a file recorded the file's chain head; a chain that no longer holds that event with
 * that hash lost events since (cut off its end, or replaced) — which the chain alone cannot show.
 */
export function checkImportHeads(events: readonly AuditEvent[], imports: readonly AuditEvent[]): TaskAudit['imports'] {
  const bySeq = new Map(events.map((event) => [event.seq, event.hash]));
  return imports.flatMap((record) => {
    const head = record.data['fileHead'] as { seq?: unknown; hash?: unknown } | null | undefined;
    if (record.type !== 'task.imported' || !head || typeof head.seq !== 'number' || typeof head.hash !== 'string') return [];
    const ok = bySeq.get(head.seq) === head.hash;
    const when = `merged from a file by ${record.actor.name} at ${record.at}`;
    return [{ at: record.at, by: record.actor.name, seq: head.seq, ok, text: ok ? `Still holds event ${head.seq} as ${when}.` : `No longer holds event ${head.seq} as ${when}: events were removed or replaced since.` }];
  });
}

export async function keyMap(db: ConvOpsDatabase): Promise<Map<string, KnownKey>> {
  const rows = await db.publicKeys.toArray();
  return new Map(rows.map((row) => [row.fingerprint, { publicKey: row.publicKey, known: row.known, ...(row.knownAs ? { knownAs: row.knownAs } : {}) }]));
}

/** Verify audit chain, for one task: chain, notes and signatures. */
export async function auditTask(taskId: string): Promise<TaskAudit> {
  const db = getDb();
  const events = await listEvents(taskId);
  const notes = (await db.notes.where('taskId').equals(taskId).toArray()).map(fromNoteRow);
  const audit = await auditRecords(events, notes, await keyMap(db));
  const importRecords = await listEvents(importChain(taskId));
  const imports = checkImportHeads(events, importRecords);
  const importsOk = imports.every((check) => check.ok) && (await verifyChain(importRecords)).ok;
  return { ...audit, imports, ok: audit.ok && importsOk };
}

/** Whether a task's decisions stand on signatures by known keys: what the dashboard flags. */
export type DecisionTrust = 'trusted' | 'unknown-key' | 'unsigned' | 'invalid';

/**
 * The dashboard flag for each task: the worst signature status among its people's events. Checks the
 * signatures for real (a re-hashed chain keeps its old, now invalid, signatures).
 */
export async function decisionTrust(taskIds: readonly string[]): Promise<Map<string, DecisionTrust>> {
  const db = getDb();
  const keys = await keyMap(db);
  const out = new Map<string, DecisionTrust>();
  const rank: Record<DecisionTrust, number> = { trusted: 0, 'unknown-key': 1, unsigned: 2, invalid: 3 };
  for (const taskId of taskIds) {
    const events = await db.events.where('[taskId+seq]').between([taskId, 0], [taskId, Infinity]).filter((event) => event.actor.kind === 'human').toArray();
    let worst: DecisionTrust = 'trusted';
    for (const check of await checkSignatures(events, keys)) {
      const status: DecisionTrust = check.status === 'valid' ? 'trusted' : check.status;
      if (rank[status] > rank[worst]) worst = status;
    }
    out.set(taskId, worst);
  }
  return out;
}

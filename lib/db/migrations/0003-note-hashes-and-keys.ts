import Dexie, { type Transaction } from 'dexie';
import { computeEventHash, GENESIS_HASH, sha256Hex } from '@/lib/db/hash-chain';
import { migration0002 } from './0002-capture-keys-and-heads';

/**
 * Schema v3:
 * - `signingKeys` (the browser's own ECDSA key pair) and `publicKeys` (its own and colleagues').
 * - Note hashes: from now on every note event carries the SHA-256 of the body it leaves, so verify can
 *   tell an edited note. Events already recorded cannot be changed (that would break their chain), so
 *   the upgrade appends one `note.hashed` event per live note whose latest event has no hash, recording
 *   the body as it is now.
 *
 * Self-contained on purpose, like 0002: it uses only 0002's stores (a migration, frozen like this
 * one) and the chain's hash function, which is part of the record format and never changes.
 */

interface V2Note {
  id: string;
  taskId: string;
  stepId: string;
  body: string;
  createdAt: string;
  deleted: boolean;
}
interface V2Event {
  taskId: string;
  seq: number;
  type: string;
  actor: { kind: string; name: string };
  at: string;
  stepId?: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

const BODY_EVENTS = new Set(['note.added', 'note.edited', 'note.hashed']);

export const migration0003 = {
  version: 3,
  // Version 2's stores, plus the signing keys: this browser's own, and the ones it was told to trust.
  stores: {
    ...migration0002.stores,
    signingKeys: 'id',
    publicKeys: 'fingerprint',
  },
  async upgrade(tx: Transaction): Promise<void> {
    const notes = ((await tx.table('notes').toArray()) as V2Note[]).filter((note) => !note.deleted);
    const byTask = new Map<string, V2Note[]>();
    for (const note of notes) byTask.set(note.taskId, [...(byTask.get(note.taskId) ?? []), note]);
    const at = new Date().toISOString();
    for (const [taskId, taskNotes] of byTask) {
      const events = (await tx.table('events').where('[taskId+seq]').between([taskId, 0], [taskId, Infinity]).toArray()) as V2Event[];
      const latest = new Map<string, V2Event>();
      for (const event of events) {
        const noteId = event.data?.['noteId'];
        if (typeof noteId === 'string' && BODY_EVENTS.has(event.type)) latest.set(noteId, event);
      }
      const missing = taskNotes
        .filter((note) => typeof latest.get(note.id)?.data?.['hash'] !== 'string')
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
      if (missing.length === 0) continue;
      // crypto.subtle resolves outside IndexedDB; waitFor keeps the upgrade transaction open meanwhile.
      const added = await Dexie.waitFor(
        (async () => {
          const out: V2Event[] = [];
          let seq = events.at(-1)?.seq ?? 0;
          let prevHash = events.at(-1)?.hash ?? GENESIS_HASH;
          for (const note of missing) {
            seq += 1;
            const draft = {
              type: 'note.hashed',
              actor: { kind: 'system', name: 'ConvOps' },
              at,
              stepId: note.stepId,
              data: { noteId: note.id, hash: await sha256Hex(note.body), length: note.body.length, reason: 'recorded before note events carried hashes' },
              taskId,
              seq,
              prevHash,
            };
            const hash = await computeEventHash(draft as Parameters<typeof computeEventHash>[0]);
            out.push({ ...draft, hash });
            prevHash = hash;
          }
          return out;
        })(),
      );
      await tx.table('events').bulkAdd(added);
    }
  },
} as const;

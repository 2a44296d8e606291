import Dexie from 'dexie';
import { z } from 'zod';
import type { AuditEvent } from '@/lib/workflow/records';
import type { ConvOpsDatabase } from './database';
import { hexOf } from './hash-chain';
import { OWN_KEY_ID, type PublicKeyRow, type SigningKeyRow } from './records';

/**
 * Signed decisions. Each browser profile (one person) has an ECDSA P-256 key pair made with WebCrypto
 * on first use. The private key is created non-extractable and stored as a `CryptoKey` in the
 * extension's IndexedDB: no script, export or backup can read its bytes, so a signature can only be
 * made in this browser. The public key travels in task files, backups and reports; a key is named by
 * its fingerprint, the SHA-256 of its SPKI bytes.
 *
 * An unkeyed hash chain can be rebuilt by anyone who edits a file; a signature over an event's hash
 * cannot be, and since the hash covers every earlier event, a valid signature also vouches for
 * everything before it on the chain.
 */

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A public key as files carry it. */
export const publicKeyEntrySchema = z.strictObject({
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  /** SPKI, base64. */
  publicKey: z.string().min(1).max(400),
  /** The name its owner signs with (a claim until someone marks the key as known). */
  name: z.string().trim().max(120).default(''),
});
export type PublicKeyEntry = z.infer<typeof publicKeyEntrySchema>;

export function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let text = '';
  for (const byte of view) text += String.fromCharCode(byte);
  return btoa(text);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

export async function fingerprintOf(publicKeyBase64: string): Promise<string> {
  return hexOf(await crypto.subtle.digest('SHA-256', fromBase64(publicKeyBase64)));
}

/** How a key is shown to people: its last four hex digits, like "…ab12". */
export function shortKey(fingerprint: string): string {
  return `…${fingerprint.slice(-4)}`;
}

/** The fingerprint in groups of four, for reading aloud to a colleague who confirms it. */
export function groupedFingerprint(fingerprint: string): string {
  return fingerprint.match(/.{1,4}/g)?.join(' ') ?? fingerprint;
}

const cache = new WeakMap<ConvOpsDatabase, Promise<SigningKeyRow>>();

/**
 * This browser's signing key, made on first use. Runs outside any open transaction (its own reads and
 * writes touch only `signingKeys` and `publicKeys`), so a repository can call it from inside one,
 * as long as that transaction does not itself include those tables (it would wait for itself): such
 * callers make sure of the key before they open their transaction.
 */
export function ownSigningKey(db: ConvOpsDatabase): Promise<SigningKeyRow> {
  let pending = cache.get(db);
  if (!pending) {
    pending = Dexie.ignoreTransaction(() => loadOrCreate(db));
    pending.catch(() => cache.delete(db));
    cache.set(db, pending);
  }
  return pending;
}

async function loadOrCreate(db: ConvOpsDatabase): Promise<SigningKeyRow> {
  const existing = await db.signingKeys.get(OWN_KEY_ID);
  if (existing) return existing;
  // The private key is not extractable; the public half of a pair always is.
  const pair = await crypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
  const publicKey = toBase64(await crypto.subtle.exportKey('spki', pair.publicKey));
  const row: SigningKeyRow = {
    id: OWN_KEY_ID,
    privateKey: pair.privateKey,
    publicKey,
    fingerprint: await fingerprintOf(publicKey),
    createdAt: new Date().toISOString(),
  };
  return db.transaction('rw', [db.signingKeys, db.publicKeys], async () => {
    // Another context (background, options) may have made one meanwhile: the first one stays.
    const raced = await db.signingKeys.get(OWN_KEY_ID);
    if (raced) return raced;
    await db.signingKeys.add(row);
    await db.publicKeys.put({ fingerprint: row.fingerprint, publicKey, names: [], known: true, own: true, addedAt: row.createdAt });
    return row;
  });
}

export async function signHash(key: Pick<SigningKeyRow, 'privateKey' | 'fingerprint'>, hash: string): Promise<NonNullable<AuditEvent['signature']>> {
  const signature = await crypto.subtle.sign(SIGN, key.privateKey, new TextEncoder().encode(hash));
  return { key: key.fingerprint, value: toBase64(signature) };
}

export async function verifyHashSignature(publicKeyBase64: string, hash: string, signatureBase64: string): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey('spki', fromBase64(publicKeyBase64), ALGORITHM, false, ['verify']);
    return await crypto.subtle.verify(SIGN, key, fromBase64(signatureBase64), new TextEncoder().encode(hash));
  } catch {
    // A key or signature that is not even well-formed is simply not a valid signature.
    return false;
  }
}

/** The public keys that signed any of these events, as a file carries them. */
export async function publicKeysFor(db: ConvOpsDatabase, events: readonly AuditEvent[]): Promise<PublicKeyEntry[]> {
  const fingerprints = [...new Set(events.flatMap((event) => (event.signature ? [event.signature.key] : [])))];
  const rows = (await db.publicKeys.bulkGet(fingerprints)).filter((row): row is PublicKeyRow => Boolean(row));
  return rows.map((row) => ({ fingerprint: row.fingerprint, publicKey: row.publicKey, name: row.knownAs ?? row.names.at(-1) ?? '' }));
}

export async function listPublicKeys(db: ConvOpsDatabase): Promise<PublicKeyRow[]> {
  return (await db.publicKeys.toArray()).sort((a, b) => Number(b.own) - Number(a.own) || a.addedAt.localeCompare(b.addedAt));
}

/** The person confirmed with the colleague (in person, by phone) that this fingerprint is theirs. */
export async function markKeyKnown(db: ConvOpsDatabase, fingerprint: string, name: string): Promise<void> {
  const trimmed = name.trim();
  if (!trimmed) throw new Error('Give the name of the person whose key this is.');
  await db.transaction('rw', db.publicKeys, async () => {
    const row = await db.publicKeys.get(fingerprint);
    if (!row) throw new Error(`No key ${shortKey(fingerprint)} here.`);
    await db.publicKeys.put({ ...row, known: true, knownAs: trimmed.slice(0, 120), confirmedAt: new Date().toISOString() });
  });
}

export async function forgetKnownKey(db: ConvOpsDatabase, fingerprint: string): Promise<void> {
  await db.transaction('rw', db.publicKeys, async () => {
    const row = await db.publicKeys.get(fingerprint);
    if (!row || row.own) return;
    const { knownAs: _k, confirmedAt: _c, ...rest } = row;
    await db.publicKeys.put({ ...rest, known: false });
  });
}

export const PUBLIC_KEY_FILE_FORMAT = 'convops.public-key';
export const publicKeyFileSchema = z.strictObject({ format: z.literal(PUBLIC_KEY_FILE_FORMAT), formatVersion: z.literal(1), key: publicKeyEntrySchema });

/** The file a person sends a colleague (or a manager) so that their signatures can be recognised. */
export async function exportOwnPublicKey(db: ConvOpsDatabase, name: string): Promise<z.infer<typeof publicKeyFileSchema>> {
  const own = await ownSigningKey(db);
  return { format: PUBLIC_KEY_FILE_FORMAT, formatVersion: 1, key: { fingerprint: own.fingerprint, publicKey: own.publicKey, name } };
}

/**
 * Adds a colleague's key from their public-key file, as seen (not known): the person marks it known
 * once the colleague confirmed the fingerprint. Refuses a key whose fingerprint does not match it.
 */
export async function addPublicKeyFromFile(db: ConvOpsDatabase, input: unknown): Promise<PublicKeyRow> {
  const parsed = publicKeyFileSchema.safeParse(input);
  if (!parsed.success) throw new Error('This is not a ConvOps public key file (format "convops.public-key").');
  const { key } = parsed.data;
  if ((await fingerprintOf(key.publicKey).catch(() => '')) !== key.fingerprint) {
    throw new Error('This key file is damaged or edited: its fingerprint does not match the key.');
  }
  return db.transaction('rw', db.publicKeys, async () => {
    const local = await db.publicKeys.get(key.fingerprint);
    const names = [...new Set([...(local?.names ?? []), ...(key.name ? [key.name] : [])])];
    const row: PublicKeyRow = local
      ? { ...local, names }
      : { fingerprint: key.fingerprint, publicKey: key.publicKey, names, known: false, own: false, addedAt: new Date().toISOString() };
    await db.publicKeys.put(row);
    return row;
  });
}

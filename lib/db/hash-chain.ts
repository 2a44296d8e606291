import { sha256 } from '@noble/hashes/sha2.js';
import type { AuditEvent } from '@/lib/workflow/records';

/**
 * The audit trail's hash chain: each event's hash covers the previous event's hash and the event's
 * own canonical JSON, so editing, removing, reordering or inserting an event breaks every hash after
 * it. Tamper-evident, not tamper-proof: whoever can write the database can also rewrite the whole
 * chain, and cutting events off the end leaves a shorter chain that still verifies.
 */

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth and `undefined` members left out. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeys(item)));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = sortKeys(member);
    }
    return out;
  }
  return value;
}

const HEX_CODES = new TextEncoder().encode('0123456789abcdef');
/** The character codes of the hex being made (one hash at a time: the work below never awaits). */
const hexCodes = new Uint16Array(128);

/**
 * The lowercase hex of a digest, made as one string, in JavaScript alone. A string per byte left 65
 * short strings behind each hash; a `TextDecoder` call made the browser wrap the buffer it read,
 * and such wrappers live until a full collection (see `sha256Hex`).
 */
export function hexOf(digest: ArrayBuffer | Uint8Array): string {
  const bytes = digest instanceof Uint8Array ? digest : new Uint8Array(digest);
  const codes = bytes.length <= 64 ? hexCodes.subarray(0, 2 * bytes.length) : new Uint16Array(2 * bytes.length);
  for (let at = 0; at < bytes.length; at += 1) {
    codes[2 * at] = HEX_CODES[bytes[at]! >> 4]!;
    codes[2 * at + 1] = HEX_CODES[bytes[at]! & 15]!;
  }
  return String.fromCharCode.apply(null, codes as unknown as number[]);
}

const utf8 = new TextEncoder();
/** The UTF-8 of the text being hashed: one buffer for every text that fits, made once. */
const encoded = new Uint8Array(64 * 1024);

/**
 * SHA-256 of the text's UTF-8, in hex, computed in JavaScript (@noble/hashes) rather than with
 * WebCrypto. Each `crypto.subtle.digest` made the browser hold objects of its own (the promise's
 * resolver, the input view, the result buffer) whose JavaScript halves survive every young-generation
 * collection until a full one: a restore preview hashes 100,000 note bodies, and those survivors made
 * V8 grow its young generation to 32 MB, which was most of the preview's heap peak (measured with
 * `--trace-gc-nvp`: 1.7 MB surviving each collection while notes were read, 0.05 MB without them).
 * The UTF-8 is written into one buffer made once, so no view is handed to the browser per text.
 */
export async function sha256Hex(text: string): Promise<string> {
  return sha256HexNow(text);
}

/**
 * `sha256Hex`, for the loops that hash without waiting (a restore's notes and events) and inside
 * database transactions (no `Dexie.waitFor`: see `computeEventHashNow`).
 */
export function sha256HexNow(text: string): string {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: a text that may not fit gets a buffer of its own.
  const bytes = text.length * 3 <= encoded.length ? encoded.subarray(0, utf8.encodeInto(text, encoded).written) : utf8.encode(text);
  return hexOf(sha256(bytes));
}

/**
 * The hash an event must carry: SHA-256(prevHash + canonical JSON of the event without `hash` and
 * `signature`). The signature signs this hash, so it cannot be part of it.
 */
export async function computeEventHash(event: Omit<AuditEvent, 'hash' | 'signature'> & { hash?: string; signature?: AuditEvent['signature'] }): Promise<string> {
  return computeEventHashNow(event);
}

/**
 * `computeEventHash` without a promise: inside a database transaction, where awaiting anything but the
 * database needs `Dexie.waitFor`, and each `waitFor` costs a round trip to IndexedDB (Dexie delivers
 * the result from a dummy request's callback: 1–3 ms each here, three of them per captured reply).
 */
export function computeEventHashNow(event: Omit<AuditEvent, 'hash' | 'signature'> & { hash?: string; signature?: AuditEvent['signature'] }): string {
  const { hash: _hash, signature: _signature, ...rest } = event;
  return sha256HexNow(event.prevHash + canonicalJson(rest));
}

export type ChainVerdict = { ok: true; count: number } | { ok: false; brokenAtSeq: number; reason: string };

/**
 * Checks one chain's events as they come, in the order given (the order they are stored in, by seq):
 * the first event must be seq 1 on the genesis hash; each next one must be seq + 1 on the previous
 * hash. Only the last hash is kept, so a restore judges a chain of any length without holding it;
 * after the first break the rest is not hashed (the verdict names the first).
 */
export class ChainVerifier {
  #prevHash = GENESIS_HASH;
  #taskId: string | undefined;
  #count = 0;
  #broken: Extract<ChainVerdict, { ok: false }> | undefined;

  get broken(): boolean {
    return this.#broken !== undefined;
  }

  async push(event: AuditEvent): Promise<void> {
    if (this.#broken) return;
    this.#count += 1;
    if (this.#taskId !== undefined && event.taskId !== this.#taskId) {
      this.#broken = { ok: false, brokenAtSeq: event.seq, reason: `event ${event.seq} belongs to "${event.taskId}", not "${this.#taskId}"` };
      return;
    }
    this.#taskId = event.taskId;
    if (event.seq !== this.#count) {
      this.#broken = { ok: false, brokenAtSeq: event.seq, reason: `expected event ${this.#count} but found event ${event.seq}: an event was removed, inserted or moved` };
      return;
    }
    if (event.prevHash !== this.#prevHash) {
      this.#broken = { ok: false, brokenAtSeq: event.seq, reason: `event ${event.seq} does not follow the previous event's hash` };
      return;
    }
    if ((await computeEventHash(event)) !== event.hash) {
      this.#broken = { ok: false, brokenAtSeq: event.seq, reason: `event ${event.seq} was changed after it was recorded` };
      return;
    }
    this.#prevHash = event.hash;
  }

  verdict(): ChainVerdict {
    return this.#broken ?? { ok: true, count: this.#count };
  }
}

/** Checks one task's events in the order given (see `ChainVerifier`). */
export async function verifyChain(events: readonly AuditEvent[]): Promise<ChainVerdict> {
  const verifier = new ChainVerifier();
  for (const event of events) {
    await verifier.push(event);
    if (verifier.broken) break;
  }
  return verifier.verdict();
}

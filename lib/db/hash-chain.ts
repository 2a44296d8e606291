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

const HEX_DIGITS = '0123456789abcdef';
const asciiDecoder = new TextDecoder();

/**
 * The lowercase hex of a digest, made as one string. A string per byte (`toString(16)`, then
 * `padStart`, then `join`) left 65 short strings and an array behind each hash, and a restore of a
 * year's backup hashes 600,000 times: that garbage kept the young generation full.
 */
export function hexOf(digest: ArrayBuffer | Uint8Array): string {
  const bytes = digest instanceof Uint8Array ? digest : new Uint8Array(digest);
  const codes = new Uint8Array(bytes.length * 2);
  for (let at = 0; at < bytes.length; at += 1) {
    codes[2 * at] = HEX_DIGITS.charCodeAt(bytes[at]! >> 4);
    codes[2 * at + 1] = HEX_DIGITS.charCodeAt(bytes[at]! & 15);
  }
  return asciiDecoder.decode(codes);
}

const utf8 = new TextEncoder();
/** The UTF-8 of the text being hashed: one buffer for every text that fits, as `digest` copies its input when called. */
const encoded = new Uint8Array(64 * 1024);

/**
 * SHA-256 of the text's UTF-8, in hex. A restore of a year's backup hashes 100,000 note bodies and
 * 500,000 events: a fresh buffer for each (`encode`) was that many array buffers more for the
 * collector. Measured on the 181 MB bench file's preview, the gain is small: its heap peaked at
 * 33–41 MB (median 38, twelve runs) with the one buffer, 39–42 (median 39, eight runs) without.
 */
export async function sha256Hex(text: string): Promise<string> {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: a text that may not fit gets a buffer of its own.
  const bytes = text.length * 3 <= encoded.length ? encoded.subarray(0, utf8.encodeInto(text, encoded).written) : utf8.encode(text);
  return hexOf(await crypto.subtle.digest('SHA-256', bytes));
}

/**
 * The hash an event must carry: SHA-256(prevHash + canonical JSON of the event without `hash` and
 * `signature`). The signature signs this hash, so it cannot be part of it.
 */
export async function computeEventHash(event: Omit<AuditEvent, 'hash' | 'signature'> & { hash?: string; signature?: AuditEvent['signature'] }): Promise<string> {
  const { hash: _hash, signature: _signature, ...rest } = event;
  return sha256Hex(event.prevHash + canonicalJson(rest));
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

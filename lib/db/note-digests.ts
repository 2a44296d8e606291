import type { NoteDigest } from './backup';
import { hexOf } from './hash-chain';

/** A task's packed digests and how many of their bytes are used. */
interface Packed {
  bytes: Uint8Array<ArrayBuffer>;
  used: number;
}

const FIRST_BYTES = 1024;
/** A lowercase hex digit's value (the hashes are `sha256Hex`'s; no slice of the string is made). */
const hexValue = (code: number) => (code <= 57 ? code - 48 : code - 87);
const HASH_BYTES = 32;

/** A note's id or step read back, as UTF-16 code units (one buffer, grown for a longer text). */
let units = new Uint16Array(128);

/**
 * The restore preview's notes, per task, until the task's chain is read (a backup writes every note
 * before the first event): each live note's body hash, id and step, packed as bytes in one buffer per
 * task, outside the JS heap. As strings, 100,000 notes kept some 15 MB on the heap for most of the
 * pass; promoted to the old generation, they were copied and marked again by each collection while
 * the file's 180 MB went through the young one (the 181 MB bench file's preview peaked at 65 MB with
 * them as strings, 44 MB packed).
 *
 * A note: 32 bytes of SHA-256, then its id and its step as UTF-16 code units, each after its length
 * (4 bytes). Written and read in JavaScript alone: a `TextEncoder` or `TextDecoder` call on a view
 * of the buffer made the browser wrap that view, and 200,000 such wrappers per preview survived the
 * young generation's collections until a full one (see `sha256Hex` in hash-chain.ts).
 */
export class NoteDigestStore {
  readonly #byTask = new Map<string, Packed>();

  add(taskId: string, digest: Pick<NoteDigest, 'bodyHash' | 'id' | 'stepId'>): void {
    const packed = this.#room(taskId, HASH_BYTES + 8 + 2 * (digest.id.length + digest.stepId.length));
    const { bytes } = packed;
    let at = packed.used;
    const hash = digest.bodyHash;
    for (let n = 0; n < HASH_BYTES; n += 1) bytes[at + n] = (hexValue(hash.charCodeAt(2 * n)) << 4) | hexValue(hash.charCodeAt(2 * n + 1));
    at = write(bytes, at + HASH_BYTES, digest.id);
    packed.used = write(bytes, at, digest.stepId);
  }

  /** The task's digests, in the order they were added; the task's bytes are let go. */
  take(taskId: string): NoteDigest[] {
    const packed = this.#byTask.get(taskId);
    this.#byTask.delete(taskId);
    if (!packed) return [];
    const { bytes, used } = packed;
    const digests: NoteDigest[] = [];
    let at = 0;
    const text = () => {
      const length = bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
      at += 4;
      if (units.length < length) units = new Uint16Array(length);
      for (let n = 0; n < length; n += 1, at += 2) units[n] = bytes[at]! | (bytes[at + 1]! << 8);
      let value = '';
      // In slices: `apply` passes each unit as an argument, and arguments are limited.
      for (let from = 0; from < length; from += 8192) value += String.fromCharCode.apply(null, units.subarray(from, Math.min(length, from + 8192)) as unknown as number[]);
      return value;
    };
    while (at < used) {
      const bodyHash = hexOf(bytes.subarray(at, at + HASH_BYTES));
      at += HASH_BYTES;
      const id = text();
      digests.push({ bodyHash, id, stepId: text(), deleted: false });
    }
    return digests;
  }

  /** The task's buffer with at least `bytes` free, grown (doubled) when it has not. */
  #room(taskId: string, bytes: number): Packed {
    let packed = this.#byTask.get(taskId);
    if (!packed) {
      packed = { bytes: new Uint8Array(Math.max(FIRST_BYTES, bytes)), used: 0 };
      this.#byTask.set(taskId, packed);
    }
    if (packed.used + bytes > packed.bytes.length) {
      const grown = new Uint8Array(Math.max(2 * packed.bytes.length, packed.used + bytes));
      grown.set(packed.bytes.subarray(0, packed.used));
      packed.bytes = grown;
    }
    return packed;
  }
}

/** `text` as UTF-16 code units at `at`, after its length; returns where the next value goes. */
function write(bytes: Uint8Array, at: number, text: string): number {
  const length = text.length;
  bytes[at] = length & 0xff;
  bytes[at + 1] = (length >>> 8) & 0xff;
  bytes[at + 2] = (length >>> 16) & 0xff;
  bytes[at + 3] = length >>> 24;
  let to = at + 4;
  for (let n = 0; n < length; n += 1, to += 2) {
    const unit = text.charCodeAt(n);
    bytes[to] = unit & 0xff;
    bytes[to + 1] = unit >>> 8;
  }
  return to;
}

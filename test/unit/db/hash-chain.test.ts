import { createHash } from 'node:crypto';
import { canonicalJson, computeEventHash, computeEventHashNow, GENESIS_HASH, hexOf, sha256Hex, verifyChain } from '@/lib/db/hash-chain';
import type { AuditEvent } from '@/lib/workflow/records';

async function chain(taskId: string, count: number): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const unsigned = {
      taskId,
      seq,
      type: 'note.added' as const,
      actor: { kind: 'human' as const, name: 'Alice' },
      at: `2026-01-01T00:00:0${seq % 10}.000Z`,
      data: { n: seq, nested: { b: 1, a: [1, { z: 1, y: 2 }] } },
      prevHash,
    };
    const hash = await computeEventHash(unsigned);
    events.push({ ...unsigned, hash });
    prevHash = hash;
  }
  return events;
}

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members, so key order never changes a hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: undefined, w: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"w":2,"y":1}]},"b":1}',
    );
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
});

describe('hash', () => {
  it('is SHA-256 in hex', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes texts started together each as its own, short or long, in any script', async () => {
    // The texts are encoded into one reused buffer: each digest must take its bytes before the next text is written there.
    const texts = ['abc', '', 'é', 'Schritt 2 — Prüfung ✓', '𝌆 and a lone \ud800', 'x'.repeat(30_000), 'ü'.repeat(21_846), 'y'.repeat(70_000), 'abc'];
    const together = await Promise.all(texts.map((text) => sha256Hex(text)));
    expect(together).toEqual(texts.map((text) => createHash('sha256').update(Buffer.from(new TextEncoder().encode(text))).digest('hex')));
    expect(together[0]).toBe(together.at(-1));
  });

  it('writes every byte as two lowercase digits, whatever the length', () => {
    expect(hexOf(new Uint8Array([0, 1, 15, 16, 160, 255]).buffer)).toBe('00010f10a0ff');
    const long = Uint8Array.from({ length: 40 }, (_, n) => n * 6);
    expect(hexOf(long.buffer)).toBe(Array.from(long, (byte) => byte.toString(16).padStart(2, '0')).join(''));
    // A shorter one after a longer one: nothing of the earlier digits is left in it.
    expect(hexOf(new Uint8Array([171]).buffer)).toBe('ab');
  });

  it('covers the previous hash and every field but the hash itself', async () => {
    const [first] = await chain('t', 1);
    expect(first!.prevHash).toBe(GENESIS_HASH);
    expect(await computeEventHash(first!)).toBe(first!.hash);
    expect(await computeEventHash({ ...first!, hash: 'ignored' })).toBe(first!.hash);
    expect(await computeEventHash({ ...first!, prevHash: '1'.repeat(64) })).not.toBe(first!.hash);
    expect(await computeEventHash({ ...first!, data: { n: 2 } })).not.toBe(first!.hash);
  });

  it('is the same hash without a promise (what a transaction computes), and SHA-256 of the previous hash and the canonical event', async () => {
    const [first, second] = await chain('t', 2);
    const { hash: _hash, ...rest } = second!;
    expect(computeEventHashNow(second!)).toBe(second!.hash);
    expect(computeEventHashNow(second!)).toBe(createHash('sha256').update(first!.hash + canonicalJson(rest)).digest('hex'));
    expect(computeEventHashNow({ ...second!, signature: { alg: 'ES256', publicKey: 'k', value: 'v' } as never })).toBe(second!.hash);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', async () => {
    expect(await verifyChain(await chain('t', 5))).toEqual({ ok: true, count: 5 });
    expect(await verifyChain([])).toEqual({ ok: true, count: 0 });
  });

  it('detects an edited event', async () => {
    const events = await chain('t', 5);
    events[2] = { ...events[2]!, actor: { kind: 'human', name: 'Mallory' } };
    expect(await verifyChain(events)).toMatchObject({ ok: false, brokenAtSeq: 3, reason: expect.stringContaining('changed') });
  });

  it('detects an edited event whose hash was recomputed (the next link breaks)', async () => {
    const events = await chain('t', 5);
    const forged = { ...events[1]!, data: { n: 99 } };
    events[1] = { ...forged, hash: await computeEventHash(forged) };
    expect(await verifyChain(events)).toMatchObject({ ok: false, brokenAtSeq: 3 });
  });

  it('detects a removed event', async () => {
    const events = await chain('t', 5);
    events.splice(1, 1);
    expect(await verifyChain(events)).toMatchObject({ ok: false, brokenAtSeq: 3 });
  });

  it('detects reordered events', async () => {
    const events = await chain('t', 5);
    [events[1], events[2]] = [events[2]!, events[1]!];
    expect(await verifyChain(events)).toMatchObject({ ok: false, brokenAtSeq: 3 });
  });

  it('detects an inserted event, even one renumbered to fit', async () => {
    const events = await chain('t', 4);
    const intruder = { ...events[1]!, data: { n: 'intruder' } };
    events.splice(2, 0, { ...intruder, seq: 3, hash: await computeEventHash({ ...intruder, seq: 3 }) });
    for (let i = 3; i < events.length; i += 1) events[i] = { ...events[i]!, seq: i + 1 };
    const verdict = await verifyChain(events);
    expect(verdict.ok).toBe(false);
  });

  it('detects a first event that does not start from genesis, and events from another chain', async () => {
    const events = await chain('t', 3);
    expect(await verifyChain(events.slice(1))).toMatchObject({ ok: false, brokenAtSeq: 2 });
    const other = await chain('u', 3);
    expect(await verifyChain([events[0]!, other[1]!])).toMatchObject({ ok: false, reason: expect.stringContaining('belongs to') });
  });
});

import { sha256Hex } from '@/lib/db/hash-chain';
import { NoteDigestStore } from '@/lib/db/note-digests';

describe('the restore preview’s packed note digests', () => {
  it('gives back each task’s digests as added, in order, once', async () => {
    const store = new NoteDigestStore();
    const a1 = { bodyHash: await sha256Hex('first'), id: 'note-1', stepId: 'draft' };
    const b1 = { bodyHash: await sha256Hex('other task'), id: 'note-2', stepId: 'review' };
    const a2 = { bodyHash: await sha256Hex('second'), id: 'n\u0000ü✓ 𝄞', stepId: 'publish' };
    store.add('task-a', a1);
    store.add('task-b', b1);
    store.add('task-a', a2);
    expect(store.take('task-a')).toEqual([
      { ...a1, deleted: false },
      { ...a2, deleted: false },
    ]);
    expect(store.take('task-a')).toEqual([]);
    expect(store.take('task-b')).toEqual([{ ...b1, deleted: false }]);
    expect(store.take('never-seen')).toEqual([]);
  });

  it('grows past its first buffer without losing a byte', async () => {
    const store = new NoteDigestStore();
    const added = await Promise.all(
      Array.from({ length: 500 }, async (_, n) => ({ bodyHash: await sha256Hex(`body ${n}`), id: `note-${n}-${'é'.repeat(n % 40)}`, stepId: `step-${n % 7}` })),
    );
    for (const digest of added) store.add('task', digest);
    // A long id alone is larger than the first buffer.
    const long = { bodyHash: await sha256Hex('long'), id: 'x'.repeat(5_000), stepId: 'draft' };
    store.add('task', long);
    expect(store.take('task')).toEqual([...added, long].map((digest) => ({ ...digest, deleted: false })));
  });
});

import type { Transaction } from 'dexie';
import { migration0003 } from './0003-note-hashes-and-keys';

/**
 * Schema v4: `eventBlocks`, each chain's events in runs of consecutive ones, already in the text the
 * backup file writes (lib/db/event-blocks.ts keeps them from now on, in every write to `events`).
 * The upgrade builds them from the events there are.
 *
 * Self-contained on purpose, like 0002 and 0003: its own copy of how a block is made, frozen here.
 * Keyed by `[taskId+firstSeq]`, so reading the store in key order gives the events in the order of
 * the `events` table's key `[taskId+seq]`, which is the order of a backup file's events.
 */

interface V3Event {
  taskId: string;
  seq: number;
}
interface V4Block {
  taskId: string;
  firstSeq: number;
  lastSeq: number;
  count: number;
  text: string;
}

const BLOCK_CHARS = 64 * 1024;
const WRITE_BLOCKS = 200;

export const migration0004 = {
  version: 4,
  stores: {
    ...migration0003.stores,
    eventBlocks: '[taskId+firstSeq]',
  },
  async upgrade(tx: Transaction): Promise<void> {
    const blocks = tx.table('eventBlocks');
    await blocks.clear();
    let open: V4Block | undefined;
    let done: V4Block[] = [];
    const writes: Promise<unknown>[] = [];
    await tx
      .table('events')
      .toCollection()
      .each((event: V3Event) => {
        const text = JSON.stringify(event);
        if (open && open.taskId === event.taskId && open.text.length < BLOCK_CHARS && event.seq === open.lastSeq + 1) {
          open.text += `,${text}`;
          open.lastSeq = event.seq;
          open.count += 1;
          return;
        }
        if (open) done.push(open);
        open = { taskId: event.taskId, firstSeq: event.seq, lastSeq: event.seq, count: 1, text };
        if (done.length >= WRITE_BLOCKS) {
          writes.push(blocks.bulkAdd(done));
          done = [];
        }
      });
    if (open) done.push(open);
    if (done.length > 0) writes.push(blocks.bulkAdd(done));
    await Promise.all(writes);
  },
} as const;

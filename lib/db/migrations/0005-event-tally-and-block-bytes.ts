import type { Transaction } from 'dexie';
import { migration0004 } from './0004-event-blocks';

/**
 * Schema v5: event blocks hold their text as UTF-8 bytes (`utf8`, was the string `text`): read back,
 * bytes stay outside the JS heap, so the backup copies 125 MB of them without the heap growing.
 * And `eventTally`, one row `{ key: 'events', count }`: how many events there are, kept from
 * now on by lib/db/event-blocks.ts in the same transaction as every write to `events` and its blocks.
 * The backup compares the blocks with it (a few numbers) instead of counting the event rows (a walk
 * over every one of them, most of a second at 500,000). The upgrade counts the events there are,
 * after 0004's upgrade has built their blocks, and turns each block's text into bytes.
 *
 * Self-contained on purpose, like 0002 to 0004: frozen here whatever the middleware becomes.
 */

export const migration0005 = {
  version: 5,
  stores: {
    ...migration0004.stores,
    eventTally: 'key',
  },
  async upgrade(tx: Transaction): Promise<void> {
    const count = await tx.table('events').count();
    await tx.table('eventTally').put({ key: 'events', count });
    const encoder = new TextEncoder();
    await tx
      .table('eventBlocks')
      .toCollection()
      .modify((block: { text?: string; utf8?: Uint8Array }) => {
        block.utf8 = encoder.encode(block.text ?? '');
        delete block.text;
      });
  },
} as const;

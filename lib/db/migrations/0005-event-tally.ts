import type { Transaction } from 'dexie';
import { migration0004 } from './0004-event-blocks';

/**
 * Schema v5: `eventTally`, one row `{ key: 'events', count }`: how many events there are, kept from
 * now on by lib/db/event-blocks.ts in the same transaction as every write to `events` and its blocks.
 * The backup compares the blocks with it (a few numbers) instead of counting the event rows (a walk
 * over every one of them, most of a second at 500,000). The upgrade counts the events there are,
 * after 0004's upgrade has built their blocks.
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
  },
} as const;

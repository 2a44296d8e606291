import type { DBCore, DBCoreKeyRange, DBCoreMutateRequest, DBCoreMutateResponse, DBCoreTable, DBCoreTransaction, Middleware } from 'dexie';
import type { EventBlockRow } from './records';

/**
 * Event blocks: each chain's events, in runs of consecutive ones, already written as the backup file
 * writes them (`JSON.stringify` of the stored row, joined by commas). Events are append-only, so a
 * block only ever grows at its end; the backup copies the blocks' text into the file instead of
 * reading 500,000 rows one by one and stringifying them (lib/db/backup-stream.ts).
 *
 * They are kept by a Dexie middleware on the `events` table rather than by the repositories: every
 * write to `events` through Dexie — `appendEvents`, a restore's rows, a migration after 0004, a test
 * that tampers with a row — writes its blocks in the same IndexedDB transaction (the middleware adds
 * `eventBlocks` to every read-write transaction over `events`), so an event without its block cannot
 * be committed, and a failed block write aborts the event with it.
 *
 * An append to a chain's end extends its last block; anything else (a row replaced or deleted, rows
 * out of order) rebuilds that chain's blocks from its rows, so the blocks always say what the rows say.
 * The backup still checks that the blocks hold as many events as the table, and reads rows if not.
 */

export const EVENT_BLOCKS = 'eventBlocks';
/** A block is closed once its text reaches this many characters (about 250 events of the bench's size). */
export const EVENT_BLOCK_CHARS = 64 * 1024;

const RANGE = 2; // DBCoreRangeType.Range (a const enum in Dexie's types, so spelled out here)

function chainKeyRange(taskId: string): DBCoreKeyRange {
  return { type: RANGE, lower: [taskId, -Infinity], upper: [taskId, Infinity], lowerOpen: false, upperOpen: false };
}

interface StoredEvent {
  taskId: string;
  seq: number;
}

/** `events` (one chain's, in seq order) as blocks, continuing `open` (its last block) where they follow it. */
export function blocksOf(taskId: string, events: readonly StoredEvent[], open?: EventBlockRow): EventBlockRow[] {
  const blocks: EventBlockRow[] = [];
  let block = open ? { ...open } : undefined;
  for (const event of events) {
    const text = JSON.stringify(event);
    if (!block || block.text.length >= EVENT_BLOCK_CHARS || event.seq !== block.lastSeq + 1) {
      if (block) blocks.push(block);
      block = { taskId, firstSeq: event.seq, lastSeq: event.seq, count: 1, text };
    } else {
      block.text += `,${text}`;
      block.lastSeq = event.seq;
      block.count += 1;
    }
  }
  if (block) blocks.push(block);
  return blocks;
}

async function lastBlock(blocks: DBCoreTable, trans: DBCoreTransaction, taskId: string): Promise<EventBlockRow | undefined> {
  const { result } = await blocks.query({ trans, values: true, limit: 1, direction: 'prev', query: { index: blocks.schema.primaryKey, range: chainKeyRange(taskId) } });
  return result[0] as EventBlockRow | undefined;
}

/** Replaces a chain's blocks with ones made from its rows as they are now. */
async function rebuildChain(events: DBCoreTable, blocks: DBCoreTable, trans: DBCoreTransaction, taskId: string): Promise<void> {
  const { result } = await events.query({ trans, values: true, query: { index: events.schema.primaryKey, range: chainKeyRange(taskId) } });
  await blocks.mutate({ type: 'deleteRange', trans, range: chainKeyRange(taskId) });
  const rebuilt = blocksOf(taskId, result as StoredEvent[]);
  if (rebuilt.length > 0) await blocks.mutate({ type: 'add', trans, values: rebuilt });
}

/** Appends `added` (one chain's new rows) to its blocks, or rebuilds them when it is not a clean append. */
async function appendChain(events: DBCoreTable, blocks: DBCoreTable, trans: DBCoreTransaction, taskId: string, added: readonly StoredEvent[]): Promise<void> {
  const open = await lastBlock(blocks, trans, taskId);
  const inOrder = added.every((event, i) => event.seq === (i === 0 ? (open?.lastSeq ?? 0) : added[i - 1]!.seq) + 1);
  if (!inOrder) return rebuildChain(events, blocks, trans, taskId);
  const grown = blocksOf(taskId, added, open);
  await blocks.mutate({ type: 'put', trans, values: grown });
}

function chainsIn(values: readonly StoredEvent[]): Map<string, StoredEvent[]> {
  const chains = new Map<string, StoredEvent[]>();
  for (const value of values) {
    const chain = chains.get(value.taskId);
    if (chain) chain.push(value);
    else chains.set(value.taskId, [value]);
  }
  return chains;
}

async function blockChainsIn(blocks: DBCoreTable, trans: DBCoreTransaction, range: DBCoreKeyRange): Promise<Set<string>> {
  const lower = Array.isArray(range.lower) ? range.lower[0] : undefined;
  const upper = Array.isArray(range.upper) ? range.upper[0] : undefined;
  const byTask: DBCoreKeyRange =
    typeof lower === 'string' && typeof upper === 'string'
      ? { type: RANGE, lower: [lower, -Infinity], upper: [upper, Infinity], lowerOpen: false, upperOpen: false }
      : { type: 3, lower: undefined, upper: undefined }; // DBCoreRangeType.Any
  const { result } = await blocks.query({ trans, values: false, query: { index: blocks.schema.primaryKey, range: byTask } });
  return new Set((result as [string, number][]).map(([taskId]) => taskId));
}

async function keepBlocks(events: DBCoreTable, blocks: DBCoreTable, req: DBCoreMutateRequest, response: DBCoreMutateResponse): Promise<void> {
  const trans = req.trans;
  if ((req.type === 'add' || req.type === 'put') && response.numFailures === 0) {
    for (const [taskId, added] of chainsIn(req.values as StoredEvent[])) await appendChain(events, blocks, trans, taskId, added);
    return;
  }
  // Rows deleted, or some of a bulk write refused: rare (the product only appends, whole or not at all).
  let chains: Set<string>;
  if (req.type === 'delete') chains = new Set((req.keys as [string, number][]).map(([taskId]) => taskId));
  else if (req.type === 'deleteRange') chains = await blockChainsIn(blocks, trans, req.range);
  else chains = new Set((req.values as StoredEvent[]).map((value) => value.taskId));
  for (const taskId of chains) await rebuildChain(events, blocks, trans, taskId);
}

/** Whether this transaction can hold blocks: not a version upgrade from before 0004 (whose upgrade builds them all). */
function hasBlocks(trans: DBCoreTransaction): boolean {
  return (trans as unknown as IDBTransaction).objectStoreNames.contains(EVENT_BLOCKS);
}

export const eventBlocksMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'eventBlocks',
  create(down) {
    return {
      ...down,
      transaction(stores, mode, options) {
        const scope = mode === 'readwrite' && stores.includes('events') && !stores.includes(EVENT_BLOCKS) ? [...stores, EVENT_BLOCKS] : stores;
        return down.transaction(scope, mode, options);
      },
      table(name) {
        const table = down.table(name);
        if (name !== 'events') return table;
        return {
          ...table,
          async mutate(req): Promise<DBCoreMutateResponse> {
            const response = await table.mutate(req);
            if (hasBlocks(req.trans)) await keepBlocks(table, down.table(EVENT_BLOCKS), req, response);
            return response;
          },
        };
      },
    };
  },
};

import type { DBCore, DBCoreKeyRange, DBCoreMutateRequest, DBCoreMutateResponse, DBCoreTable, DBCoreTransaction, Middleware } from 'dexie';
import type { EventBlockRow, EventTallyRow } from './records';

/**
 * Event blocks: each chain's events, in runs of consecutive ones, already written as the backup file
 * writes them (`JSON.stringify` of the stored row, joined by commas), stored as a Blob of UTF-8 text.
 * IndexedDB keeps a Blob as a file of its own and hands back a reference to it: the backup puts the
 * blocks into its file by reference, with none of their bytes read into the page or copied (measured
 * at `blocksOf`). Events are append-only, so a block only ever grows at its end, and it grows without
 * being read: the new block is a Blob of the old one and the new text. The backup copies the blocks' text into the file instead
 * of reading 500,000 rows one by one and stringifying them (lib/db/backup-stream.ts). Blocks written
 * as bytes (`Uint8Array`, schema 5 before Blobs) are read and continued the same way.
 *
 * They are kept by a Dexie middleware on the `events` table rather than by the repositories: every
 * write to `events` through Dexie — `appendEvents`, a restore's rows, a migration after 0004, a test
 * that tampers with a row — writes its blocks in the same IndexedDB transaction (the middleware adds
 * `eventBlocks` to every read-write transaction over `events`), so an event without its block cannot
 * be committed, and a failed block write aborts the event with it.
 *
 * An append to a chain's end extends its last block; anything else (a row replaced or deleted, rows
 * out of order) rebuilds that chain's blocks from its rows, so the blocks always say what the rows say.
 *
 * The same transaction keeps `eventTally`, how many events there are (each write adds what it added
 * to the chains' blocks and takes away what they held before): the backup checks that the blocks hold
 * that many, each chain's in order, and reads the rows if not (a block lost or cut short). That is a
 * few numbers, where counting the rows walked all 500,000 of them. What neither can see is a write to
 * `events` around Dexie (raw IndexedDB, which nothing in the extension does): its blocks and tally stay
 * as they were, and the backup writes what they say.
 */

export const EVENT_BLOCKS = 'eventBlocks';
/** A block is closed once its text reaches about this many bytes (about 250 events of the bench's size). */
export const EVENT_BLOCK_BYTES = 64 * 1024;
export const EVENT_TALLY = 'eventTally';
export const EVENT_TALLY_KEY: EventTallyRow['key'] = 'events';

const RANGE = 2; // DBCoreRangeType.Range (a const enum in Dexie's types, so spelled out here)

function chainKeyRange(taskId: string): DBCoreKeyRange {
  return { type: RANGE, lower: [taskId, -Infinity], upper: [taskId, Infinity], lowerOpen: false, upperOpen: false };
}

interface StoredEvent {
  taskId: string;
  seq: number;
}

/** A block being made: `head`, what it held already (never read), then `text`, what is added to it. */
type OpenBlock = Omit<EventBlockRow, 'utf8'> & { head?: EventBlockRow['utf8']; text: string; size: number; grown: boolean };

/** A block's size in bytes, as a Blob or as bytes. */
export function blockBytes(utf8: EventBlockRow['utf8']): number {
  return utf8 instanceof Blob ? utf8.size : utf8.byteLength;
}

/**
 * `events` (one chain's, in seq order) as blocks, continuing `open` (its last block) where they follow
 * it; returns the blocks to write: `open` only if it grew. Blocks are Blobs: `open` is continued as a
 * Blob of it and the new text, never decoded (it was: 64 KB decoded and encoded again at every append).
 * Measured in Chromium 156, the 181 MB bench database's 2,029 blocks turned from bytes to Blobs and
 * back on one profile (2026-12-06, three pairs): the backup's blocks 2.36–3.11 s as bytes, 0.46–0.56 s
 * as Blobs (the whole backup 4.9–6.6 s and 4.1–4.7 s); the file read back through its stream 3.7–4.6 s
 * and 4.1–4.3 s. An append alone (1,000 chains of two 64 KB blocks): 4.2–8.4 ms and 4.1–6.3 ms.
 */
export function blocksOf(taskId: string, events: readonly StoredEvent[], open?: EventBlockRow): EventBlockRow[] {
  const blocks: OpenBlock[] = [];
  let block: OpenBlock | undefined;
  if (open) {
    const { utf8, ...range } = open;
    block = { ...range, head: utf8, text: '', size: blockBytes(utf8), grown: false };
  }
  for (const event of events) {
    const text = JSON.stringify(event);
    if (!block || block.size >= EVENT_BLOCK_BYTES || event.seq !== block.lastSeq + 1) {
      if (block) blocks.push(block);
      block = { taskId, firstSeq: event.seq, lastSeq: event.seq, count: 1, text, size: text.length, grown: true };
    } else {
      block.text += `,${text}`;
      // Characters, not bytes, for the new text: the size only says when to close the block.
      block.size += text.length + 1;
      block.lastSeq = event.seq;
      block.count += 1;
      block.grown = true;
    }
  }
  if (block) blocks.push(block);
  return blocks.filter((b) => b.grown).map(({ head, text, size: _size, grown: _grown, ...range }) => ({ ...range, utf8: new Blob(head ? [head, text] : [text]) }));
}

async function lastBlock(blocks: DBCoreTable, trans: DBCoreTransaction, taskId: string): Promise<EventBlockRow | undefined> {
  const { result } = await blocks.query({ trans, values: true, limit: 1, direction: 'prev', query: { index: blocks.schema.primaryKey, range: chainKeyRange(taskId) } });
  return result[0] as EventBlockRow | undefined;
}

/** Replaces a chain's blocks with ones made from its rows as they are now; returns how many events that adds (or takes away). */
async function rebuildChain(events: DBCoreTable, blocks: DBCoreTable, trans: DBCoreTransaction, taskId: string): Promise<number> {
  const { result } = await events.query({ trans, values: true, query: { index: events.schema.primaryKey, range: chainKeyRange(taskId) } });
  const { result: before } = await blocks.query({ trans, values: true, query: { index: blocks.schema.primaryKey, range: chainKeyRange(taskId) } });
  await blocks.mutate({ type: 'deleteRange', trans, range: chainKeyRange(taskId) });
  const rebuilt = blocksOf(taskId, result as StoredEvent[]);
  if (rebuilt.length > 0) await blocks.mutate({ type: 'add', trans, values: rebuilt });
  return result.length - (before as EventBlockRow[]).reduce((sum, block) => sum + block.count, 0);
}

/** Appends `added` (one chain's new rows) to its blocks, or rebuilds them when it is not a clean append; returns how many events that adds. */
async function appendChain(events: DBCoreTable, blocks: DBCoreTable, trans: DBCoreTransaction, taskId: string, added: readonly StoredEvent[]): Promise<number> {
  const open = await lastBlock(blocks, trans, taskId);
  const inOrder = added.every((event, i) => event.seq === (i === 0 ? (open?.lastSeq ?? 0) : added[i - 1]!.seq) + 1);
  if (!inOrder) return rebuildChain(events, blocks, trans, taskId);
  const grown = blocksOf(taskId, added, open);
  await blocks.mutate({ type: 'put', trans, values: grown });
  return added.length;
}

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new DOMException('The event tally could not be kept.', 'UnknownError'));
  });
}

/**
 * Adds `change` to the tally of events, in the transaction that changed them. On the IndexedDB
 * transaction itself, not through Dexie's tables below: their cache middleware reads its context from
 * Dexie's zone, which is gone by the time this runs (after the awaits above).
 */
async function addToTally(trans: DBCoreTransaction, change: number): Promise<void> {
  if (change === 0) return;
  const tally = (trans as unknown as IDBTransaction).objectStore(EVENT_TALLY);
  const row = (await requestResult(tally.get(EVENT_TALLY_KEY))) as EventTallyRow | undefined;
  // Missing only if removed by hand: the backup then finds the blocks unproven and reads the rows.
  if (!row) return;
  await requestResult(tally.put({ key: EVENT_TALLY_KEY, count: row.count + change } satisfies EventTallyRow));
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

/** Brings the blocks in line with the rows after `req`; returns how many events it added (or took away). */
async function keepBlocks(events: DBCoreTable, blocks: DBCoreTable, req: DBCoreMutateRequest, response: DBCoreMutateResponse): Promise<number> {
  const trans = req.trans;
  let change = 0;
  if ((req.type === 'add' || req.type === 'put') && response.numFailures === 0) {
    for (const [taskId, added] of chainsIn(req.values as StoredEvent[])) change += await appendChain(events, blocks, trans, taskId, added);
    return change;
  }
  // Rows deleted, or some of a bulk write refused: rare (the product only appends, whole or not at all).
  let chains: Set<string>;
  if (req.type === 'delete') chains = new Set((req.keys as [string, number][]).map(([taskId]) => taskId));
  else if (req.type === 'deleteRange') chains = await blockChainsIn(blocks, trans, req.range);
  else chains = new Set((req.values as StoredEvent[]).map((value) => value.taskId));
  for (const taskId of chains) change += await rebuildChain(events, blocks, trans, taskId);
  return change;
}

/** Whether this transaction holds `store`: not so in a version upgrade from before it (whose own upgrade builds it). */
function holds(trans: DBCoreTransaction, store: string): boolean {
  return (trans as unknown as IDBTransaction).objectStoreNames.contains(store);
}

export const eventBlocksMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'eventBlocks',
  create(down) {
    return {
      ...down,
      transaction(stores, mode, options) {
        const kept = mode === 'readwrite' && stores.includes('events') ? [EVENT_BLOCKS, EVENT_TALLY].filter((store) => !stores.includes(store)) : [];
        return down.transaction(kept.length > 0 ? [...stores, ...kept] : stores, mode, options);
      },
      table(name) {
        const table = down.table(name);
        if (name !== 'events') return table;
        return {
          ...table,
          async mutate(req): Promise<DBCoreMutateResponse> {
            const response = await table.mutate(req);
            if (!holds(req.trans, EVENT_BLOCKS)) return response;
            const change = await keepBlocks(table, down.table(EVENT_BLOCKS), req, response);
            if (holds(req.trans, EVENT_TALLY)) await addToTally(req.trans, change);
            return response;
          },
        };
      },
    };
  },
};

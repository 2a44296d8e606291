import type { DBCore, DBCoreKeyRange, DBCoreMutateRequest, DBCoreMutateResponse, DBCoreTable, DBCoreTransaction, Middleware } from 'dexie';
import type { EventBlockRow, EventTallyRow } from './records';

/**
 * Event blocks: each chain's events, in runs of consecutive ones, already written as the backup file
 * writes them (`JSON.stringify` of the stored row, joined by commas), in UTF-8. Events are append-only,
 * so a block only ever grows at its end; the backup copies the blocks' text into the file instead of
 * reading 500,000 rows one by one and stringifying them (lib/db/backup-stream.ts).
 *
 * A block is stored as a Blob from `EVENT_BLOB_BYTES` (32 KB) on, as bytes below it (see `stored`).
 * IndexedDB keeps a Blob as a file of its own and hands back a reference: the backup's file refers to
 * a block without its bytes being read into the page or copied. The 181 MB bench backup's blocks took
 * 2.4–3.4 s with only closed blocks as Blobs (its open ones, under 64 KB, are read at IndexedDB's slow
 * rate for small values), 0.53 s with this rule (the whole backup 4.6 s). Not every block a Blob,
 * because a Blob costs a file per write: all of them Blobs made the restore of 1,000 small tasks
 * 7.2–8.3 s against 4.8–5.3 s (2026-12-06); under 32 KB a chain costs no file. Blocks stored as
 * bytes before Blobs are read and continued the same way.
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
/** From about this many bytes a block is stored as a Blob (see `stored`); below it, as bytes (a short chain costs no file). */
export const EVENT_BLOB_BYTES = 32 * 1024;
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

/** A block being made: `head`, what it held already (not decoded), then `text`, what is added to it (empty: it did not grow). */
type OpenBlock = Omit<EventBlockRow, 'utf8'> & { head?: EventBlockRow['utf8']; text: string; size: number };

/** A block's size in bytes, as a Blob or as bytes. */
export function blockBytes(utf8: EventBlockRow['utf8']): number {
  return utf8 instanceof Blob ? utf8.size : utf8.byteLength;
}

const encoder = new TextEncoder();

/**
 * The block as stored: a Blob from `EVENT_BLOB_BYTES` on, or once another block follows it, so the
 * backup refers to it without reading it, and an append makes a Blob of it and the new text without
 * decoding it; a small block as bytes, so a short chain costs no file (a Blob is a file per write in
 * IndexedDB). A block closed by its size is over `EVENT_BLOB_BYTES` already.
 */
function stored({ head, text, size, ...range }: OpenBlock, followed: boolean): EventBlockRow {
  if (followed || size >= EVENT_BLOB_BYTES || head instanceof Blob) return { ...range, utf8: new Blob(head ? [head, text] : [text]) };
  const added = encoder.encode(text);
  if (!head) return { ...range, utf8: added };
  const utf8 = new Uint8Array(head.byteLength + added.byteLength);
  utf8.set(head);
  utf8.set(added, head.byteLength);
  return { ...range, utf8 };
}

/**
 * `events` (one chain's, in seq order) as blocks, continuing `open` (its last block) where they follow
 * it; returns the blocks to write: `open` only if it grew. A block is closed when it reaches
 * `EVENT_BLOCK_BYTES` or another block follows it.
 */
export function blocksOf(taskId: string, events: readonly StoredEvent[], open?: EventBlockRow): EventBlockRow[] {
  const blocks: OpenBlock[] = [];
  let block: OpenBlock | undefined;
  if (open) {
    const { utf8, ...range } = open;
    block = { ...range, head: utf8, text: '', size: blockBytes(utf8) };
  }
  for (const event of events) {
    const text = JSON.stringify(event);
    if (!block || block.size >= EVENT_BLOCK_BYTES || event.seq !== block.lastSeq + 1) {
      if (block) blocks.push(block);
      block = { taskId, firstSeq: event.seq, lastSeq: event.seq, count: 1, text, size: text.length };
    } else {
      block.text += `,${text}`;
      // Characters, not bytes, for the new text: the size only says when to close the block.
      block.size += text.length + 1;
      block.lastSeq = event.seq;
      block.count += 1;
    }
  }
  if (block) blocks.push(block);
  return blocks.flatMap((b, at) => (b.text ? [stored(b, at < blocks.length - 1)] : []));
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
export function holds(trans: DBCoreTransaction, store: string): boolean {
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

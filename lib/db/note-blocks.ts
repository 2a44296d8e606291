import Dexie, { type DBCore, type DBCoreMutateResponse, type DBCoreTransaction, type EntityTable, type Middleware } from 'dexie';
import { holds } from './event-blocks';
import { fromNoteRow, type NoteBlockRow, type NoteRow } from './records';

/**
 * Note blocks: each task's notes as one Blob, already written as the backup file writes them
 * (`JSON.stringify` of each note, joined by commas, in id order). IndexedDB keeps a Blob as a file
 * and hands back a reference, so the backup's file refers to a block without reading its bytes
 * (lib/db/backup-stream.ts). Read as rows, the 181 MB bench database's 100,000 notes, ~600 bytes
 * each, were two thirds of the backup's time (3.0–3.5 s of 4.3–4.8, measured 2026-12-06): IndexedDB
 * reads small values at its slow rate, and their text must then be copied into Blobs.
 *
 * Unlike the event blocks, a note block is not kept up to date in the transaction that writes the
 * note: notes are edited and deleted, and their order is by id, so keeping the block would mean
 * reading all of the task's notes at every capture. Instead every write to `notes` through Dexie (a
 * repository, a restore, a test that tampers with a row) deletes the blocks of the tasks it touched
 * in the same IndexedDB transaction (`noteBlocksMiddleware`, which adds `noteBlocks` to every
 * read-write transaction over `notes`), so a block never outlives a change to its task's notes.
 * The background makes blocks again a little later (`buildNoteBlocks`, called by `setupNoteBlocks` in
 * lib/background/records-setup.ts).
 * The backup writes a task's block where there is one and its rows where there is not, in the same
 * order, so the file is the same either way; it checks that the blocks and the rows it read hold as
 * many notes as the table, and reads every note from its rows if not.
 */

const NOTE_BLOCKS = 'noteBlocks';

type StaleListener = (taskIds: readonly string[] | 'all') => void;
const staleListeners = new Set<StaleListener>();

/** Called after a transaction that made blocks stale has committed, in this context: with the tasks, or `'all'` when notes were deleted. */
export function onNoteBlocksStale(listener: StaleListener): () => void {
  staleListeners.add(listener);
  return () => staleListeners.delete(listener);
}

function tellStale(trans: DBCoreTransaction, taskIds: readonly string[] | 'all'): void {
  if (staleListeners.size === 0) return;
  (trans as unknown as IDBTransaction).addEventListener('complete', () => {
    for (const listener of staleListeners) listener(taskIds);
  });
}

export const noteBlocksMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'noteBlocks',
  create(down) {
    return {
      ...down,
      transaction(stores, mode, options) {
        const add = mode === 'readwrite' && stores.includes('notes') && !stores.includes(NOTE_BLOCKS);
        return down.transaction(add ? [...stores, NOTE_BLOCKS] : stores, mode, options);
      },
      table(name) {
        const table = down.table(name);
        if (name !== 'notes') return table;
        return {
          ...table,
          async mutate(req): Promise<DBCoreMutateResponse> {
            const response = await table.mutate(req);
            if (!holds(req.trans, NOTE_BLOCKS)) return response;
            const blocks = down.table(NOTE_BLOCKS);
            if (req.type === 'add' || req.type === 'put') {
              // A note moved to another task leaves its old task's block one too many: the backup's count finds it.
              const taskIds = [...new Set((req.values as NoteRow[]).map((row) => row.taskId))];
              await blocks.mutate({ type: 'delete', trans: req.trans, keys: taskIds });
              tellStale(req.trans, taskIds);
            } else {
              // Notes deleted (nothing in the product deletes one; a deleted note is kept, marked): every block goes.
              await blocks.mutate({ type: 'deleteRange', trans: req.trans, range: { type: 3, lower: undefined, upper: undefined } }); // DBCoreRangeType.Any
              tellStale(req.trans, 'all');
            }
            return response;
          },
        };
      },
    };
  },
};

/** A task's notes (rows, in id order) as its block. */
function noteBlockOf(taskId: string, rows: readonly NoteRow[]): NoteBlockRow {
  return { taskId, count: rows.length, text: new Blob([JSON.stringify(rows.map(fromNoteRow)).slice(1, -1)]) };
}

/** Tasks made into blocks per transaction: a capture waiting for it waits for at most this many. */
const TASKS_PER_TRANSACTION = 4;

/** The tables `buildNoteBlocks` uses (the database module uses this one's middleware, so it is not imported here). */
type WithNotes = Dexie & { notes: EntityTable<NoteRow, 'id'>; noteBlocks: EntityTable<NoteBlockRow, 'taskId'> };

/**
 * Makes the blocks of the tasks that have notes and no block (of `taskIds` only, if given), a few
 * tasks per transaction, each from its rows read in the same transaction as the block is written.
 * Returns how many blocks it made.
 */
export async function buildNoteBlocks(db: WithNotes, options: { taskIds?: readonly string[] } = {}): Promise<number> {
  const present = new Set((await db.noteBlocks.toCollection().primaryKeys()) as string[]);
  const wanted = options.taskIds ? [...new Set(options.taskIds)] : ((await db.notes.orderBy('taskId').uniqueKeys()) as string[]);
  const missing = wanted.filter((taskId) => !present.has(taskId));
  let made = 0;
  for (let at = 0; at < missing.length; at += TASKS_PER_TRANSACTION) {
    const batch = missing.slice(at, at + TASKS_PER_TRANSACTION);
    made += await db.transaction('rw', [db.notes, db.noteBlocks], async () => {
      let count = 0;
      for (const taskId of batch) {
        // Made meanwhile, or its task has no notes (any more): nothing to make.
        if (await db.noteBlocks.get(taskId)) continue;
        const rows = await db.notes.where('[taskId+id]').between([taskId, Dexie.minKey], [taskId, Dexie.maxKey]).toArray();
        if (rows.length === 0) continue;
        await db.noteBlocks.put(noteBlockOf(taskId, rows));
        count += 1;
      }
      return count;
    });
  }
  return made;
}

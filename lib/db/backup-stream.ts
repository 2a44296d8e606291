// Long on purpose: the streamed backup's writer and the streaming JSON reader it is read back with: one file format, both directions, kept side by side so they cannot drift.
import { MAX_FILE_DEPTH } from '@/lib/workflow/file-format';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION } from './backup';
import { getDb } from './database';
import { SCHEMA_VERSION } from './migrations';
import { EVENT_TALLY_KEY } from './event-blocks';
import { fromNoteRow, fromTaskRow, type EventBlockRow, type EventTallyRow, type NoteBlockRow, type NoteRow, type PublicKeyRow } from './records';

/**
 * Backups as streams: the export is written page by page into Blob parts (the browser keeps blob
 * data outside the JS heap, so memory stays flat however large the database), and the restore reads
 * `File.stream()` through a framing scanner that hands each top-level array element to the native
 * `JSON.parse` as soon as it is complete: the 180 MB file is never one string, and never parsed twice.
 *
 * Why not a streaming JSON library: @streamparser/json (the maintained one) tokenises in JavaScript
 * character by character; measured here it read 75 MB in 7 s against 1.7 s for `JSON.parse`, so a
 * 180 MB restore would take 18 s. The scanner below only finds element boundaries (quotes, escapes,
 * brackets); every byte of content is still checked by `JSON.parse`, and each element by its own
 * schema in the one restore path (lib/db/backup-restore.ts).
 */

export interface StreamProgress {
  done: number;
  total: number;
}

export interface StreamOptions {
  onProgress?: (progress: StreamProgress) => void;
  signal?: AbortSignal;
}

/**
 * Where a backup's time went, in ms (the bench prints it): `text` turning rows into JSON, `blob`
 * moving text into Blobs, `database` the rest of the wall time, which is waiting for IndexedDB's
 * pages (read and deserialised by the browser while this thread makes the text of the last one).
 */
export interface BackupTimings {
  totalMs: number;
  databaseMs: number;
  textMs: number;
  blobMs: number;
  /** Wall time of each section of the file (its reading, text and Blobs together), by table. */
  tableMs?: Record<string, number>;
}

/**
 * Rows a page. Small pages, so a page (its rows and their text) dies before the next scavenges or
 * two and is never promoted to the old generation (measured at 100,000 notes: 250 a page, the notes'
 * heap peak 28–30 MB; 2,000 a page, 32–43 MB; no slower).
 */
const PAGE_ROWS = 250;
/**
 * Pages asked for ahead of the one being turned into text (`readPages`). Two. On 2026-12-04 two took
 * the heap to 41–50 MB (one: 28–31 MB), because every page read stayed reachable through its request
 * until a full collection; since each page's array is emptied once written (below), two cost nothing
 * more: six alternating pairs of backups of the 181 MB bench database on one seeded profile
 * (2026-12-05), one ahead 6.96–8.71 s (median 8.06), heap growth 7.8–10.4 MB; two ahead 6.24–8.33 s
 * (median 7.58), faster in all six pairs, 8.9–17.9 MB. Three were no faster than two.
 */
const PAGES_AHEAD = 2;
/**
 * Event blocks are up to about `EVENT_BLOCK_BYTES` (64 KB) each: 8 a page, at most near 512 KB off the
 * JS heap where they are stored as bytes (under 32 KB, or written before Blobs); a Blob is a reference.
 * 64 a page was no faster (2,029 blocks as Blobs: 195–257 ms against 220–273, three pairs, 2026-12-06).
 */
const BLOCK_PAGE_ROWS = 8;
/**
 * Rows are stringified this many at a time: each text stays well under V8's large-object size
 * (128 KB), so it dies young in the scavenger instead of waiting in large-object space for a full
 * collection (a page's text of 2 MB did: that was most of the backup's heap peak).
 */
const TEXT_ROWS = 64;
/** Text (and blocks' bytes) is moved into a Blob at the end of each page, or sooner once this many characters or bytes wait. */
const FLUSH_CHARS = 2 * 1024 * 1024;

function abortError(): DOMException {
  return new DOMException('The backup was cancelled.', 'AbortError');
}

/**
 * Text, UTF-8 bytes or Blobs written in order; moved into a Blob every `FLUSH_CHARS` (characters or
 * bytes), so the heap holds at most that much of it. A Blob is a reference: nothing of it is on the
 * heap, and nothing is copied.
 */
class BlobWriter {
  private readonly blobs: Blob[] = [];
  private parts: (string | Uint8Array<ArrayBuffer> | Blob)[] = [];
  private waiting = 0;

  write(text: string | Uint8Array<ArrayBuffer> | Blob): void {
    this.parts.push(text);
    this.waiting += typeof text === 'string' ? text.length : text instanceof Blob ? 0 : text.byteLength;
    if (this.waiting >= FLUSH_CHARS) this.flush();
  }

  /** Moves what waits into a Blob (a page's text, or `FLUSH_CHARS` of it). */
  flush(): void {
    if (this.parts.length > 0) this.blobs.push(new Blob(this.parts));
    this.parts = [];
    this.waiting = 0;
  }

  blob(): Blob {
    this.flush();
    return new Blob(this.blobs);
  }
}

/**
 * How long a backup or restore may hold the page's thread before it gives the page a turn. A page of
 * rows already read, like a chunk already waiting in a file's stream, resumes the loop in a microtask,
 * so without a turn given on purpose the backup held the backup page for 0.5–0.9 s at a time and a
 * 180 MB restore for 2–4 s (its progress bar still, its Cancel not taken; measured).
 */
const HOLD_THREAD_MS = 50;

/** A turn of the event loop: a message to ourselves, which, unlike a timer, a hidden tab does not slow down. */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * For a long loop: await what it returns at each step; it gives the page a turn once the thread has
 * been held `HOLD_THREAD_MS`. `turn` is how: by default a message to ourselves; inside an IndexedDB
 * transaction, a request of its own (a turn of the loop with no request pending would end it).
 */
export function pageTurns(turn: () => Promise<unknown> = yieldToPage): () => Promise<void> | undefined {
  let heldSince = performance.now();
  return () => {
    if (performance.now() - heldSince <= HOLD_THREAD_MS) return undefined;
    return turn().then(() => {
      heldSince = performance.now();
    });
  };
}

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new DOMException('The database could not be read.', 'UnknownError'));
  });
}

/**
 * Each page's key range for the rows of `store`, and their count: a key cursor steps `pageRows` keys
 * at a time (`advance`), so only each page's first key is read, and the last page's rows are counted.
 * Reading every key instead (`getAllKeys`, 10,000 a request) took the backup's counting 570–639 ms
 * against 335–376 (six alternating pairs on the 181 MB bench database, 2026-12-05).
 */
async function pageRanges(store: IDBObjectStore, pageRows = PAGE_ROWS): Promise<{ pages: IDBKeyRange[]; count: number }> {
  const starts: IDBValidKey[] = [];
  await new Promise<void>((resolve, reject) => {
    const request = store.openKeyCursor();
    request.onerror = () => reject(request.error ?? new DOMException('The database could not be read.', 'UnknownError'));
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor) return resolve();
      starts.push(cursor.primaryKey);
      cursor.advance(pageRows);
    };
  });
  const pages = starts.map((start, at) => (at + 1 < starts.length ? IDBKeyRange.bound(start, starts[at + 1], false, true) : IDBKeyRange.lowerBound(start)));
  const last = starts.at(-1);
  const count = last === undefined ? 0 : (starts.length - 1) * pageRows + (await requestResult(store.count(IDBKeyRange.lowerBound(last))));
  return { pages, count };
}

/**
 * The rows of `store` page by page (`pageRanges`), in primary-key order, each page to `onPage`. The
 * ranges are known beforehand, so the next page is asked for before the last is turned into text: the
 * database reads it meanwhile instead of idling through a round trip per page (`PAGES_AHEAD`). The
 * read transaction keeps the ranges valid.
 */
async function readPages(store: IDBObjectStore, pages: IDBKeyRange[], onPage: (rows: unknown[]) => void): Promise<void> {
  const asked: (Promise<unknown[]> | undefined)[] = [];
  const ask = (index: number) => {
    if (index >= pages.length) return;
    const pending = requestResult(store.getAll(pages[index]));
    // A page asked for and never awaited (the export stopped) must not surface as an unhandled rejection.
    pending.catch(() => undefined);
    asked[index] = pending;
  };
  for (let index = 0; index < PAGES_AHEAD; index += 1) ask(index);
  // A request that finds nothing: its answer comes as a task of its own, with the transaction kept.
  const turn = pageTurns(() => requestResult(store.count(IDBKeyRange.only(''))));
  for (let index = 0; index < pages.length; index += 1) {
    await turn();
    const rows = await asked[index]!;
    asked[index] = undefined;
    ask(index + PAGES_AHEAD);
    if (rows.length > 0) onPage(rows);
    // The request keeps its result (this very array) reachable until a full collection: emptied, the
    // page's rows die young instead of every row read surviving into the old generation (the bench's
    // backup heap: 27–35 MB with the rows kept, 8–11 MB emptied; the same time).
    rows.length = 0;
  }
}

/**
 * The notes in the file's order, task by task and each task's in id order (the index `[taskId+id]`):
 * each block (lib/db/note-blocks.ts, in task order) to `onBlock`, and the rows of the tasks without
 * one, between the blocks, to `onRows` in pages of `PAGE_ROWS`. A page's range starts after the
 * last row of the page before, so the next page is asked for as soon as a page arrives, before its
 * text is made (one ahead), and the first page of the next two runs between blocks ahead of those.
 */
async function readNotes(notes: IDBObjectStore, blocks: readonly NoteBlockRow[], onRows: (rows: unknown[]) => void, onBlock: (block: NoteBlockRow) => void): Promise<void> {
  const index = notes.index('[taskId+id]');
  // Each run between two blocks as a range open at both ends: [] sorts before every key, [t] before
  // every [t, id], [t, []] after them, and [[]] after every [t, id] (an array sorts after any string).
  const runs = Array.from({ length: blocks.length + 1 }, (_, at) =>
    IDBKeyRange.bound(at === 0 ? [] : [blocks[at - 1]!.taskId, []], at < blocks.length ? [blocks[at]!.taskId] : [[]], true, true),
  );
  const page = (range: IDBKeyRange) => {
    const pending = requestResult(index.getAll(range, PAGE_ROWS)) as Promise<NoteRow[]>;
    // A page asked for and never awaited (the export stopped) must not surface as an unhandled rejection.
    pending.catch(() => undefined);
    return pending;
  };
  const asked: (Promise<NoteRow[]> | undefined)[] = [];
  const ask = (at: number) => {
    if (at < runs.length) asked[at] = page(runs[at]!);
  };
  for (let at = 0; at < PAGES_AHEAD; at += 1) ask(at);
  const turn = pageTurns(() => requestResult(index.count(IDBKeyRange.only(''))));
  for (let at = 0; at < runs.length; at += 1) {
    await turn();
    let rows = await asked[at]!;
    asked[at] = undefined;
    ask(at + PAGES_AHEAD);
    let range = runs[at]!;
    while (rows.length > 0) {
      let next: Promise<NoteRow[]> | undefined;
      if (rows.length === PAGE_ROWS) {
        const last = rows.at(-1)!;
        range = IDBKeyRange.bound([last.taskId, last.id], range.upper, true, true);
        next = page(range);
      }
      onRows(rows);
      // Emptied: the page's rows die young (see `readPages`).
      rows.length = 0;
      if (!next) break;
      await turn();
      rows = await next;
    }
    const block = blocks[at];
    if (block) onBlock(block);
  }
}

/**
 * Writes what `exportBackup` returns as a Blob of JSON text (same keys, same order, byte for byte),
 * page by page. It reads IndexedDB directly (`getAll` on primary-key ranges, in one read transaction)
 * rather than through Dexie: at 600,000 rows the time is the reading, and this keeps the database
 * busy while the text of the previous pages is made.
 */
export async function exportBackupBlob(
  options: StreamOptions & { timings?: BackupTimings } = {},
): Promise<{ blob: Blob; counts: { tasks: number; workflows: number; notes: number; events: number } }> {
  const { onProgress, signal, timings } = options;
  const started = performance.now();
  let textMs = 0;
  let blobMs = 0;
  const tableMs: Record<string, number> = {};
  const db = getDb();
  if (signal?.aborted) throw abortError();
  if (!db.isOpen()) await db.open();
  const names = ['workflows', 'workflowHeads', 'tasks', 'notes', 'noteBlocks', 'events', 'eventBlocks', 'eventTally', 'settings', 'meta', 'publicKeys'] as const;
  // One read transaction: a note and its event written during the backup are both in it or both not,
  // and the blocks and their tally are read as one.
  const tx = db.backendDB().transaction([...names], 'readonly');
  const store = (name: (typeof names)[number]) => tx.objectStore(name);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      tx.abort();
    } catch {
      // Already finished: nothing left to stop.
    }
  };
  try {
    const countsStarted = performance.now();
    // Each table's keys, cut into its pages' ranges, give its count too. The events' 500,000 are not
    // read (most of a second): they are copied from their blocks, proven whole by the tally.
    const tallied = requestResult(store('eventTally').get(EVENT_TALLY_KEY)) as Promise<EventTallyRow | undefined>;
    // The notes are read task by task (`noteSection`), so only counted here.
    const noteCounted = requestResult(store('notes').count());
    const paged = ['workflows', 'workflowHeads', 'tasks', 'meta', 'publicKeys', 'eventBlocks'] as const;
    const ranges = Object.fromEntries(
      await Promise.all(paged.map(async (name) => [name, await pageRanges(store(name), name === 'eventBlocks' ? BLOCK_PAGE_ROWS : PAGE_ROWS)] as const)),
    ) as Record<(typeof names)[number], { pages: IDBKeyRange[]; count: number } | undefined>;
    const tally = (await tallied)?.count;
    const noteCount = await noteCounted;
    tableMs['counts'] = performance.now() - countsStarted;
    const counted = (name: (typeof paged)[number]) => ranges[name]!.count;
    const others = counted('workflows') + counted('workflowHeads') + counted('tasks') + counted('meta') + counted('publicKeys');
    /** The progress bar's whole: the blocks' tally stands for the events (if they are read from rows instead, it is their count too, unless tampered with). */
    const total = others + noteCount + (tally ?? 0);
    /** Rows written per table: what the file holds (the counts above were taken before the reading). */
    const written: Record<string, number> = {};
    let done = 0;
    const step = (rows: number) => {
      if (signal?.aborted) throw abortError();
      done += rows;
      onProgress?.({ done, total: Math.max(total, done) });
    };
    /** Rows (`rows`) and ready parts (`part`: a block's text, a Blob) as the text of one JSON array's elements, into `out`. */
    const elements = (out: BlobWriter, name: (typeof names)[number], map?: (row: never) => unknown) => {
      let first = true;
      const wrote = (rows: number) => {
        written[name] = (written[name] ?? 0) + rows;
        step(rows);
      };
      return {
        rows(rows: unknown[]) {
          for (let at = 0; at < rows.length; at += TEXT_ROWS) {
            const slice = rows.slice(at, at + TEXT_ROWS);
            const t0 = performance.now();
            const text = JSON.stringify(map ? slice.map((row) => map(row as never)) : slice);
            const t1 = performance.now();
            // One part per text, its comma with it: a 1-byte part per row group would make the Blob thousands of items.
            out.write(first ? text.slice(1, -1) : `,${text.slice(1, -1)}`);
            textMs += t1 - t0;
            blobMs += performance.now() - t1;
            first = false;
          }
          // Each page's text into a Blob as soon as it is made: none of it outlives the page (measured: the notes' heap peak 28–30 MB, against 32–43 with 2M characters waiting).
          out.flush();
          wrote(rows.length);
        },
        part(text: Blob, rows: number) {
          if (!first) out.write(',');
          out.write(text);
          first = false;
          wrote(rows);
        },
      };
    };
    /** One table's rows as the text of a JSON array's elements, one native call per page (its brackets cut off). */
    const section = async (name: (typeof names)[number], map?: (row: never) => unknown): Promise<Blob> => {
      const out = new BlobWriter();
      const t = performance.now();
      // The events' and the notes' ranges are cut only here, when their blocks could not be used.
      await readPages(store(name), (ranges[name] ??= await pageRanges(store(name))).pages, elements(out, name, map).rows);
      tableMs[name] = performance.now() - t;
      return out.blob();
    };
    /**
     * The notes, task by task (`readNotes`): a task's block as it is (a Blob: the file refers to it,
     * nothing is read or copied), the other tasks' rows as text, in the order the rows would give. The
     * blocks and the rows must hold as many notes as the table; if not (a note moved to another task,
     * a row outside the index), every note is read from its rows instead, in the table's order.
     */
    const noteSection = async (): Promise<Blob> => {
      const t = performance.now();
      const blockRows = (await requestResult(store('noteBlocks').getAll())) as NoteBlockRow[];
      // A block that could not be a task's notes (none, or no text) is passed over: its task's rows are read.
      const blocks = blockRows.filter((block) => typeof block.taskId === 'string' && block.count > 0 && block.text instanceof Blob && block.text.size > 0);
      const out = new BlobWriter();
      const into = elements(out, 'notes', fromNoteRow);
      await readNotes(store('notes'), blocks, into.rows, (block) => into.part(block.text, block.count));
      tableMs['notes'] = performance.now() - t;
      if ((written['notes'] ?? 0) === noteCount) return out.blob();
      done -= written['notes'] ?? 0;
      written['notes'] = 0;
      return section('notes', fromNoteRow);
    };
    /**
     * The events, copied from their blocks' text (lib/db/event-blocks.ts): no row read one by one, no
     * stringify, and a block stored as a Blob not even read: the file refers to it. The blocks must
     * hold as many events as their tally, written with them in every transaction, each block as many
     * as its seq range and each chain's in order; if not (a block lost or cut short, the tally
     * missing), the events are read from their rows instead: slower, the same file.
     */
    const eventSection = async (): Promise<Blob> => {
      const t = performance.now();
      const out = new BlobWriter();
      let inBlocks = 0;
      let inOrder = true;
      let previous: EventBlockRow | undefined;
      await readPages(
        store('eventBlocks'),
        ranges.eventBlocks!.pages,
        (rows) => {
          const t0 = performance.now();
          let count = 0;
          for (const block of rows as EventBlockRow[]) {
            if ((previous?.taskId === block.taskId && block.firstSeq <= previous.lastSeq) || block.count !== block.lastSeq - block.firstSeq + 1 || !(block.utf8 instanceof Blob || ArrayBuffer.isView(block.utf8))) inOrder = false;
            else {
              // The Blob or the bytes as they are: never a string on the heap.
              if (inBlocks + count > 0) out.write(',');
              out.write(block.utf8);
            }
            count += block.count;
            previous = block;
          }
          inBlocks += count;
          blobMs += performance.now() - t0;
          step(count);
        },
      );
      tableMs['eventBlocks'] = performance.now() - t;
      if (inOrder && tally !== undefined && inBlocks === tally) {
        written['events'] = inBlocks;
        return out.blob();
      }
      done -= inBlocks;
      return section('events');
    };
    const header = `{"format":${JSON.stringify(BACKUP_FORMAT)},"formatVersion":${BACKUP_FORMAT_VERSION},"exportedAt":${JSON.stringify(new Date().toISOString())},"schemaVersion":${SCHEMA_VERSION}`;
    // One table after the other: a transaction's requests are served one at a time anyway, so reading
    // the tables side by side gained nothing, and it held a page of each (and its text) at once.
    const workflowText = await section('workflows');
    const headText = await section('workflowHeads');
    const taskText = await section('tasks', fromTaskRow);
    const noteText = await noteSection();
    const eventText = await eventSection();
    const metaText = await section('meta');
    // Public keys only: the private key cannot leave this browser (it is not extractable).
    const keyText = await section('publicKeys', (row: PublicKeyRow) => ({ fingerprint: row.fingerprint, publicKey: row.publicKey, name: row.knownAs ?? row.names.at(-1) ?? '' }));
    const settingsRow = (await requestResult(store('settings').get('settings'))) as { value: unknown } | undefined;
    const settings = settingsRow?.value ?? null;
    const blob = new Blob(
      [
        header,
        ',"workflows":[', workflowText,
        '],"workflowHeads":[', headText,
        '],"tasks":[', taskText,
        '],"notes":[', noteText,
        '],"events":[', eventText,
        `],"settings":${JSON.stringify(settings)},"meta":[`, metaText,
        '],"keys":[', keyText,
        ']}',
      ],
      { type: 'application/json' },
    );
    if (timings) {
      const totalMs = performance.now() - started;
      Object.assign(timings, { totalMs, textMs, blobMs, databaseMs: totalMs - textMs - blobMs, tableMs });
    }
    return { blob, counts: { tasks: counted('tasks'), workflows: counted('workflowHeads'), notes: written['notes'] ?? 0, events: written['events'] ?? 0 } };
  } catch (error) {
    stop();
    throw signal?.aborted ? abortError() : error;
  }
}

/** A file that is not one JSON object as a backup or task file writes it. */
export class NotJsonError extends Error {
  constructor(message = 'This file is not JSON, so it is not a ConvOps backup or task file.') {
    super(message);
    this.name = 'NotJsonError';
  }
}

const State = {
  Start: 0,
  KeyOrEnd: 1,
  Key: 2,
  InKey: 3,
  Colon: 4,
  Value: 5,
  Raw: 6,
  ArrayFirst: 7,
  ArrayNext: 8,
  Element: 9,
  AfterValue: 10,
  Done: 11,
} as const;
type State = (typeof State)[keyof typeof State];

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Frames one top-level JSON object: `{"key": [element, …], "key": value, …}`. Each array element and
 * each other value is parsed by `JSON.parse` as soon as its text is complete; the text before it is
 * dropped. Resumable across chunks. A property named `__proto__` becomes an own property, as with
 * `JSON.parse`, never the object's prototype.
 */
export class TopLevelFramer {
  readonly result: Record<string, unknown> = {};
  /**
   * Takes each parsed array element (`element` true) or other top-level value as it completes; when it
   * returns true the value is not kept in `result` (its array stays empty), so memory stays flat.
   */
  sink?: (key: string, value: unknown, element: boolean) => boolean;
  /** Told each top-level key as it is read (a key may come twice: `JSON.parse` keeps the last value). */
  onKey?: (key: string) => void;
  private state: State = State.Start;
  /** Text of the value being captured, from earlier chunks. */
  private pending: string[] = [];
  private key = '';
  private array: unknown[] = [];
  private depth = 0;
  private inString = false;
  private escaped = false;

  private set(key: string, value: unknown): void {
    Object.defineProperty(this.result, key, { value, enumerable: true, writable: true, configurable: true });
  }

  private parse(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      if (error instanceof RangeError) throw new NotJsonError('This file nests too deeply to be a ConvOps backup or task file.');
      throw new NotJsonError();
    }
  }

  private take(chunk: string, start: number, end: number): string {
    const text = this.pending.length ? this.pending.join('') + chunk.slice(start, end) : chunk.slice(start, end);
    this.pending = [];
    return text;
  }

  /** Scans a value's text from `i`; returns where it ended (at the `,` `]` or `}` after it) or -1. */
  private scan(chunk: string, i: number, closers: number): number {
    for (; i < chunk.length; i += 1) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
      } else if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) {
        this.depth += 1;
        // Stops a hostile nesting before JSON.parse recurses into it; the exact limit is checked later.
        if (this.depth > MAX_FILE_DEPTH + 2) throw new NotJsonError('This file nests too deeply to be a ConvOps backup or task file.');
      } else if (c === 0x7d || c === 0x5d) {
        if (this.depth === 0) {
          if (c === closers) return i;
          throw new NotJsonError();
        }
        this.depth -= 1;
      } else if (c === 0x2c && this.depth === 0) return i;
    }
    return -1;
  }

  push(chunk: string): void {
    let i = 0;
    let start = 0;
    while (i < chunk.length) {
      const c = chunk.charCodeAt(i);
      switch (this.state) {
        case State.Start:
        case State.KeyOrEnd:
        case State.Key:
        case State.Colon:
        case State.Value:
        case State.ArrayFirst:
        case State.ArrayNext:
        case State.AfterValue:
        case State.Done:
          if (isSpace(c)) {
            i += 1;
            continue;
          }
          break;
        default:
          break;
      }
      switch (this.state) {
        case State.Start:
          if (c !== 0x7b) throw new NotJsonError();
          this.state = State.KeyOrEnd;
          i += 1;
          break;
        case State.KeyOrEnd:
        case State.Key:
          if (c === 0x7d && this.state === State.KeyOrEnd) {
            this.state = State.Done;
            i += 1;
            break;
          }
          if (c !== 0x22) throw new NotJsonError();
          this.state = State.InKey;
          start = i;
          i += 1;
          break;
        case State.InKey: {
          for (; i < chunk.length; i += 1) {
            const k = chunk.charCodeAt(i);
            if (this.escaped) this.escaped = false;
            else if (k === 0x5c) this.escaped = true;
            else if (k === 0x22) break;
          }
          if (i === chunk.length) break;
          const key = this.parse(this.take(chunk, start, i + 1));
          this.key = key as string;
          this.onKey?.(this.key);
          this.state = State.Colon;
          i += 1;
          break;
        }
        case State.Colon:
          if (c !== 0x3a) throw new NotJsonError();
          this.state = State.Value;
          i += 1;
          break;
        case State.Value:
          if (c === 0x5b) {
            this.array = [];
            this.set(this.key, this.array);
            this.state = State.ArrayFirst;
            i += 1;
          } else {
            this.state = State.Raw;
            start = i;
          }
          break;
        case State.Raw: {
          const end = this.scan(chunk, i, 0x7d);
          if (end < 0) {
            i = chunk.length;
            break;
          }
          const value = this.parse(this.take(chunk, start, end));
          if (!this.sink?.(this.key, value, false)) this.set(this.key, value);
          this.state = chunk.charCodeAt(end) === 0x2c ? State.Key : State.Done;
          i = end + 1;
          break;
        }
        case State.ArrayFirst:
        case State.ArrayNext:
          if (c === 0x5d && this.state === State.ArrayFirst) {
            this.state = State.AfterValue;
            i += 1;
            break;
          }
          this.state = State.Element;
          start = i;
          break;
        case State.Element: {
          const end = this.scan(chunk, i, 0x5d);
          if (end < 0) {
            i = chunk.length;
            break;
          }
          const element = this.parse(this.take(chunk, start, end));
          if (!this.sink?.(this.key, element, true)) this.array.push(element);
          this.state = chunk.charCodeAt(end) === 0x2c ? State.ArrayNext : State.AfterValue;
          i = end + 1;
          break;
        }
        case State.AfterValue:
          if (c === 0x2c) this.state = State.Key;
          else if (c === 0x7d) this.state = State.Done;
          else throw new NotJsonError();
          i += 1;
          break;
        case State.Done:
          throw new NotJsonError();
      }
    }
    if (this.state === State.InKey || this.state === State.Raw || this.state === State.Element) this.pending.push(chunk.slice(start));
  }

  end(): Record<string, unknown> {
    if (this.state !== State.Done) throw new NotJsonError();
    return this.result;
  }
}

/** For a reader that takes the file's values as they come (lib/db/backup-restore.ts) instead of a whole object. */
export interface FramedReadOptions extends StreamOptions {
  /** See `TopLevelFramer.sink` and `onKey`. */
  sink?: TopLevelFramer['sink'];
  onKey?: TopLevelFramer['onKey'];
  /** Awaited after each chunk, before the next is read: where the sink's async work happens. */
  afterChunk?: () => Promise<void>;
}

/**
 * Bytes decoded and framed at a time. A file's stream comes in chunks of 2 MB in Chromium: framed
 * whole, a chunk's 3,000 notes or 8,000 events were all parsed at once and then waited, drained one by
 * one, through several young-generation collections, so they were promoted (and its 2M-character
 * text, a large object, waited for a full collection): the 181 MB restore's passes peaked at 45 MB.
 */
const FRAME_BYTES = 64 * 1024;

/**
 * Reads a backup or task file from its stream, reporting bytes read; returns the parsed object (what
 * `sink` took is left out of it). The restore (lib/db/backup-restore.ts) reads backups through it
 * element by element; a task file read whole goes to `planTaskFile`.
 */
export async function readJsonStream(stream: ReadableStream<Uint8Array>, totalBytes: number, options: FramedReadOptions = {}): Promise<unknown> {
  const { onProgress, signal, sink, onKey, afterChunk } = options;
  const decoder = new TextDecoder();
  const framer = new TopLevelFramer();
  framer.sink = sink;
  framer.onKey = onKey;
  const reader = stream.getReader();
  let done = 0;
  const turn = pageTurns();
  /** Before each read and each piece: the page's turn, if due, then a Cancel that came meanwhile. */
  const checkpoint = async () => {
    await turn();
    if (signal?.aborted) throw abortError();
  };
  try {
    for (;;) {
      await checkpoint();
      const next = await reader.read();
      if (next.done) break;
      for (let at = 0; at < next.value.byteLength; at += FRAME_BYTES) {
        if (at > 0) await checkpoint();
        const piece = next.value.subarray(at, at + FRAME_BYTES);
        done += piece.byteLength;
        framer.push(decoder.decode(piece, { stream: true }));
        await afterChunk?.();
        onProgress?.({ done, total: totalBytes });
      }
    }
    framer.push(decoder.decode());
    return framer.end();
  } finally {
    reader.releaseLock();
  }
}

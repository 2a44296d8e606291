// Long on purpose: the one restore path (preview over the file's stream, then the write pass) shares its per-row state between the passes; the rules it applies are backup.ts's.
import type { z } from 'zod';
import { MAX_FILE_DEPTH, tooDeepAt } from '@/lib/workflow/file-format';
import { auditEventSchema, noteSchema, taskSchema, type Actor, type AuditEvent, type Note, type Task } from '@/lib/workflow/records';
import {
  addSigner,
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  backupFileSchema,
  checkWorkflows,
  describeZodError,
  digestNote,
  duplicatedIds,
  honestKeys,
  IMPORTER,
  importDraft,
  listRefusedVersions,
  mergeSettingsAndKeys,
  mergeWorkflows,
  parseFile,
  taskFileSchema,
  TaskJudgement,
  versionKey,
  writeRestoredTask,
  type BackupFile,
  type ChainHead,
  type CheckedWorkflows,
  type KeptRows,
  type RestorePlan,
  type RestoreReport,
  type TaskPlanItem,
} from './backup';
import { NotJsonError, pageTurns, readJsonStream, type StreamOptions } from './backup-stream';
import { getDb, type ConvOpsDatabase } from './database';
import { BackupError } from './errors';
import { chainEvents, importChain, isTaskChain } from './events-repo';
import { ChainVerifier } from './hash-chain';
import { SCHEMA_VERSION } from './migrations';
import { NoteDigestStore } from './note-digests';
import { metaRowSchema, toNoteRow, workflowHeadSchema, workflowRecordSchema } from './records';
import { publicKeyEntrySchema, ownSigningKey } from './signing';

/**
 * The one way a backup or a task file is checked and merged, in two passes over the file's stream.
 *
 * The preview (`planBackupFile`) reads the file once and keeps no notes and no events: a note leaves
 * a digest (its id, step and body hash), and each task's chain is judged as its events stream by
 * (`TaskJudgement`: verified, replayed, its row and notes checked against it), keeping the verdict
 * and the chain's head, never the chain. The restore (`applyRestore`) reads the file again and writes
 * what the preview accepted in batches.
 *
 * Memory stays flat for a file in the order ConvOps writes it: its keys in that order, and each
 * chain's events together in sequence order (a chain's verdict is drawn when the next one starts). A file in
 * any other order (hand-edited: keys moved or given twice, a chain shuffled) is read by the same
 * reader and judged by the same rules, its events held per chain until the end of the file; a key
 * given twice counts as `JSON.parse` reads it, the last one.
 *
 * A task file, and a backup handed over as a value (tests, tools), are turned into a backup's text
 * first (a task file is one task of a backup), so they pass through here too.
 */

/** The keys of a backup in the order `exportBackupBlob` writes them. */
const ORDER = ['format', 'formatVersion', 'exportedAt', 'schemaVersion', 'workflows', 'workflowHeads', 'tasks', 'notes', 'events', 'settings', 'meta', 'keys'] as const;
type BackupKey = (typeof ORDER)[number];
const SCALARS = new Set<string>(['format', 'formatVersion', 'exportedAt', 'schemaVersion', 'settings']);
const ELEMENTS: Partial<Record<BackupKey, z.ZodType>> = {
  workflows: workflowRecordSchema,
  workflowHeads: workflowHeadSchema,
  tasks: taskSchema,
  notes: noteSchema,
  events: auditEventSchema,
  meta: metaRowSchema,
  keys: publicKeyEntrySchema,
};
const MAX_KEYS = 10_000;
/** Rows written per transaction by the restore. */
const WRITE_BATCH = 2_000;

/** The file is not in the order the flat-memory reading needs; it is read again, holding its chains. */
class NotInOrder extends Error {}

type Row = { kind: 'note'; value: Note } | { kind: 'event'; value: AuditEvent };

/**
 * One pass over a backup's text: each top-level value and array element checked as it completes
 * (depth, then its own schema), kept when small, queued when a note or an event; `drain` then
 * handles the queue, between chunks, with whatever async work it takes.
 *
 * `lastOccurrence` unset: keys must come in ConvOps' order, each once (else `NotInOrder`). Set (a
 * file read again after that): any order, and of a key given more than once only its last
 * occurrence is read at all, as `JSON.parse` keeps only the last.
 */
class BackupReader {
  readonly scalars: Record<string, unknown> = {};
  readonly kept: KeptRows = { workflows: [], workflowHeads: [], tasks: [], settings: null, meta: [], keys: [] };
  readonly unknownKeys: string[] = [];
  readonly seen = new Set<string>();
  /** Times each key was met so far. */
  readonly occurrences = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  private current = -1;
  /** The value being read belongs to an occurrence of its key that a later one replaces. */
  private superseded = false;
  private queue: Row[] = [];

  constructor(
    private readonly keepSmall: boolean,
    private readonly lastOccurrence?: ReadonlyMap<string, number>,
  ) {}

  readonly onKey = (key: string): void => {
    const occurrence = (this.occurrences.get(key) ?? 0) + 1;
    this.occurrences.set(key, occurrence);
    this.superseded = this.lastOccurrence !== undefined && occurrence < (this.lastOccurrence.get(key) ?? 1);
    const at = ORDER.indexOf(key as BackupKey);
    if (at < 0) {
      // Reported by the file check at the end ("unrecognized key"); its value is not kept.
      if (!this.unknownKeys.includes(key)) this.unknownKeys.push(key);
      return;
    }
    if (!this.lastOccurrence && (this.seen.has(key) || at < this.current)) throw new NotInOrder();
    this.current = at;
    this.seen.add(key);
  };

  readonly sink = (key: string, value: unknown, element: boolean): boolean => {
    if (this.superseded || !ORDER.includes(key as BackupKey)) return true;
    if (!element) {
      // A scalar (or a value where an array belongs): checked with the rest of the file's shape.
      this.scalars[key] = value;
      if (SCALARS.has(key)) {
        const parsed = backupFileSchema.shape[key as 'format'].safeParse(value);
        if (!parsed.success) throw new BackupError(`This is not a valid ConvOps backup: ${describeZodError(parsed.error, [key])}`);
        this.scalars[key] = parsed.data;
      }
      return true;
    }
    const index = this.counts.get(key) ?? 0;
    this.counts.set(key, index + 1);
    if (key === 'keys' && index >= MAX_KEYS) throw new BackupError(`This is not a valid ConvOps backup: keys: Too big: expected array to have <=${MAX_KEYS} items`);
    // Depth first: Zod and every later walk (canonical JSON, structured clone) recurse.
    const deep = tooDeepAt(value, MAX_FILE_DEPTH - 2);
    if (deep !== undefined) {
      const place = deep === 'file' ? '' : deep.startsWith('[') ? deep : `.${deep}`;
      throw new BackupError(`This is not a valid ConvOps backup: ${key}[${index}]${place} nests more than ${MAX_FILE_DEPTH} levels deep.`);
    }
    const schema = ELEMENTS[key as BackupKey];
    if (!schema) {
      // An array where a single value belongs (format, settings…): the file check refuses it.
      this.scalars[key] = [];
      return true;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new BackupError(`This is not a valid ConvOps backup: ${describeZodError(parsed.error, [key, index])}`);
    if (key === 'notes') this.queue.push({ kind: 'note', value: parsed.data as Note });
    else if (key === 'events') this.queue.push({ kind: 'event', value: parsed.data as AuditEvent });
    else if (this.keepSmall) (this.kept[key as 'tasks'] as unknown[]).push(parsed.data);
    return true;
  };

  take(): Row[] {
    const rows = this.queue;
    this.queue = [];
    return rows;
  }

  /** The file's shape, once read: every key there and of the right kind, none unknown. */
  checkShape(result: Record<string, unknown>): void {
    const shape: Record<string, unknown> = {};
    for (const key of ORDER) {
      if (key in this.scalars) shape[key] = this.scalars[key];
      else if (this.seen.has(key) || Object.hasOwn(result, key)) shape[key] = [];
    }
    // An own property even for "__proto__" (an assignment would set the prototype, and the strict check would not see it).
    for (const key of [...this.unknownKeys, ...Object.keys(result).filter((key) => !ORDER.includes(key as BackupKey))]) {
      Object.defineProperty(shape, key, { value: null, enumerable: true, writable: true, configurable: true });
    }
    const parsed = backupFileSchema.safeParse(shape);
    if (!parsed.success) throw new BackupError(`This is not a valid ConvOps backup: ${describeZodError(parsed.error)}`);
    this.kept.settings = (parsed.data as BackupFile).settings;
  }
}

/** Reads `blob` once through `reader`, handing each chunk's queued rows to `drain`. */
async function pass(blob: Blob, reader: BackupReader, on: { note: (note: Note) => Promise<void>; event: (event: AuditEvent) => Promise<void> }, options: StreamOptions): Promise<void> {
  // A chunk holds hundreds of rows: the page gets its turns between them too.
  const turn = pageTurns();
  const drain = async (rows: Row[]) => {
    for (const row of rows) {
      await turn();
      await (row.kind === 'note' ? on.note(row.value) : on.event(row.value));
    }
  };
  const result = (await readJsonStream(blob.stream(), blob.size, { ...options, sink: reader.sink, onKey: reader.onKey, afterChunk: () => drain(reader.take()) })) as Record<string, unknown>;
  await drain(reader.take());
  reader.checkShape(result);
}

/** Which occurrence of each key counts: a pass that only reads the keys (for a file read in any order). */
async function lastOccurrences(blob: Blob, options: StreamOptions): Promise<Map<string, number>> {
  const last = new Map<string, number>();
  await readJsonStream(blob.stream(), blob.size, { signal: options.signal, onKey: (key) => void last.set(key, (last.get(key) ?? 0) + 1), sink: () => true });
  return last;
}

const bySeqThenHash = (a: AuditEvent, b: AuditEvent) => a.seq - b.seq || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0);

/** A chain being read: its events are judged as they come (a task's), or verified (any other chain). */
interface OpenChain {
  id: string;
  /** The seq of its last event so far. */
  seq: number;
  push(event: AuditEvent): Promise<void>;
  close(): Promise<void>;
}

/**
 * Checks a backup file and says, per task, what restoring it would do; writes nothing. Keeps no note
 * and no event of a file in ConvOps' order (see the top of this file); a file in any other order is
 * read again holding its chains, with the same rules and so the same verdicts.
 */
export async function planBackupFile(blob: Blob, options: StreamOptions = {}, source: RestorePlan['source'] = 'backup'): Promise<RestorePlan> {
  try {
    return await planPass(blob, options, source);
  } catch (error) {
    if (!(error instanceof NotInOrder) && !(error instanceof BackupError)) throw error;
    // A refusal may come from a value that a later copy of its key replaces (JSON.parse keeps the last):
    // only a file that gives a key twice is read again to know.
    const last = await lastOccurrences(blob, options);
    if (error instanceof BackupError && [...last.values()].every((count) => count === 1)) throw error;
    return planPass(blob, options, source, last);
  }
}

async function planPass(blob: Blob, options: StreamOptions, source: RestorePlan['source'], lastOccurrence?: ReadonlyMap<string, number>): Promise<RestorePlan> {
  const db = getDb();
  const ordered = !lastOccurrence;
  const reader = new BackupReader(true, lastOccurrence);
  // Per task, each live note's digest, until its chain is read (the events come after every note);
  // deleted notes are not checked, so not kept.
  const notes = new NoteDigestStore();
  const judged = new Map<string, TaskPlanItem>();
  const heads = new Map<string, { local: ChainHead; file: ChainHead }>();
  const signers = new Map<string, Set<string>>();
  const quarantinedChains: string[] = [];
  const finished = new Set<string>();
  /** A file read in any order: every chain's events, held until the file has been read. */
  const held = new Map<string, AuditEvent[]>();
  let prepared: { checked: CheckedWorkflows; tasks: Map<string, Task>; twice: Set<string> } | undefined;
  let open: OpenChain | undefined;

  const prepare = async () => {
    if (prepared) return prepared;
    const tasks = new Map<string, Task>();
    for (const task of reader.kept.tasks) if (!tasks.has(task.id)) tasks.set(task.id, task);
    prepared = { checked: await checkWorkflows(db, reader.kept.workflows), tasks, twice: duplicatedIds(reader.kept.tasks) };
    return prepared;
  };
  const judge = async (task: Task, judgement: TaskJudgement) => {
    const { item, localHead, fileHead } = judgement.finish(notes.take(task.id));
    judged.set(task.id, item);
    heads.set(task.id, { local: localHead, file: fileHead });
    if (item.status === 'refused' || item.status === 'diverged') return;
    for (const [key, names] of judgement.signers) for (const name of names) signers.set(key, (signers.get(key) ?? new Set()).add(name));
  };
  const openChain = async (id: string): Promise<OpenChain> => {
    finished.add(id);
    if (isTaskChain(id)) {
      const { checked, tasks, twice } = await prepare();
      const task = tasks.get(id);
      // A task's events without the task are left out.
      if (!task) return { id, seq: 0, push: async () => {}, close: async () => void quarantinedChains.push(id) };
      const judgement = await TaskJudgement.open(db, checked, task, twice.has(id));
      return { id, seq: 0, push: (event) => judgement.push(event), close: () => judge(task, judgement) };
    }
    // A chain outside tasks (settings, workflow history, import records) that does not verify is left out.
    const verifier = new ChainVerifier();
    return {
      id,
      seq: 0,
      push: async (event) => {
        addSigner(signers, event);
        await verifier.push(event);
      },
      close: async () => {
        if (!verifier.verdict().ok) quarantinedChains.push(id);
      },
    };
  };
  const close = async () => {
    const chain = open;
    open = undefined;
    await chain?.close();
  };

  await pass(
    blob,
    reader,
    {
      note: async (note) => {
        if (note.deleted) return;
        notes.add(note.taskId, digestNote(note));
      },
      event: async (event) => {
        if (!ordered) {
          const chain = held.get(event.taskId);
          if (chain) chain.push(event);
          else held.set(event.taskId, [event]);
          return;
        }
        if (open?.id !== event.taskId) {
          await close();
          if (finished.has(event.taskId)) throw new NotInOrder();
          open = await openChain(event.taskId);
        } else if (event.seq <= open.seq) throw new NotInOrder();
        open.seq = event.seq;
        await open.push(event);
      },
    },
    options,
  );
  await close();
  // Held chains in the order ConvOps writes them (by id), each in sequence order (two events at one
  // seq, which the chain check refuses, by hash: so the file's order never changes the verdict's words).
  for (const id of [...held.keys()].sort()) {
    const chain = await openChain(id);
    for (const event of held.get(id)!.sort(bySeqThenHash)) await chain.push(event);
    await chain.close();
  }
  const { checked, tasks, twice } = await prepare();
  // Tasks without a single event in the file are judged on an empty chain (and so refused).
  for (const task of tasks.values()) if (!judged.has(task.id)) await judge(task, await TaskJudgement.open(db, checked, task, twice.has(task.id)));

  return {
    source,
    exportedAt: String(reader.scalars['exportedAt']),
    items: [...tasks.keys()].map((id) => judged.get(id)!),
    refusedWorkflowVersions: listRefusedVersions(checked.refusedVersions),
    // Sorted, so that the order of a file's chains changes neither the list nor the names a key is known by.
    quarantinedChains: quarantinedChains.sort(),
    read: { blob, kept: reader.kept, heads, signers: new Map([...signers].map(([key, names]) => [key, new Set([...names].sort())])), ordered, lastOccurrence: lastOccurrence ?? new Map() },
  };
}

/** Notes of taken tasks, written in batches: one already here (same id or same captured reply) is left as it is. */
async function writeNotes(db: ConvOpsDatabase, batch: Note[], report: RestoreReport): Promise<void> {
  if (batch.length === 0) return;
  const rows = batch.map(toNoteRow);
  await db.transaction('rw', db.notes, async () => {
    const ids = new Set((await db.notes.bulkGet(rows.map((row) => row.id))).flatMap((row) => (row ? [row.id] : [])));
    const captureKeys = rows.flatMap((row) => (row.captureKey ? [row.captureKey] : []));
    const captured = new Set(captureKeys.length ? (await db.notes.where('captureKey').anyOf(captureKeys).toArray()).map((row) => row.captureKey) : []);
    const adding = [];
    for (const row of rows) {
      if (ids.has(row.id) || (row.captureKey && captured.has(row.captureKey))) {
        report.skipped.notes += 1;
        continue;
      }
      ids.add(row.id);
      if (row.captureKey) captured.add(row.captureKey);
      adding.push(row);
    }
    if (adding.length) await db.notes.bulkAdd(adding);
    report.added.notes += adding.length;
  });
}

/**
 * Writes what a preview accepted, reading the file a second time: the workflow versions, then the
 * notes and events of the taken tasks and verified chains in batches, then the task rows with their
 * import records, then settings (when there are none here), meta and the signers' public keys.
 * Nothing of a refused or diverged task is written. A task whose local chain moved since the preview
 * is kept as it is here (its chain head is what the preview judged against). From a task file, only
 * the workflow versions its taken task is pinned to are added.
 *
 * Batches are separate transactions (one cannot stay open while the file is read), so a restore that
 * stops half way (cancelled, or the browser closed) leaves what it wrote; every row is keyed, so
 * restoring the same file again completes it without duplicating anything.
 */
export async function applyRestore(plan: RestorePlan, actor: Actor = IMPORTER, options: StreamOptions = {}): Promise<RestoreReport> {
  const { blob, kept, heads, signers, ordered, lastOccurrence } = plan.read;
  const db = getDb();
  const accepted = new Map(plan.items.filter((item) => item.status !== 'refused' && item.status !== 'diverged').map((item) => [item.id, item]));
  const refusedVersions = new Set(plan.refusedWorkflowVersions.map((item) => versionKey(item.id, item.version)));
  const quarantined = new Set(plan.quarantinedChains);
  const keys = await honestKeys(kept.keys);
  const report: RestoreReport = {
    added: { workflowVersions: 0, tasks: 0, notes: 0, events: 0, settings: false },
    updatedTasks: 0,
    skipped: { workflowVersions: 0, tasks: 0, notes: 0, events: 0 },
    divergedChains: plan.items.filter((item) => item.status === 'diverged').map((item) => item.id),
    refused: plan.items.filter((item) => item.status === 'refused').map((item) => ({ id: item.id, title: item.title, reason: item.reason ?? '' })),
    quarantinedChains: [...quarantined],
  };
  // The import record is signed below, in a transaction that also writes `publicKeys`: the key must exist first.
  if (actor.kind === 'human') await ownSigningKey(db).catch(() => undefined);

  // A task file brings its task's workflow version; a backup, the library's whole history.
  const neededVersions = new Set(kept.tasks.filter((task) => accepted.has(task.id)).map((task) => versionKey(task.workflowId, task.workflowVersion)));
  await db.transaction('rw', [db.workflows, db.workflowHeads], () =>
    mergeWorkflows(
      db,
      kept.workflows.filter((record) => !refusedVersions.has(versionKey(record.id, record.version)) && (plan.source === 'backup' || neededVersions.has(versionKey(record.id, record.version)))),
      kept.workflowHeads,
      report,
    ),
  );
  await db.transaction('r', db.events, async () => {
    for (const id of [...accepted.keys()]) {
      const last = await db.events.where('[taskId+seq]').between([id, 0], [id, Infinity]).last();
      const before = heads.get(id)?.local ?? null;
      if ((last?.seq ?? 0) === (before?.seq ?? 0) && (last?.hash ?? '') === (before?.hash ?? '')) continue;
      // Changed here between the preview and now: the local history wins, as it would in a new preview.
      accepted.delete(id);
      report.divergedChains.push(id);
      report.skipped.events += heads.get(id)?.file?.seq ?? 0;
    }
  });

  const reader = new BackupReader(false, ordered ? undefined : lastOccurrence);
  let notes: Note[] = [];
  let events: AuditEvent[] = [];
  /** The chain being read: its local events (outside tasks) or head (tasks), and whether it is taken. */
  let open: { id: string; take: boolean; localLength: number; local?: AuditEvent[]; diverged: boolean; count: number } | undefined;
  const flushEvents = async () => {
    if (events.length === 0) return;
    const rows = events;
    events = [];
    await db.transaction('rw', db.events, () => db.events.bulkAdd(rows));
    report.added.events += rows.length;
  };
  const close = () => {
    if (!open) return;
    if (open.take && open.diverged) report.skipped.events += open.count;
    else if (open.take) report.skipped.events += Math.min(open.localLength, open.count);
    open = undefined;
  };
  const startChain = async (id: string) => {
    close();
    const isTask = isTaskChain(id);
    // Another browser's merge records of a task that is not taken here would describe nothing here.
    const take = (isTask ? accepted.has(id) : !quarantined.has(id)) && !(id.startsWith('import:') && !accepted.has(id.slice('import:'.length)));
    if (!take) return (open = { id, take, localLength: 0, diverged: false, count: 0 });
    if (isTask) return (open = { id, take, localLength: heads.get(id)?.local?.seq ?? 0, diverged: false, count: 0 });
    // Outside tasks the local chain is read (they are short) and compared as the file's streams by.
    await flushEvents();
    const local = await db.events.where('[taskId+seq]').between([id, 0], [id, Infinity]).toArray();
    return (open = { id, take, localLength: local.length, local, diverged: false, count: 0 });
  };
  /** One event of the file, its chain's events arriving together and in sequence order. */
  const takeEvent = async (event: AuditEvent) => {
    if (open?.id !== event.taskId) await startChain(event.taskId);
    const chain = open!;
    // Read in order, a chain's events rise (the preview saw them do so); held, only a taken chain's must (it verified).
    if (event.seq <= chain.count && (ordered || chain.take)) throw new BackupError('The file changed while it was restored; restore it again.');
    chain.count = Math.max(chain.count, event.seq);
    if (!chain.take || chain.diverged) return;
    if (chain.local && event.seq <= chain.local.length) {
      // The file's chain and the local one must agree wherever both have an event (both verify, so seq is the place).
      const here = chain.local[event.seq - 1]!;
      if (here.seq !== event.seq || here.hash !== event.hash) chain.diverged = true;
      return;
    }
    if (event.seq <= chain.localLength) return;
    events.push(event);
    if (events.length >= WRITE_BATCH) await flushEvents();
  };
  /** A file read in any order: the events of the chains it writes, held until the file has been read. */
  const held = new Map<string, AuditEvent[]>();

  await pass(
    blob,
    reader,
    {
      note: async (note) => {
        // A refused or diverged task keeps its local record whole: notes without their events would not add up.
        if (!accepted.has(note.taskId)) report.skipped.notes += 1;
        else notes.push(note);
        if (notes.length >= WRITE_BATCH) {
          await writeNotes(db, notes, report);
          notes = [];
        }
      },
      event: async (event) => {
        await writeNotes(db, notes, report);
        notes = [];
        if (ordered) return takeEvent(event);
        const chain = held.get(event.taskId);
        if (chain) chain.push(event);
        else held.set(event.taskId, [event]);
      },
    },
    options,
  );
  await writeNotes(db, notes, report);
  notes = [];
  for (const id of [...held.keys()].sort()) for (const event of held.get(id)!.sort(bySeqThenHash)) await takeEvent(event);
  close();
  await flushEvents();

  // A task given twice in the file is refused, so each taken task occurs once.
  const taking = kept.tasks.filter((task) => accepted.has(task.id));
  const importedFrom = (task: Task) => ({ source: plan.source, exportedAt: plan.exportedAt, fileHead: heads.get(task.id)?.file ?? null });
  // Each taken task's import record, hashed (and signed) before the write: made one by one inside it,
  // every hash would hold the transaction open waiting on WebCrypto (1,000 tasks: most of the restore).
  const importHeads = await db.transaction('r', db.events, () =>
    Promise.all(taking.map((task) => db.events.where('[taskId+seq]').between([importChain(task.id), 0], [importChain(task.id), Infinity]).last())),
  );
  const prepared = new Map<string, { after: ChainHead; events: AuditEvent[] }>();
  for (const [index, task] of taking.entries()) {
    const head = importHeads[index];
    const after = head ? { seq: head.seq, hash: head.hash } : null;
    prepared.set(task.id, { after, events: await chainEvents(db, importChain(task.id), head, [importDraft(task, actor, importedFrom(task))]) });
  }
  await db.transaction('rw', [db.workflows, db.workflowHeads, db.tasks, db.notes, db.events, db.settings, db.meta, db.publicKeys], async () => {
    for (const task of taking) await writeRestoredTask(db, task, accepted.get(task.id)!.status, report, actor, importedFrom(task), prepared.get(task.id));
  });

  await db.transaction('rw', [db.settings, db.meta, db.publicKeys], () => mergeSettingsAndKeys(db, kept.settings, kept.meta, keys, signers, report));
  return report;
}

/** A file handed over as a value: refused unless it is one object, nesting within the limit. */
function fileText(input: unknown, what: string): string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new BackupError(`This is not a valid ConvOps ${what}: file: Invalid input: expected object`);
  // Depth first: the text is made by a walk that recurses.
  const deep = tooDeepAt(input);
  if (deep !== undefined) throw new BackupError(`This is not a valid ConvOps ${what}: ${deep} nests more than ${MAX_FILE_DEPTH} levels deep.`);
  return JSON.stringify(input);
}

/** Reads a value's text as a file would be read: the framing reader's own refusals become the file check's. */
async function planText(text: string, source: RestorePlan['source'], what: string): Promise<RestorePlan> {
  try {
    return await planBackupFile(new Blob([text], { type: 'application/json' }), {}, source);
  } catch (error) {
    if (error instanceof NotJsonError) throw new BackupError(`This is not a valid ConvOps ${what}: ${error.message}`);
    throw error;
  }
}

/** Checks a backup handed over as a value (already parsed) and says what restoring it would do. */
export async function planBackup(input: unknown): Promise<RestorePlan> {
  return planText(fileText(input, 'backup'), 'backup', 'backup');
}

/**
 * Checks a task file and says what importing it would do. Writes nothing. A task file is small, so
 * it is checked whole first (its own format), then read as the backup of one task.
 */
export async function planTaskFile(input: unknown): Promise<RestorePlan> {
  const file = parseFile(taskFileSchema, input, 'task file');
  if (file.task.workflowId !== file.workflow.id || file.task.workflowVersion !== file.workflow.version) {
    throw new BackupError(`The task file names workflow "${file.task.workflowId}" version ${file.task.workflowVersion} but contains version ${file.workflow.version} of "${file.workflow.id}".`);
  }
  const asBackup: BackupFile = {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    exportedAt: file.exportedAt,
    schemaVersion: SCHEMA_VERSION,
    workflows: [file.workflow],
    workflowHeads: [],
    tasks: [file.task],
    notes: file.notes,
    events: file.events,
    settings: null,
    meta: [],
    keys: file.keys,
  };
  return planText(JSON.stringify(asBackup), 'task-file', 'task file');
}

/** Restores a backup handed over as a value by merging it into the database: nothing here is overwritten or duplicated. */
export async function restoreBackup(input: unknown, options: { mode: 'merge' } = { mode: 'merge' }, actor: Actor = IMPORTER): Promise<RestoreReport> {
  if (options.mode !== 'merge') throw new BackupError(`Unknown restore mode "${String(options.mode)}".`);
  return applyRestore(await planBackup(input), actor);
}

/** Adds a task someone exported (with its workflow version, notes and events) to this database. */
export async function importTask(input: unknown, actor: Actor = IMPORTER): Promise<RestoreReport> {
  return applyRestore(await planTaskFile(input), actor);
}

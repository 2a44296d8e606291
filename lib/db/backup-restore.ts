// Long on purpose: the two-pass restore (preview over the file's stream, then the write pass) shares its per-row state between the passes; the rules it applies are backup.ts's.
import type { z } from 'zod';
import { MAX_FILE_DEPTH, tooDeepAt } from '@/lib/workflow/file';
import { auditEventSchema, noteSchema, taskSchema, type Actor, type AuditEvent, type Note, type Settings, type Task } from '@/lib/workflow/records';
import {
  backupFileSchema,
  checkWorkflows,
  describeZodError,
  digestNote,
  duplicatedIds,
  honestKeys,
  IMPORTER,
  judgeTask,
  listRefusedVersions,
  mergeWorkflows,
  planBackup,
  versionKey,
  type BackupFile,
  type ChainHead,
  type CheckedWorkflows,
  type NoteDigest,
  type RestorePlan,
  type RestoreReport,
  type TaskPlanItem,
  mergeSettingsAndKeys,
  writeRestoredTask,
} from './backup';
import { readJsonStream, type StreamOptions } from './backup-stream';
import { getDb, type ConvOpsDatabase } from './database';
import { BackupError } from './errors';
import { isTaskChain } from './events-repo';
import { verifyChain } from './hash-chain';
import { metaRowSchema, toNoteRow, workflowHeadSchema, workflowRecordSchema, type MetaRow, type WorkflowHead, type WorkflowRecord } from './records';
import { publicKeyEntrySchema, ownSigningKey, type PublicKeyEntry } from './signing';

/**
 * A backup restored from its file in bounded memory, in two passes over the file's stream.
 *
 * The preview (`planBackupFile`) reads the file once and keeps no notes and no events: a note leaves
 * a digest (its id, step and body hash), and each task's chain is held only while it is read, then
 * judged exactly as the in-memory restore judges it (`judgeTask`: verified, replayed, its row and
 * notes checked against it) and dropped, keeping the verdict and the chain's head. The restore
 * (`applyBackupFile`) reads the file again and writes what the preview accepted in batches.
 *
 * This needs the file in the order ConvOps writes it: its keys in that order, and each chain's events
 * together in sequence order (a chain is judged when the next one starts). A file in any other order
 * (hand-edited) is checked and restored the old way, parsed whole: same verdicts, more memory. So is
 * a file the streamed check refuses, so that the refusal reads exactly as the whole-file check words it.
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

/** The file is not in the order the streamed restore needs; it is read whole instead. */
class NotInOrder extends Error {}

/** What the preview keeps of the file for the restore: everything but the notes and events. */
interface Kept {
  workflows: WorkflowRecord[];
  workflowHeads: WorkflowHead[];
  tasks: Task[];
  settings: Settings | null;
  meta: MetaRow[];
  keys: PublicKeyEntry[];
}

/** A backup's preview read from its file; `applyBackupFile` reads the file again to write it. */
export interface StreamedBackupPlan extends Omit<RestorePlan, 'file'> {
  readonly streamed: {
    readonly blob: Blob;
    readonly kept: Kept;
    /** Per task judged: the local chain's head when previewed, and the file chain's head. */
    readonly heads: ReadonlyMap<string, { local: ChainHead; file: ChainHead }>;
    /** Key fingerprint → names that signed with it, in the chains that would be taken. */
    readonly signers: ReadonlyMap<string, ReadonlySet<string>>;
  };
}

export function isStreamedPlan(plan: RestorePlan | StreamedBackupPlan): plan is StreamedBackupPlan {
  return 'streamed' in plan;
}

type Row = { kind: 'note'; value: Note } | { kind: 'event'; value: AuditEvent };

/**
 * One pass over a backup's text: each top-level value and array element checked as it completes
 * (depth, then its own schema), kept when small, queued when a note or an event; `drain` then
 * handles the queue, between chunks, with whatever async work it takes.
 */
class BackupReader {
  readonly scalars: Record<string, unknown> = {};
  readonly kept: Kept = { workflows: [], workflowHeads: [], tasks: [], settings: null, meta: [], keys: [] };
  readonly unknownKeys: string[] = [];
  readonly seen = new Set<string>();
  private readonly counts = new Map<string, number>();
  private current = -1;
  private queue: Row[] = [];

  constructor(private readonly keepSmall: boolean) {}

  /** Keys in ConvOps' order, each once (a second one would replace the first's value). */
  readonly onKey = (key: string): void => {
    const at = ORDER.indexOf(key as BackupKey);
    if (at < 0) {
      // Reported by the file check at the end ("unrecognized key"); its value is not kept.
      if (!this.unknownKeys.includes(key)) this.unknownKeys.push(key);
      return;
    }
    if (this.seen.has(key) || at < this.current) throw new NotInOrder();
    this.current = at;
    this.seen.add(key);
  };

  readonly sink = (key: string, value: unknown, element: boolean): boolean => {
    if (!ORDER.includes(key as BackupKey)) return true;
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
  const drain = async (rows: Row[]) => {
    for (const row of rows) await (row.kind === 'note' ? on.note(row.value) : on.event(row.value));
  };
  const result = (await readJsonStream(blob.stream(), blob.size, { ...options, sink: reader.sink, onKey: reader.onKey, afterChunk: () => drain(reader.take()) })) as Record<string, unknown>;
  await drain(reader.take());
  reader.checkShape(result);
}

/** A chain being read: its events, in order, until the next chain starts. */
interface OpenChain {
  id: string;
  events: AuditEvent[];
}

/**
 * Checks a backup file and says, per task, what restoring it would do; writes nothing. Keeps no note
 * and no event of the file (see the top of this file); a file not in ConvOps' own order is parsed
 * whole and planned by `planBackup`, so the answer is the same either way.
 */
export async function planBackupFile(blob: Blob, options: StreamOptions = {}): Promise<RestorePlan | StreamedBackupPlan> {
  try {
    return await planStreamed(blob, options);
  } catch (error) {
    // Out of order, or not a valid backup: the whole-file check says it exactly as it always has
    // (its first five complaints over the whole file; `JSON.parse`'s reading of a key given twice).
    if (!(error instanceof NotInOrder) && !(error instanceof BackupError)) throw error;
    return planBackup(await readJsonStream(blob.stream(), blob.size, options));
  }
}

async function planStreamed(blob: Blob, options: StreamOptions): Promise<StreamedBackupPlan> {
  const db = getDb();
  const reader = new BackupReader(true);
  // Per task, each live note as one string: its body's SHA-256 (64 hex digits), id, NUL, step. A note
  // waits here until its chain is read (the events come after every note), so it is kept small; deleted
  // notes are not checked, so not kept.
  const notes = new Map<string, string[]>();
  const unpack = (packed: string): NoteDigest => {
    // The last NUL: a step id is a slug, while a note id may hold any character.
    const cut = packed.lastIndexOf('\u0000');
    return { bodyHash: packed.slice(0, 64), id: packed.slice(64, cut), stepId: packed.slice(cut + 1), deleted: false };
  };
  const judged = new Map<string, TaskPlanItem>();
  const heads = new Map<string, { local: ChainHead; file: ChainHead }>();
  const signers = new Map<string, Set<string>>();
  const quarantinedChains: string[] = [];
  const finished = new Set<string>();
  let prepared: { checked: CheckedWorkflows; tasks: Map<string, Task>; twice: Set<string> } | undefined;
  let open: OpenChain | undefined;

  const prepare = async () => {
    if (prepared) return prepared;
    const tasks = new Map<string, Task>();
    for (const task of reader.kept.tasks) if (!tasks.has(task.id)) tasks.set(task.id, task);
    prepared = { checked: await checkWorkflows(db, reader.kept.workflows), tasks, twice: duplicatedIds(reader.kept.tasks) };
    return prepared;
  };
  const sign = (events: readonly AuditEvent[]) => {
    for (const event of events) if (event.signature) signers.set(event.signature.key, (signers.get(event.signature.key) ?? new Set()).add(event.actor.name));
  };
  const judge = async (task: Task, chain: readonly AuditEvent[]) => {
    const { checked, twice } = await prepare();
    const { item, localHead } = await judgeTask(db, checked, task, chain, (notes.get(task.id) ?? []).map(unpack), twice.has(task.id));
    judged.set(task.id, item);
    const last = chain.at(-1);
    heads.set(task.id, { local: localHead, file: last ? { seq: last.seq, hash: last.hash } : null });
    notes.delete(task.id);
    if (item.status !== 'refused' && item.status !== 'diverged') sign(chain);
  };
  const close = async () => {
    if (!open) return;
    const { id, events } = open;
    open = undefined;
    finished.add(id);
    if (isTaskChain(id)) {
      // A task's events without the task are left out.
      const task = (await prepare()).tasks.get(id);
      if (task) await judge(task, events);
      else quarantinedChains.push(id);
      return;
    }
    // A chain outside tasks (settings, workflow history, import records) that does not verify is left out.
    if (!(await verifyChain(events)).ok) quarantinedChains.push(id);
    sign(events);
  };

  await pass(
    blob,
    reader,
    {
      note: async (note) => {
        if (note.deleted) return;
        const { bodyHash, id, stepId } = await digestNote(note);
        const packed = `${bodyHash}${id}\u0000${stepId}`;
        const list = notes.get(note.taskId);
        if (list) list.push(packed);
        else notes.set(note.taskId, [packed]);
      },
      event: async (event) => {
        if (open?.id !== event.taskId) {
          await close();
          if (finished.has(event.taskId)) throw new NotInOrder();
          open = { id: event.taskId, events: [] };
        } else if (event.seq <= open.events.at(-1)!.seq) throw new NotInOrder();
        open.events.push(event);
      },
    },
    options,
  );
  await close();
  const { checked, tasks } = await prepare();
  // Tasks without a single event in the file are judged on an empty chain (and so refused).
  for (const task of tasks.values()) if (!judged.has(task.id)) await judge(task, []);

  return {
    source: 'backup',
    exportedAt: String(reader.scalars['exportedAt']),
    items: [...tasks.keys()].map((id) => judged.get(id)!),
    refusedWorkflowVersions: listRefusedVersions(checked.refusedVersions),
    quarantinedChains,
    streamed: { blob, kept: reader.kept, heads, signers },
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
 * Writes what a streamed preview accepted, reading the file a second time: the workflow versions, then
 * the notes and events of the taken tasks and verified chains in batches, then the task rows with
 * their import records, then settings (when there are none here), meta and the signers' public keys.
 * Nothing of a refused or diverged task is written. A task whose local chain moved since the preview
 * is kept as it is here (its chain head is what the preview judged against).
 *
 * Batches are separate transactions (one cannot stay open while the file is read), so a restore that
 * stops half way (cancelled, or the browser closed) leaves what it wrote; every row is keyed, so
 * restoring the same file again completes it without duplicating anything.
 */
export async function applyBackupFile(plan: StreamedBackupPlan, actor: Actor = IMPORTER, options: StreamOptions = {}): Promise<RestoreReport> {
  const { blob, kept, heads, signers } = plan.streamed;
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

  await db.transaction('rw', [db.workflows, db.workflowHeads], () =>
    mergeWorkflows(
      db,
      kept.workflows.filter((record) => !refusedVersions.has(versionKey(record.id, record.version))),
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

  const reader = new BackupReader(false);
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
        if (open?.id !== event.taskId) await startChain(event.taskId);
        const chain = open!;
        if (event.seq <= chain.count) throw new BackupError('The file changed while it was restored; restore it again.');
        chain.count = event.seq;
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
      },
    },
    options,
  );
  close();
  await writeNotes(db, notes, report);
  await flushEvents();

  await db.transaction('rw', [db.workflows, db.workflowHeads, db.tasks, db.notes, db.events, db.settings, db.meta, db.publicKeys], async () => {
    for (const task of kept.tasks) {
      const item = accepted.get(task.id);
      if (item) await writeRestoredTask(db, task, item.status, report, actor, { source: plan.source, exportedAt: plan.exportedAt, fileHead: heads.get(task.id)?.file ?? null });
    }
  });

  // The preview did not keep meta rows: they are few, so the restore takes them from the first pass's copy.
  await db.transaction('rw', [db.settings, db.meta, db.publicKeys], () => mergeSettingsAndKeys(db, kept.settings, kept.meta, keys, signers, report));
  return report;
}

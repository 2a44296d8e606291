// Long on purpose: the backup file's format and every rule a restore or task import applies (replay, chains, notes, keys) are here once; the one restore path (lib/db/backup-restore.ts) reads files and applies these.
import { z } from 'zod';
import { MAX_FILE_DEPTH, tooDeepAt } from '@/lib/workflow/file-format';
import {
  auditEventSchema,
  isoDateSchema,
  noteSchema,
  settingsSchema,
  taskSchema,
  type Actor,
  type AuditEvent,
  type EventDraft,
  type Note,
  type Settings,
  type Task,
} from '@/lib/workflow/records';
import { rowMismatch, TaskReplay } from '@/lib/workflow/replay';
import type { Workflow } from '@/lib/workflow/schema';
import { NoteBodyEvents } from './audit';
import { getDb, type ConvOpsDatabase } from './database';
import { BackupError, RecordNotFoundError } from './errors';
import { appendEvents, importChain } from './events-repo';
import { ChainVerifier, sha256HexNow } from './hash-chain';
import { SCHEMA_VERSION } from './migrations';
import type { PublicKeyRow } from './records';
import { fingerprintOf, publicKeyEntrySchema, publicKeysFor, type PublicKeyEntry } from './signing';
import { workflowContentHash } from './workflows-repo';
import {
  fromNoteRow,
  fromTaskRow,
  fromWorkflowRecord,
  headFromRecord,
  metaRowSchema,
  toTaskRow,
  workflowHeadSchema,
  workflowRecordSchema,
  type MetaRow,
  type WorkflowHead,
  type WorkflowRecord,
} from './records';

/**
 * Full backups (everything, for restore on another machine or after a reinstall) and single-task
 * exports (to hand a task to a colleague). Both are untrusted on the way in: validated with Zod, then
 * merged in one transaction without overwriting anything that differs locally.
 */

export const BACKUP_FORMAT = 'convops.backup';
export const TASK_FORMAT = 'convops.task';
export const BACKUP_FORMAT_VERSION = 1;

export const backupFileSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  exportedAt: isoDateSchema,
  /** The database schema the backup was written from (informational; the format is what matters). */
  schemaVersion: z.number().int().min(1),
  workflows: z.array(workflowRecordSchema),
  workflowHeads: z.array(workflowHeadSchema),
  tasks: z.array(taskSchema),
  notes: z.array(noteSchema),
  events: z.array(auditEventSchema),
  settings: settingsSchema.nullable(),
  meta: z.array(metaRowSchema),
  /** Public keys of the signatures in it (absent in files from before signing). */
  keys: z.array(publicKeyEntrySchema).max(10_000).default([]),
});
export type BackupFile = z.infer<typeof backupFileSchema>;

export const taskFileSchema = z.strictObject({
  format: z.literal(TASK_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  exportedAt: isoDateSchema,
  task: taskSchema,
  /** The exact workflow version the task is pinned to. */
  workflow: workflowRecordSchema,
  notes: z.array(noteSchema),
  events: z.array(auditEventSchema),
  /** Public keys of the signatures in it (absent in files from before signing). */
  keys: z.array(publicKeyEntrySchema).max(1_000).default([]),
});
export type TaskFile = z.infer<typeof taskFileSchema>;

export async function exportBackup(): Promise<BackupFile> {
  const db = getDb();
  return db.transaction('r', [db.workflows, db.workflowHeads, db.tasks, db.notes, db.events, db.settings, db.meta, db.publicKeys], async () => ({
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    exportedAt: new Date().toISOString(),
    schemaVersion: SCHEMA_VERSION,
    workflows: await db.workflows.toArray(),
    workflowHeads: await db.workflowHeads.toArray(),
    tasks: (await db.tasks.toArray()).map(fromTaskRow),
    // Task by task, each task's in id order: the order the streamed backup writes them in (its note blocks are per task).
    notes: (await db.notes.orderBy('[taskId+id]').toArray()).map(fromNoteRow),
    events: await db.events.orderBy('[taskId+seq]').toArray(),
    settings: (await db.settings.get('settings'))?.value ?? null,
    meta: await db.meta.toArray(),
    // Public keys only: the private key cannot leave this browser (it is not extractable).
    keys: (await db.publicKeys.toArray()).map((row: PublicKeyRow) => ({ fingerprint: row.fingerprint, publicKey: row.publicKey, name: row.knownAs ?? row.names.at(-1) ?? '' })),
  }));
}

export async function exportTask(taskId: string): Promise<TaskFile> {
  const db = getDb();
  return db.transaction('r', [db.tasks, db.workflows, db.notes, db.events, db.publicKeys], async () => {
    const row = await db.tasks.get(taskId);
    if (!row) throw new RecordNotFoundError('task', taskId);
    const workflow = await db.workflows.get([row.workflowId, row.workflowVersion]);
    if (!workflow) throw new RecordNotFoundError('workflow-version', `${row.workflowId}@${row.workflowVersion}`);
    const events = await db.events.where('[taskId+seq]').between([taskId, 0], [taskId, Infinity]).toArray();
    return {
      format: TASK_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      exportedAt: new Date().toISOString(),
      task: fromTaskRow(row),
      workflow,
      notes: (await db.notes.where('taskId').equals(taskId).toArray()).map(fromNoteRow),
      events,
      keys: await publicKeysFor(db, events),
    };
  });
}

/** What a restore or task import would do with one task of the file. */
export type TaskPlanStatus = 'new' | 'update' | 'same' | 'diverged' | 'refused';

export interface TaskPlanItem {
  id: string;
  title: string;
  status: TaskPlanStatus;
  /** For a refused task: one sentence naming the task and why; for a diverged one: what is kept. */
  reason?: string;
}

/** The preview: what the file holds and what would happen, before anything is written. */
export interface RestorePlan {
  source: 'backup' | 'task-file';
  exportedAt: string;
  items: TaskPlanItem[];
  /** Workflow versions in the file that are not taken, with why (and so the tasks pinned to them). */
  refusedWorkflowVersions: { id: string; version: number; reason: string }[];
  /** Chains outside tasks (settings, workflow history) that do not verify: not merged. */
  quarantinedChains: string[];
  /** What applying the plan needs: the file (read a second time) and what the preview kept of it. */
  readonly read: PlanRead;
}

/** What the preview keeps of the file for the restore: everything but the notes and events. */
export interface KeptRows {
  workflows: WorkflowRecord[];
  workflowHeads: WorkflowHead[];
  tasks: Task[];
  settings: Settings | null;
  meta: MetaRow[];
  keys: PublicKeyEntry[];
}

/** The local chain's last event, as a plan remembers it (a hash chain is the same up to its head). */
export type ChainHead = { seq: number; hash: string } | null;

export interface PlanRead {
  readonly blob: Blob;
  readonly kept: KeptRows;
  /** Per task judged: the local chain's head when previewed, and the file chain's head. */
  readonly heads: ReadonlyMap<string, { local: ChainHead; file: ChainHead }>;
  /** Key fingerprint → names that signed with it, in the chains that would be taken. */
  readonly signers: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * False for a file not in the order ConvOps writes it (keys moved or given twice, a chain's events
   * apart or out of sequence): its events are then held per chain until the end of the file.
   */
  readonly ordered: boolean;
  /** For a key given more than once: which occurrence counts (the last, as `JSON.parse` reads it). */
  readonly lastOccurrence: ReadonlyMap<string, number>;
}

export interface RestoreReport {
  added: { workflowVersions: number; tasks: number; notes: number; events: number; settings: boolean };
  /** Tasks replaced by a later state of the same task (its chain continues the local one, and replays). */
  updatedTasks: number;
  /** Rows already here (same key), left as they are. */
  skipped: { workflowVersions: number; tasks: number; notes: number; events: number };
  /** Chains whose events differ from the local ones at the same seq: the local chain and task were kept. */
  divergedChains: string[];
  /** Tasks not taken, each with the sentence that says why; nothing of them was written. */
  refused: { id: string; title: string; reason: string }[];
  /** Chains outside tasks that do not verify, so were not merged. */
  quarantinedChains: string[];
}

/** What a restore records on a taken task's import chain: the file it came from and that file's chain head. */
export interface ImportedFrom {
  source: RestorePlan['source'];
  exportedAt: string;
  fileHead: { seq: number; hash: string } | null;
}

export function importDraft(task: Task, actor: Actor, imported: ImportedFrom): EventDraft {
  return { type: 'task.imported', actor, at: new Date().toISOString(), data: { ...imported, title: task.title } };
}

/**
 * Writes one accepted task of a restore or task import (added, replaced by its later state, or left
 * as it is) and, when it was taken, records the import in the task's import chain with the file's
 * chain head. `prepared`: that record made beforehand (hashed and signed outside the transaction)
 * after the import chain's head `after`; it is written only if the head is still that one, else the
 * record is made again here.
 */
export async function writeRestoredTask(
  db: ConvOpsDatabase,
  task: Task,
  status: TaskPlanStatus,
  report: RestoreReport,
  actor: Actor,
  imported: ImportedFrom,
  prepared?: { after: ChainHead; events: AuditEvent[] },
): Promise<void> {
  const local = await db.tasks.get(task.id);
  if (!local) {
    await db.tasks.add(toTaskRow(task));
    report.added.tasks += 1;
  } else if (status === 'update') {
    await db.tasks.put(toTaskRow(task));
    report.updatedTasks += 1;
  } else {
    report.skipped.tasks += 1;
  }
  if (status !== 'new' && status !== 'update') return;
  const chain = importChain(task.id);
  if (prepared) {
    const head = await db.events.where('[taskId+seq]').between([chain, 0], [chain, Infinity]).last();
    if ((head?.seq ?? 0) === (prepared.after?.seq ?? 0) && (head?.hash ?? '') === (prepared.after?.hash ?? '')) {
      await db.events.bulkAdd(prepared.events);
      return;
    }
  }
  await appendEvents(db, chain, [importDraft(task, actor, imported)]);
}

/**
 * The last part of a restore: the file's settings only where this browser has none, its meta rows
 * not already here, and the public keys of the people who signed the events taken (names merged,
 * never trusted by the restore itself). Call inside a transaction over settings, meta and publicKeys.
 */
export async function mergeSettingsAndKeys(
  db: ConvOpsDatabase,
  settings: Settings | undefined | null,
  meta: readonly MetaRow[],
  keys: readonly PublicKeyEntry[],
  signers: ReadonlyMap<string, ReadonlySet<string>>,
  report: RestoreReport,
): Promise<void> {
  if (settings && !(await db.settings.get('settings'))) {
    // A team's published standards are taken only from the workspace, where their signature is checked.
    const { publishedTeamStandards: _fromTheWorkspaceOnly, ...restorable } = settings;
    await db.settings.put({ key: 'settings', value: restorable });
    report.added.settings = true;
  }
  for (const row of meta) if (!(await db.meta.get(row.key))) await db.meta.add(row);
  const now = new Date().toISOString();
  for (const entry of keys) {
    const names = signers.get(entry.fingerprint);
    if (!names) continue;
    const local = await db.publicKeys.get(entry.fingerprint);
    const merged = [...new Set([...(local?.names ?? []), ...names])].slice(-20);
    await db.publicKeys.put(local ? { ...local, names: merged } : { fingerprint: entry.fingerprint, publicKey: entry.publicKey, names: merged, known: false, own: false, addedAt: now });
  }
}

/** Up to five of a schema's complaints, each with where it is (`prefix`: the place of the value checked). */
export function describeZodError(error: z.ZodError, prefix: readonly PropertyKey[] = []): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${[...prefix, ...issue.path].map((part) => String(part).slice(0, 40)).join('.') || 'file'}: ${issue.message.slice(0, 200)}`)
    .join('; ');
}

export function parseFile<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  // Depth first: Zod and every later walk (canonical JSON, structured clone) recurse.
  const deep = tooDeepAt(input);
  if (deep !== undefined) throw new BackupError(`This is not a valid ConvOps ${what}: ${deep} nests more than ${MAX_FILE_DEPTH} levels deep.`);
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new BackupError(`This is not a valid ConvOps ${what}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** Who merged a file, when the caller does not say (the system acting on a person's request). */
export const IMPORTER: Actor = { kind: 'system', name: 'ConvOps' };

export const versionKey = (id: string, version: number) => `${id}@${version}`;

/** What the note check needs of a note: its place and the SHA-256 of its body (not the body itself). */
export interface NoteDigest {
  id: string;
  stepId: string;
  deleted: boolean;
  bodyHash: string;
}

export function digestNote(note: Pick<Note, 'id' | 'stepId' | 'deleted' | 'body'>): NoteDigest {
  return { id: note.id, stepId: note.stepId, deleted: Boolean(note.deleted), bodyHash: note.deleted ? '' : sha256HexNow(note.body) };
}

/**
 * The first problem of a task's notes against its chain, as `checkNotes` (lib/db/audit.ts) words it,
 * from digests: the streamed restore keeps 100 bytes of a note, not its text, until the chain is read.
 * Notes recorded before note hashes existed (`no-hash`) cannot be checked, and are taken as they are.
 */
export function notesProblem(latest: NoteBodyEvents, notes: readonly NoteDigest[]): string | undefined {
  for (const note of notes) {
    if (note.deleted) continue;
    const event = latest.get(note.id);
    if (!event) return `Note ${note.id} (step ${note.stepId}) is not on the audit trail: no event added it`;
    if (event.hash === undefined) continue;
    if (note.bodyHash !== event.hash) return `Note ${note.id} (step ${note.stepId}) was changed after it was recorded: its text does not match event ${event.seq}`;
  }
  return undefined;
}

/** The file's workflow versions that can be used: each matches its own content hash, and the one here, if any. */
export interface CheckedWorkflows {
  workflows: Map<string, Workflow>;
  /** Version key → the sentence saying why it is not taken. */
  refusedVersions: Map<string, string>;
}

export async function checkWorkflows(db: ConvOpsDatabase, records: readonly WorkflowRecord[]): Promise<CheckedWorkflows> {
  const workflows = new Map<string, Workflow>();
  const refusedVersions = new Map<string, string>();
  for (const record of records) {
    const key = versionKey(record.id, record.version);
    const workflow = fromWorkflowRecord(record);
    if ((await workflowContentHash(workflow)) !== record.meta.contentHash) {
      refusedVersions.set(key, `the file's workflow "${record.name.slice(0, 80)}" version ${record.version} was changed after it was saved (its steps do not match its own hash)`);
      continue;
    }
    const local = await db.workflows.get([record.id, record.version]);
    if (local && local.meta.contentHash !== record.meta.contentHash) {
      refusedVersions.set(key, `the file's workflow "${record.name.slice(0, 80)}" version ${record.version} is not the version ${record.version} here`);
      continue;
    }
    workflows.set(key, workflow);
  }
  return { workflows, refusedVersions };
}

/**
 * One task's chain judged as the file's events come (`push`, in sequence order), then `finish`ed with
 * the task's note digests: the chain verified, replayed on its pinned workflow, the task's row and
 * notes checked against it, and compared with the chain here. It keeps the last hash, the task
 * replayed so far, each note's latest body event and who signed, never the file's chain, so a chain
 * of any length is judged in flat memory. The verdict is the first problem in that order.
 */
export class TaskJudgement {
  readonly #verifier = new ChainVerifier();
  /** Only while the task can still be taken: not given twice, its workflow here and not refused. */
  readonly #replay: TaskReplay | undefined;
  readonly #noteEvents = new NoteBodyEvents();
  /** Who signed the chain's events, by key: a taken task's signers become known names. */
  readonly signers = new Map<string, Set<string>>();
  /** The chain here, read once the file's chain verifies that far (a refused chain never needs it). */
  #local: AuditEvent[] | undefined;
  #diverges = false;
  #last: AuditEvent | undefined;

  private constructor(
    private readonly db: ConvOpsDatabase,
    private readonly task: Task,
    private readonly duplicated: boolean,
    private readonly workflow: Workflow | undefined,
    /** Why the file's copy of the task's workflow version is not taken. */
    private readonly versionRefused: string | undefined,
  ) {
    this.#replay = workflow && !duplicated && !versionRefused ? new TaskReplay(workflow) : undefined;
  }

  /** The judgement of `task`'s chain, its pinned workflow looked up in the file's checked versions, then here. */
  static async open(db: ConvOpsDatabase, checked: CheckedWorkflows, task: Task, duplicated: boolean): Promise<TaskJudgement> {
    const key = versionKey(task.workflowId, task.workflowVersion);
    const versionRefused = checked.refusedVersions.get(key);
    let workflow = checked.workflows.get(key);
    if (!workflow && !versionRefused && !duplicated) {
      const local = await db.workflows.get([task.workflowId, task.workflowVersion]);
      if (local) workflow = fromWorkflowRecord(local);
    }
    return new TaskJudgement(db, task, duplicated, workflow, versionRefused);
  }

  async push(event: AuditEvent): Promise<void> {
    this.#last = event;
    if (this.duplicated) return;
    await this.#verifier.push(event);
    // Past a break, or once the task cannot be taken, the rest is only verified (the refusal names the first problem).
    if (this.#verifier.broken || !this.#replay) return;
    this.#replay.push(event);
    this.#noteEvents.add(event);
    addSigner(this.signers, event);
    this.#local ??= await this.db.events.where('[taskId+seq]').between([this.task.id, 0], [this.task.id, Infinity]).toArray();
    const here = this.#local[event.seq - 1];
    // Both verify, so wherever both chains have an event it must be the same one (seq is its place).
    if (here && (here.seq !== event.seq || here.hash !== event.hash)) this.#diverges = true;
  }

  /** The verdict once the whole chain has been pushed, with the chain's head here and in the file. */
  finish(notes: readonly NoteDigest[]): { item: TaskPlanItem; localHead: ChainHead; fileHead: ChainHead } {
    const { task, workflow } = this;
    const title = task.title.slice(0, 120);
    const fileHead = this.#last ? { seq: this.#last.seq, hash: this.#last.hash } : null;
    const refuse = (why: string) => ({ item: { id: task.id, title, status: 'refused' as const, reason: `Task "${title}" was not imported: ${why}.` }, localHead: null, fileHead });
    // Two rows for one task: neither can be believed over the other.
    if (this.duplicated) return refuse('the file holds two records of it');
    const verdict = this.#verifier.verdict();
    if (!verdict.ok) return refuse(`its audit trail does not verify (${verdict.reason})`);
    if (this.versionRefused) return refuse(this.versionRefused);
    if (!workflow) return refuse(`its workflow "${task.workflowId}" version ${task.workflowVersion} is neither in the file nor here`);
    const replayed = this.#replay!.result();
    if (!replayed.ok) return refuse(`its events do not replay: ${replayed.reason}`);
    const mismatch = rowMismatch(task, replayed.task, workflow);
    if (mismatch) return refuse(mismatch);
    const noteProblem = notesProblem(this.#noteEvents, notes);
    if (noteProblem) return refuse(noteProblem);
    const local = this.#local ?? [];
    const length = this.#last?.seq ?? 0;
    const status = local.length === 0 ? 'new' : this.#diverges ? 'diverged' : length > local.length ? 'update' : 'same';
    const last = local.at(-1);
    return {
      item: { id: task.id, title, status, ...(status === 'diverged' ? { reason: `Task "${title}" went another way here than in the file; your own history is kept.` } : {}) },
      localHead: last ? { seq: last.seq, hash: last.hash } : null,
      fileHead,
    };
  }
}

/** Who signed `event` (its key and the name it was signed under), added to `signers`. */
export function addSigner(signers: Map<string, Set<string>>, event: AuditEvent): void {
  if (event.signature) signers.set(event.signature.key, (signers.get(event.signature.key) ?? new Set()).add(event.actor.name));
}

/** Task ids that occur more than once in the file's task list. */
export function duplicatedIds(tasks: readonly Task[]): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const task of tasks) (seen.has(task.id) ? twice : seen).add(task.id);
  return twice;
}

export function listRefusedVersions(refusedVersions: ReadonlyMap<string, string>): RestorePlan['refusedWorkflowVersions'] {
  return [...refusedVersions].map(([key, reason]) => {
    const at = key.lastIndexOf('@');
    return { id: key.slice(0, at), version: Number(key.slice(at + 1)), reason };
  });
}

/** Keys whose fingerprint matches their bytes; a key that lies about itself is dropped. */
export async function honestKeys(entries: readonly PublicKeyEntry[]): Promise<PublicKeyEntry[]> {
  const out: PublicKeyEntry[] = [];
  for (const entry of entries) if ((await fingerprintOf(entry.publicKey).catch(() => '')) === entry.fingerprint) out.push(entry);
  return out;
}

export async function mergeWorkflows(
  db: ConvOpsDatabase,
  records: readonly WorkflowRecord[],
  heads: readonly WorkflowHead[],
  report: RestoreReport,
): Promise<void> {
  const touched = new Set<string>();
  for (const record of records) {
    if (await db.workflows.get([record.id, record.version])) {
      report.skipped.workflowVersions += 1;
      continue;
    }
    await db.workflows.add(record);
    report.added.workflowVersions += 1;
    touched.add(record.id);
  }
  const fileHeads = new Map(heads.map((head) => [head.id, head]));
  for (const id of new Set([...touched, ...fileHeads.keys()])) {
    const local = await db.workflowHeads.get(id);
    const fromFile = fileHeads.get(id);
    const versions = await db.workflows.where('id').equals(id).sortBy('version');
    const latest = versions.at(-1);
    if (!latest) continue;
    // The head follows the newest version; whoever's head already names it decides whether it is deleted.
    if (local?.latestVersion === latest.version) continue;
    if (fromFile?.latestVersion === latest.version) await db.workflowHeads.put(fromFile);
    else await db.workflowHeads.put(headFromRecord(latest, local?.deleted ? local.deletedAt : undefined));
  }
}

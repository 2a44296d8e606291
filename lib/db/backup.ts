import { z } from 'zod';
import { auditEventSchema, isoDateSchema, noteSchema, settingsSchema, taskSchema, type AuditEvent, type Note, type Settings, type Task } from '../workflow/records';
import { getDb, type ConvOpsDatabase } from './database';
import { BackupError, RecordNotFoundError } from './errors';
import { verifyChain } from './hash-chain';
import { SCHEMA_VERSION } from './migrations';
import {
  fromNoteRow,
  fromTaskRow,
  headFromRecord,
  metaRowSchema,
  toNoteRow,
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
});
export type TaskFile = z.infer<typeof taskFileSchema>;

export async function exportBackup(): Promise<BackupFile> {
  const db = getDb();
  return db.transaction('r', [db.workflows, db.workflowHeads, db.tasks, db.notes, db.events, db.settings, db.meta], async () => ({
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    exportedAt: new Date().toISOString(),
    schemaVersion: SCHEMA_VERSION,
    workflows: await db.workflows.toArray(),
    workflowHeads: await db.workflowHeads.toArray(),
    tasks: (await db.tasks.toArray()).map(fromTaskRow),
    notes: (await db.notes.toArray()).map(fromNoteRow),
    events: await db.events.orderBy('[taskId+seq]').toArray(),
    settings: (await db.settings.get('settings'))?.value ?? null,
    meta: await db.meta.toArray(),
  }));
}

export async function exportTask(taskId: string): Promise<TaskFile> {
  const db = getDb();
  return db.transaction('r', [db.tasks, db.workflows, db.notes, db.events], async () => {
    const row = await db.tasks.get(taskId);
    if (!row) throw new RecordNotFoundError('task', taskId);
    const workflow = await db.workflows.get([row.workflowId, row.workflowVersion]);
    if (!workflow) throw new RecordNotFoundError('workflow-version', `${row.workflowId}@${row.workflowVersion}`);
    return {
      format: TASK_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      exportedAt: new Date().toISOString(),
      task: fromTaskRow(row),
      workflow,
      notes: (await db.notes.where('taskId').equals(taskId).toArray()).map(fromNoteRow),
      events: await db.events.where('[taskId+seq]').between([taskId, 0], [taskId, Infinity]).toArray(),
    };
  });
}

export interface RestoreReport {
  added: { workflowVersions: number; tasks: number; notes: number; events: number; settings: boolean };
  /** Tasks replaced by a later state of the same task (its chain continues the local one). */
  updatedTasks: number;
  /** Rows already here (same key), left as they are. */
  skipped: { workflowVersions: number; tasks: number; notes: number; events: number };
  /** Chains whose events differ from the local ones at the same seq: the local chain and task were kept. */
  divergedChains: string[];
  /** Chains in the file that do not verify (restored as they are; the audit view will show them broken). */
  unverifiedChains: string[];
}

function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || 'file'}: ${issue.message}`)
    .join('; ');
}

function parseFile<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new BackupError(`This is not a valid ConvOps ${what}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** Restores a backup by merging it into the database: nothing here is overwritten or duplicated. */
export async function restoreBackup(input: unknown, options: { mode: 'merge' } = { mode: 'merge' }): Promise<RestoreReport> {
  if (options.mode !== 'merge') throw new BackupError(`Unknown restore mode "${String(options.mode)}".`);
  const file = parseFile(backupFileSchema, input, 'backup');
  return merge(file);
}

/** Adds a task someone exported (with its workflow version, notes and events) to this database. */
export async function importTask(input: unknown): Promise<RestoreReport> {
  const file = parseFile(taskFileSchema, input, 'task file');
  if (file.task.workflowId !== file.workflow.id || file.task.workflowVersion !== file.workflow.version) {
    throw new BackupError('The task file names another workflow version than the one it contains.');
  }
  return merge({ workflows: [file.workflow], workflowHeads: [], tasks: [file.task], notes: file.notes, events: file.events, settings: null, meta: [] });
}

type Mergeable = Pick<BackupFile, 'workflows' | 'workflowHeads' | 'tasks' | 'notes' | 'events' | 'settings' | 'meta'>;

async function merge(file: Mergeable): Promise<RestoreReport> {
  const chains = new Map<string, AuditEvent[]>();
  for (const event of file.events as AuditEvent[]) {
    const chain = chains.get(event.taskId);
    if (chain) chain.push(event);
    else chains.set(event.taskId, [event]);
  }
  for (const chain of chains.values()) chain.sort((a, b) => a.seq - b.seq);
  // Hashing happens before the transaction: crypto.subtle is not IndexedDB work.
  const unverifiedChains: string[] = [];
  for (const [taskId, chain] of chains) if (!(await verifyChain(chain)).ok) unverifiedChains.push(taskId);

  const db = getDb();
  return db.transaction('rw', [db.workflows, db.workflowHeads, db.tasks, db.notes, db.events, db.settings, db.meta], async () => {
    const report: RestoreReport = {
      added: { workflowVersions: 0, tasks: 0, notes: 0, events: 0, settings: false },
      updatedTasks: 0,
      skipped: { workflowVersions: 0, tasks: 0, notes: 0, events: 0 },
      divergedChains: [],
      unverifiedChains,
    };
    await mergeWorkflows(db, file.workflows, file.workflowHeads, report);

    const diverged = new Set<string>();
    for (const [taskId, chain] of chains) {
      const local = await db.events.where('[taskId+seq]').between([taskId, 0], [taskId, Infinity]).toArray();
      const overlap = Math.min(local.length, chain.length);
      let same = true;
      for (let i = 0; i < overlap; i += 1) {
        if (local[i]!.seq !== chain[i]!.seq || local[i]!.hash !== chain[i]!.hash) same = false;
      }
      if (!same) {
        diverged.add(taskId);
        report.divergedChains.push(taskId);
        report.skipped.events += chain.length;
        continue;
      }
      const extra = chain.slice(local.length);
      if (extra.length > 0) await db.events.bulkAdd(extra);
      report.added.events += extra.length;
      report.skipped.events += overlap;
    }

    for (const task of file.tasks as Task[]) {
      const local = await db.tasks.get(task.id);
      if (!local) {
        await db.tasks.add(toTaskRow(task));
        report.added.tasks += 1;
      } else if (!diverged.has(task.id) && task.rev > local.rev) {
        await db.tasks.put(toTaskRow(task));
        report.updatedTasks += 1;
      } else {
        report.skipped.tasks += 1;
      }
    }

    for (const note of file.notes as Note[]) {
      const row = toNoteRow(note);
      // A diverged task keeps its local record whole: notes without their events would not add up.
      const clash =
        diverged.has(note.taskId) ||
        (await db.notes.get(note.id)) ||
        (row.captureKey ? await db.notes.where('captureKey').equals(row.captureKey).first() : undefined);
      if (clash) {
        report.skipped.notes += 1;
        continue;
      }
      await db.notes.add(row);
      report.added.notes += 1;
    }

    if (file.settings && !(await db.settings.get('settings'))) {
      await db.settings.put({ key: 'settings', value: file.settings as Settings });
      report.added.settings = true;
    }
    for (const row of file.meta as MetaRow[]) if (!(await db.meta.get(row.key))) await db.meta.add(row);
    return report;
  });
}

async function mergeWorkflows(
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

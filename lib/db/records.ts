import { z } from 'zod';
import { workflowSchema, type Workflow } from '@/lib/workflow/schema';
import {
  actorSchema,
  isoDateSchema,
  type Note,
  type Site,
  type Task,
} from '@/lib/workflow/records';

/**
 * What the database stores on top of the shared domain records: version metadata for workflows, and
 * derived index fields for tasks and notes. Derived fields are recomputed on every write and stripped
 * on every read, so the domain types stay the only types the rest of the extension sees.
 */

/** `team`: published to the team workspace by a lead, and pulled from it (read-only here). */
export const WORKFLOW_ORIGINS = ['builtin', 'custom', 'imported', 'team'] as const;
export const workflowOriginSchema = z.enum(WORKFLOW_ORIGINS);
export type WorkflowOrigin = z.infer<typeof workflowOriginSchema>;

export const workflowMetaSchema = z.strictObject({
  origin: workflowOriginSchema,
  createdAt: isoDateSchema,
  createdBy: actorSchema,
  /** Set on the version that was the head when the workflow was deleted (kept for schema v1 data). */
  deletedAt: isoDateSchema.optional(),
  /** SHA-256 of the canonical workflow without `version`: "same content" regardless of the number. */
  contentHash: z.string().length(64),
  /** For imported versions: the id, version and content in the file they came from. */
  importedFrom: z
    .strictObject({ id: z.string(), version: z.number().int().min(1), contentHash: z.string().length(64) })
    .optional(),
});
export type WorkflowMeta = z.infer<typeof workflowMetaSchema>;

/** One saved version of a workflow. Versions are never changed or removed: tasks are pinned to them. */
export const workflowRecordSchema = workflowSchema.extend({ meta: workflowMetaSchema });
export type WorkflowRecord = z.infer<typeof workflowRecordSchema>;

/** The latest version of each workflow id, so the library lists one row per workflow without a scan. */
export const workflowHeadSchema = z.strictObject({
  id: z.string().min(1).max(64),
  latestVersion: z.number().int().min(1),
  deleted: z.boolean(),
  deletedAt: isoDateSchema.optional(),
  origin: workflowOriginSchema,
  name: z.string(),
  category: z.string(),
  updatedAt: isoDateSchema,
  stepCount: z.number().int().min(0),
});
export type WorkflowHead = z.infer<typeof workflowHeadSchema>;


export const metaRowSchema = z.strictObject({ key: z.string().min(1), value: z.unknown() });
export type MetaRow = z.infer<typeof metaRowSchema>;

/** A task row: the task plus the fields its indexes need. */
export type TaskRow = Task & {
  /** `site:conversationId` of every conversation the task ran in (multi-entry index). */
  conversationKeys: string[];
  /** Site of the conversation the task runs in now; absent before it is bound to one. */
  site?: Site;
  /** The title in lower case, for the dashboard's search box. */
  titleLower: string;
};

/** A note row: the note plus the unique key that keeps one reply once. */
export type NoteRow = Note & { captureKey?: string };

/** The id of this browser's own key pair, the one row of `signingKeys` (signing.ts makes it). */
export const OWN_KEY_ID = 'self';

/** The own key pair (one row, id `self`). */
export interface SigningKeyRow {
  id: typeof OWN_KEY_ID;
  privateKey: CryptoKey;
  publicKey: string;
  fingerprint: string;
  createdAt: string;
}

/** Every public key this browser has seen: its own, and those that came in with colleagues' files. */
export interface PublicKeyRow {
  fingerprint: string;
  publicKey: string;
  /** Names events signed with it claimed. */
  names: string[];
  /** Marked as known by the person here (their own key always is). */
  known: boolean;
  /** The name the person confirmed for it. */
  knownAs?: string;
  own: boolean;
  addedAt: string;
  confirmedAt?: string;
}

export function conversationKey(site: Site, conversationId: string): string {
  return `${site}:${conversationId}`;
}

export function toTaskRow(task: Task): TaskRow {
  const keys = new Set<string>();
  for (const c of task.conversations) if (c.conversationId) keys.add(conversationKey(c.site, c.conversationId));
  const current = task.conversations.at(-1);
  const row: TaskRow = { ...task, conversationKeys: [...keys], titleLower: task.title.toLowerCase() };
  if (current) row.site = current.site;
  return row;
}

export function fromTaskRow(row: TaskRow): Task {
  const { conversationKeys: _k, site: _s, titleLower: _t, ...task } = row;
  return task;
}

export function captureKeyOf(note: Pick<Note, 'taskId' | 'capture'>): string | undefined {
  if (!note.capture) return undefined;
  return [note.taskId, note.capture.site, note.capture.conversationId ?? '', note.capture.messageKey].join('|');
}

export function toNoteRow(note: Note): NoteRow {
  const key = captureKeyOf(note);
  return key ? { ...note, captureKey: key } : { ...note };
}

export function fromNoteRow(row: NoteRow): Note {
  const { captureKey: _c, ...note } = row;
  return note;
}



export function headFromRecord(record: WorkflowRecord, deletedAt?: string): WorkflowHead {
  const head: WorkflowHead = {
    id: record.id,
    latestVersion: record.version,
    deleted: deletedAt !== undefined,
    origin: record.meta.origin,
    name: record.name,
    category: record.category,
    updatedAt: deletedAt ?? record.meta.createdAt,
    stepCount: record.steps.length,
  };
  if (deletedAt) head.deletedAt = deletedAt;
  return head;
}

export function fromWorkflowRecord(record: WorkflowRecord): Workflow {
  const { meta: _m, ...workflow } = record;
  return workflow;
}

/**
 * A run of one chain's consecutive events as the backup file writes them (lib/db/event-blocks.ts):
 * `utf8` is the rows' JSON joined by commas, in UTF-8, `count` of them, seq `firstSeq`..`lastSeq`; a
 * Blob from `EVENT_BLOB_BYTES` (32 KB) on, bytes below it (and in blocks written before Blobs).
 */
export interface EventBlockRow {
  taskId: string;
  firstSeq: number;
  lastSeq: number;
  count: number;
  utf8: Blob | Uint8Array<ArrayBuffer>;
}

/** One task's notes as the backup file writes them (lib/db/note-blocks.ts): `count` notes' JSON, joined by commas, in id order. */
export interface NoteBlockRow {
  taskId: string;
  count: number;
  text: Blob;
}

/**
 * How many events the blocks hold in all, kept by the same middleware in the same transaction as the
 * blocks (lib/db/event-blocks.ts): the backup checks the blocks against it instead of counting
 * 500,000 event rows. One row, key `'events'`.
 */
export interface EventTallyRow {
  key: 'events';
  count: number;
}

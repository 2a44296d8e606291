import { z } from 'zod';
import { PANEL_WIDTH } from './panel-width';
import { LIMITS, slugSchema } from './schema';

/** Records the engine and the database keep: tasks, notes, audit events, actors, settings. */

export const SITES = ['chatgpt', 'claude'] as const;
export const siteSchema = z.enum(SITES);
export type Site = z.infer<typeof siteSchema>;

export const actorSchema = z.strictObject({
  kind: z.enum(['human', 'ai', 'system']),
  name: z.string().trim().min(1).max(120),
});
export type Actor = z.infer<typeof actorSchema>;

export const isoDateSchema = z.iso.datetime({ offset: true });

/** A conversation a task is (or was) bound to. `conversationId` is null before the site assigns one. */
export const conversationRefSchema = z.strictObject({
  site: siteSchema,
  conversationId: z.string().min(1).max(200).nullable(),
  url: z.url().max(2_000),
  boundAt: isoDateSchema,
});
export type ConversationRef = z.infer<typeof conversationRefSchema>;

/**
 * What can be done to a task: the engine's input (`applyAction`). Who may do which (the AI only
 * `complete-step`) is the engine's rule; where an action may come from is each door's schema
 * (lib/messaging/schemas.ts picks the panel's from these members).
 */
export const completeStepActionSchema = z.strictObject({
  type: z.literal('complete-step'),
  /** Must be the current step: it guards against a stale panel completing the wrong step. */
  stepId: slugSchema,
});
export const approveActionSchema = z.strictObject({ type: z.literal('approve'), stepId: slugSchema, comment: z.string().max(5_000).optional() });
export const rejectActionSchema = z.strictObject({ type: z.literal('reject'), stepId: slugSchema, comment: z.string().max(5_000) });
export const cancelActionSchema = z.strictObject({ type: z.literal('cancel'), reason: z.string().max(2_000).optional() });
/** Undoes the last completion: `stepId` must be the step completed last, right before the current one. */
export const reopenStepActionSchema = z.strictObject({ type: z.literal('reopen-step'), stepId: slugSchema });
export const setDriveModeActionSchema = z.strictObject({ type: z.literal('set-drive-mode'), on: z.boolean() });
/** `site-switch`: the step runs on the other site, and the task went back to its chat there. */
export const MOVE_REASONS = ['handoff', 'url-assigned', 'manual', 'site-switch'] as const;
export const moveConversationActionSchema = z.strictObject({
  type: z.literal('move-conversation'),
  conversation: conversationRefSchema,
  reason: z.enum(MOVE_REASONS),
});
/** A person changes one of the task's input values; recorded as `input.changed` with the old and new value. */
export const setInputActionSchema = z.strictObject({
  type: z.literal('set-input'),
  name: z.string().min(1).max(LIMITS.inputNameLength),
  value: z.string().max(LIMITS.inputValueLength),
});
export const taskActionSchema = z.discriminatedUnion('type', [
  completeStepActionSchema,
  approveActionSchema,
  rejectActionSchema,
  cancelActionSchema,
  reopenStepActionSchema,
  setDriveModeActionSchema,
  moveConversationActionSchema,
  setInputActionSchema,
]);
export type TaskAction = z.infer<typeof taskActionSchema>;

export const TASK_STATUSES = ['active', 'awaiting-approval', 'completed', 'cancelled'] as const;
export const taskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/**
 * One input's value on a task. `briefedFrom` is the (0-based) number of the first step whose briefing
 * carries this value in the current chat; later briefings there name a long value instead of pasting
 * it again. A change, or a move to another chat, sets it to the next briefing.
 */
export const taskInputValueSchema = z.strictObject({
  value: z.string().max(LIMITS.inputValueLength),
  briefedFrom: z.number().int().min(0),
});
export type TaskInputValue = z.infer<typeof taskInputValueSchema>;

/**
 * Who published a team standards version in the team workspace: their CouchDB user, their name as the
 * member directory shows it, when, and the hash of the signed document (checked on arrival).
 */
export const standardsPublisherSchema = z.strictObject({
  user: z.string().min(1).max(200),
  name: z.string().trim().min(1).max(120),
  at: isoDateSchema,
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type StandardsPublisher = z.infer<typeof standardsPublisherSchema>;

/** One standing rule: one line (a published version is refused if a rule spans lines). */
export const standardLineSchema = z.string().trim().min(1).max(LIMITS.standardLength);

/**
 * The team's standing rules a task runs with: the version it started with, kept with its lines.
 * `publishedBy` is set when they are the team workspace's published version (absent: this browser's
 * own Settings → Standards).
 */
export const teamStandardsSchema = z.strictObject({
  version: z.number().int().min(0),
  lines: z.array(standardLineSchema).max(LIMITS.standardsCount),
  publishedBy: standardsPublisherSchema.optional(),
});
export type TeamStandards = z.infer<typeof teamStandardsSchema>;

export const taskSchema = z.strictObject({
  id: z.string().min(1).max(64),
  title: z.string().trim().min(1).max(200),
  workflowId: slugSchema,
  /** The workflow version this task is pinned to; later edits never change a running task. */
  workflowVersion: z.number().int().min(1),
  status: taskStatusSchema,
  /** Null once the task is completed or cancelled. */
  currentStepId: slugSchema.nullable(),
  /** Steps completed so far, in the order they were completed (a step may appear again after a rejection). */
  completedStepIds: z.array(slugSchema),
  /** Set while the current step's gate waits for a human decision. */
  pendingGate: z
    .strictObject({ stepId: slugSchema, requestedAt: isoDateSchema })
    .nullable(),
  /** The last rejection, carried into the next briefing of the step it sent the task back to. */
  rejection: z
    .strictObject({ stepId: slugSchema, fromStepId: slugSchema, comment: z.string().max(5_000), by: actorSchema, at: isoDateSchema })
    .nullable(),
  /** Every conversation the task ran in; the last one is where it runs now. */
  conversations: z.array(conversationRefSchema),
  /**
   * Drive mode: a completion line from the AI advances the task and the next briefing goes into the
   * prompt box. Absent means on (the default); a person switches it per task.
   */
  driveMode: z.boolean().optional(),
  /** The workflow's input values, by input name. Absent on tasks of workflows without inputs (and older tasks). */
  inputs: z.record(z.string().max(LIMITS.inputNameLength), taskInputValueSchema).optional(),
  /** The team standards the task started with (Settings → Standards); absent when the team had none. */
  teamStandards: teamStandardsSchema.optional(),
  /** Optimistic concurrency: every write must name the rev it read. */
  rev: z.number().int().min(0),
  createdAt: isoDateSchema,
  createdBy: actorSchema,
  updatedAt: isoDateSchema,
  updatedBy: actorSchema,
});
export type Task = z.infer<typeof taskSchema>;

export const NOTE_SOURCES = ['captured', 'manual', 'handoff'] as const;
export const noteSchema = z.strictObject({
  id: z.string().min(1).max(64),
  taskId: z.string().min(1).max(64),
  stepId: slugSchema,
  source: z.enum(NOTE_SOURCES),
  /** Markdown. Rendered without raw HTML. */
  body: z.string().max(500_000),
  /** For captured notes: where the reply came from. The same reply is kept once per task. */
  capture: z
    .strictObject({ site: siteSchema, conversationId: z.string().max(200).nullable(), messageKey: z.string().min(1).max(300) })
    .optional(),
  createdAt: isoDateSchema,
  createdBy: actorSchema,
  updatedAt: isoDateSchema,
  /**
   * Set when the note became its step's result (the reply carrying the completion line, or a
   * person's "Use as result"); the latest one wins. See `stepResultNote`.
   */
  resultAt: isoDateSchema.optional(),
  deleted: z.boolean().default(false),
});
export type Note = z.infer<typeof noteSchema>;

export const EVENT_TYPES = [
  'task.started',
  'briefing.inserted',
  'message.sent',
  'response.captured',
  'note.added',
  'note.edited',
  'note.deleted',
  /** A hash recorded for a note kept before events carried note hashes (schema upgrade 3). */
  'note.hashed',
  'note.result-marked',
  'step.completed',
  'step.reopened',
  'completion.ignored',
  'task.drive-mode',
  /** A person changed one of the task's input values: `{ name, from, to }`. */
  'input.changed',
  'gate.requested',
  'gate.approved',
  'gate.rejected',
  'task.moved-conversation',
  'task.completed',
  'task.cancelled',
  'workflow.created',
  'workflow.updated',
  'workflow.deleted',
  'workflow.imported',
  'settings.changed',
  /** On a local `import:<taskId>` chain: a task file or backup merged this task; records the file's chain head. */
  'task.imported',
] as const;
export const eventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof eventTypeSchema>;

/** What the engine and repositories produce; the database adds the sequence number and the hash chain. */
export const eventDraftSchema = z.strictObject({
  type: eventTypeSchema,
  actor: actorSchema,
  at: isoDateSchema,
  stepId: slugSchema.optional(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type EventDraft = z.infer<typeof eventDraftSchema>;

/** An audit event: append-only, `seq` per task, hash-chained (tamper-evident, not tamper-proof). */
export const auditEventSchema = eventDraftSchema.extend({
  /** A task id, or a pseudo chain id such as `workflow:<id>` / `settings` for events outside tasks. */
  taskId: z.string().min(1).max(80),
  seq: z.number().int().min(1),
  prevHash: z.string(),
  hash: z.string(),
  /**
   * A person's ECDSA P-256 signature over `hash` (so over the whole chain up to this event), by the
   * key with this SHA-256 fingerprint. Outside the hashed content: a signature is added to a hash.
   */
  signature: z.strictObject({ key: z.string().regex(/^[0-9a-f]{64}$/), value: z.string().min(1).max(200) }).optional(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** A standards version the team workspace published, as this browser keeps it once it checked out. */
export const publishedTeamStandardsSchema = z.strictObject({
  /** The workspace it came from (a newer version of another workspace's numbering does not compare). */
  workspace: z.string().min(1).max(400),
  version: z.number().int().min(1),
  lines: z.array(standardLineSchema).min(1).max(LIMITS.standardsCount),
  publishedBy: standardsPublisherSchema,
});
export type PublishedTeamStandards = z.infer<typeof publishedTeamStandardsSchema>;

export const settingsSchema = z.strictObject({
  /** The person's display name: the actor of every event they cause. Asked once in the panel. */
  displayName: z.string().trim().max(120).default(''),
  /**
   * Drive mode sends each next step's briefing by itself (the step's briefing is the workflow's text;
   * the person sees it go in and can turn drive mode off). On by default: off, every step waits for
   * the person's Send (the SOP task with one rejection takes 13 actions instead of 8).
   */
  autoSend: z.boolean().default(true),
  autoCapture: z.boolean().default(true),
  panelSide: z.enum(['right', 'left']).default('right'),
  panelWidth: z.number().int().min(PANEL_WIDTH.min).max(PANEL_WIDTH.max).default(PANEL_WIDTH.default),
  sites: z.strictObject({ chatgpt: z.boolean().default(true), claude: z.boolean().default(true) }).default({ chatgpt: true, claude: true }),
  /** The team's standing rules, added to every briefing after the workflow's own standards. */
  teamStandards: z.array(z.string().trim().min(1).max(LIMITS.standardLength)).max(LIMITS.standardsCount).default([]),
  /** Bumped each time the team standards change; a task records the version it started with. */
  teamStandardsVersion: z.number().int().min(0).default(0),
  /**
   * The newest valid standards version the team workspace published (checked on arrival: a lead's
   * signature, the content hash). While there is one it applies in place of `teamStandards`; set only
   * by the team sync (`setPublishedTeamStandards`), never by a settings form.
   */
  publishedTeamStandards: publishedTeamStandardsSchema.optional(),
});
export type Settings = z.infer<typeof settingsSchema>;
export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

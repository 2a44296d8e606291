import { z } from 'zod';
import { MAX_OUTLINE_LINES } from './outline-limit';
import {
  cancelActionSchema,
  completeStepActionSchema,
  conversationRefSchema,
  moveConversationActionSchema,
  reopenStepActionSchema,
  setDriveModeActionSchema,
  setInputActionSchema,
  siteSchema,
} from '@/lib/workflow/records';
import { LIMITS } from '@/lib/workflow/limits';

/**
 * Every message that crosses from one context to another and is checked on arrival, as a Zod
 * schema, with its type inferred here and nowhere else. The receiving side parses with these (the
 * background, which must not trust a content script or a framed page); the sending side — the content
 * script and the panel, which carry no Zod — imports only the types (`import type`, erased at build).
 * Record shapes (tasks, notes, actions) are lib/workflow/records.ts's; this module picks from them.
 */

const url = z.url().max(4096);
const conversationId = z.string().min(1).max(200).nullable();
const taskId = z.string().min(1).max(64);
const stepId = z.string().min(1).max(64);
const noteId = z.string().min(1).max(64);

// ---- content script → background -------------------------------------------------------------

/** Which concerns resolved on the current page, and through which selector (for the health report). */
export const hostHealthSchema = z.object({
  site: siteSchema,
  /** The DOM generation detected, e.g. "classic", "octane", "thread", "virtualized". */
  generation: z.string().max(40).nullable(),
  composer: z.enum(['found', 'missing']),
  messages: z.enum(['found', 'none-yet', 'missing']),
  streamingSignal: z.enum(['found', 'missing']),
  /** Set by the content runtime when a reply streamed but could not be read from the page. */
  reply: z.literal('missing').optional(),
  conversationId,
  /** Selector that resolved each concern, or null; shown to people who report a broken site. */
  matched: z.record(z.string().max(40), z.string().max(400).nullable()),
  checkedAt: z.string().max(40),
});
export type HostHealth = z.infer<typeof hostHealthSchema>;

export const hostStateSchema = z.object({
  site: siteSchema,
  url,
  conversationId,
  health: hostHealthSchema,
  /** A reply is being generated right now. */
  streaming: z.boolean(),
  /** The site's own light/dark choice; null when it does not say. */
  theme: z.enum(['light', 'dark']).nullable().default(null),
  /** How often the page changed the panel (its style, its frame) behind the extension's back; 0 when never. */
  interference: z.number().int().min(0).max(1_000_000).default(0),
  /**
   * The panel is collapsed to its pill on this page. Only then does the panel send the pill its word
   * (`content.attention`): open, the pill is hidden, and each word would be one more message into the
   * page's main thread as a reply starts and ends (the host-CPU budget, DESIGN.md).
   */
  collapsed: z.boolean().default(false),
  /**
   * This load of the page (a random id its content script picks): a reload is another page. The
   * conductor asks a page about an insert an earlier life of the worker began only when it is the
   * very page that was asked (a reloaded page knows nothing of it, and may have sent it).
   */
  page: z.string().min(1).max(64).optional(),
});
/** What the background keeps and the panel reads (defaults filled in). */
export type HostState = z.output<typeof hostStateSchema>;
/** What a content script reports (the defaulted fields may be left out). */
export type HostStateReport = z.input<typeof hostStateSchema>;

export const messageSentSchema = z.object({ site: siteSchema, url, conversationId });
export type MessageSent = z.infer<typeof messageSentSchema>;

export const replyFinishedSchema = messageSentSchema.extend({
  /** Stable message key (see HostMessage.key). */
  messageKey: z.string().min(1).max(300),
  /** The assistant message body's HTML; converted to Markdown outside the page's main thread. */
  html: z.string().max(2_000_000),
});
export type ReplyFinished = z.infer<typeof replyFinishedSchema>;

/** One element: depth, tag, `class`, the attributes a report may show (name, value…), child count, holds text, note. */
const outlineNodeSchema = z.tuple([
  z.number().int().min(0).max(500),
  z.string().max(100),
  z.string().max(4000),
  z.array(z.string().max(4000)).max(200),
  z.number().int().min(0),
  z.boolean(),
  z.string().max(100),
]);
export type OutlineNode = z.infer<typeof outlineNodeSchema>;
const outlineSectionSchema = z.object({
  title: z.string().max(200),
  /** Null when nothing was found to outline. A string is a line of its own ("… N earlier children not shown"). */
  lines: z.array(z.union([outlineNodeSchema, z.string().max(200)])).max(MAX_OUTLINE_LINES + 100).nullable(),
});
export type OutlineSection = z.infer<typeof outlineSectionSchema>;
/**
 * The page's raw structural outline for the site report (bounded here: the page can talk to its
 * content script); the report text is made from it in the background, masking values.
 */
export const pageOutlineSchema = z.object({
  site: siteSchema,
  url,
  health: hostHealthSchema,
  /** Words of what the person wrote (messages, composer, chat titles): the report masks any value mentioning one. */
  words: z.array(z.string().max(1000)).max(100_000),
  sections: z.array(outlineSectionSchema).max(10),
});
export type PageOutline = z.infer<typeof pageOutlineSchema>;
export const siteReportReplySchema = z.union([
  z.object({ outline: pageOutlineSchema }),
  z.object({ site: siteSchema, failed: z.string().regex(/^[\w .-]{1,80}$/) }),
]);
export type SiteReportReply = z.infer<typeof siteReportReplySchema>;

// ---- panel → background (over the panel port) --------------------------------------------------

export const insertRequestSchema = z.object({
  text: z.string().min(1).max(100_000),
  send: z.boolean(),
  /** The conductor's attempt: a page asked twice for one attempt answers the first result and puts nothing in again. */
  attempt: z.string().min(1).max(200).optional(),
});
export type InsertRequest = z.infer<typeof insertRequestSchema>;

/**
 * Which task a tab's panel shows. It lets a task follow its tab before the site assigns a
 * conversation id, and carries a handoff across the navigation to a new chat.
 */
export const tabBindingSchema = z.object({
  taskId,
  /** Insert the handoff briefing once the new chat's composer is ready. */
  pendingHandoff: z.boolean().optional(),
});
export type TabBinding = z.infer<typeof tabBindingSchema>;

/**
 * The actions a person takes on a task in the panel. A gate decision is not one of them (the
 * review window takes it), and `url-assigned` is the background's own move.
 */
export const panelActionSchema = z.discriminatedUnion('type', [
  completeStepActionSchema,
  cancelActionSchema,
  reopenStepActionSchema,
  setDriveModeActionSchema,
  moveConversationActionSchema.extend({ reason: z.enum(['manual']) }),
  setInputActionSchema,
]);
export type PanelAction = z.infer<typeof panelActionSchema>;

/** The arguments of each live query the panel may hold open. */
export const panelQuerySchemas = {
  settings: z.object({}),
  library: z.object({}),
  /** The panel's own tab: its page state and the task bound to it. */
  tab: z.object({}),
  /** The bound task's current step, for the entry's paint before React (PanelFirstScreen), or null. */
  'first-screen': z.object({}),
  'task-detail': z.object({ taskId }),
  'conversation-task': z.object({ site: siteSchema, conversationId: z.string().min(1).max(200) }),
  'open-tasks': z.object({}),
  /** The team workspace as the panel shows it (offline since…, the sharing default), or null. */
  team: z.object({}),
};
export type PanelQueryName = keyof typeof panelQuerySchemas;
export type PanelQueryArgs<K extends PanelQueryName> = z.input<(typeof panelQuerySchemas)[K]>;

/** What the pill on the page says while the panel is collapsed: the panel's headline in one word. */
export const pillWordSchema = z.enum(['Send', 'Answering', 'Your turn', 'Continue?', 'Decide', 'Done', 'Other site']);
export type PillWord = z.infer<typeof pillWordSchema>;

/** The arguments of each write or command the panel may ask for. */
export const panelCallSchemas = {
  'save-display-name': z.object({ name: z.string().trim().min(1).max(120) }),
  /** `send`: "Start and send step 1" — the background puts step 1 into this tab's prompt box and sends it. */
  'start-task': z.object({
    workflowId: z.string().min(1).max(64),
    title: z.string().trim().min(1).max(200),
    conversation: conversationRefSchema.optional(),
    inputs: z.record(z.string().min(1).max(LIMITS.inputNameLength), z.string().max(LIMITS.inputValueLength)).optional(),
    send: z.boolean().optional(),
    /** Share this task with the team workspace (absent: the person's default on the Team screen). */
    share: z.boolean().optional(),
  }),
  act: z.object({ taskId, rev: z.number().int().min(0), action: panelActionSchema }),
  /** Moves the task to a new chat of this tab's site and opens it; the handoff briefing follows. */
  handoff: z.object({ taskId, rev: z.number().int().min(0) }),
  'open-review': z.object({ taskId }),
  /** The person's Insert (or Send): the background renders the current step's briefing, puts it into this tab's prompt box and records it as their act. */
  deliver: z.object({ taskId, send: z.boolean() }),
  /** The step runs on the other site: back to the task's chat there, or a new chat in a new tab with the handoff briefing. */
  'continue-on': z.object({ taskId, rev: z.number().int().min(0), site: siteSchema }),
  /** The person's Send for a briefing already in the prompt box: presses the site's Send. */
  'press-send': z.object({ taskId }),
  'add-note': z.object({ taskId, stepId, body: z.string().min(1).max(500_000) }),
  'edit-note': z.object({ noteId, body: z.string().min(1).max(500_000) }),
  'delete-note': z.object({ noteId }),
  'mark-result': z.object({ noteId }),
  verify: z.object({ taskId }),
  /** Puts text into this tab's prompt box (and sends it). */
  insert: insertRequestSchema,
  'set-binding': z.object({ binding: tabBindingSchema.nullable() }),
  'site-report': z.object({}),
  /** The panel's headline in one word, for its tab's pill (null: none). */
  attention: z.object({ word: pillWordSchema.nullable() }),
};
export type PanelCallName = keyof typeof panelCallSchemas;
export type PanelCallArgs<K extends PanelCallName> = z.input<(typeof panelCallSchemas)[K]>;

/** Everything the panel may say on its port; anything else is dropped (names are checked with `isPanelQuery` / `isPanelCall`). */
export const panelPortRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('subscribe'), id: z.number().int(), query: z.string().max(40), args: z.unknown() }),
  z.object({ kind: z.literal('unsubscribe'), id: z.number().int() }),
  z.object({ kind: z.literal('call'), id: z.number().int(), op: z.string().max(40), args: z.unknown() }),
]);
export const isPanelQuery = (name: string): name is PanelQueryName => Object.hasOwn(panelQuerySchemas, name);
export const isPanelCall = (name: string): name is PanelCallName => Object.hasOwn(panelCallSchemas, name);
export type PanelPortRequest = z.infer<typeof panelPortRequestSchema>;

// ---- review window → background (over the review port) -----------------------------------------

export const reviewPortRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('decide'), decision: z.enum(['approve', 'reject']), comment: z.string().max(5_000), rev: z.number().int().min(0) }),
  z.object({ kind: z.literal('close') }),
]);
export type ReviewPortRequest = z.infer<typeof reviewPortRequestSchema>;

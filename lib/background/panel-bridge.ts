// Long on purpose: the panel's whole contract with the background in one place (queries, calls and the port that serves them), so that each handler's inferred result type is next to its schema and its trust check.
import type { InputField } from '@/lib/workflow/schema';
import { liveQuery, type Subscription } from 'dexie';
import { browser, type Browser } from 'wxt/browser';
import type { z } from 'zod';
import {
  addManualNote,
  deleteNote,
  editNote,
  findTaskForConversation,
  markResult,
  getSettings,
  getEventsBefore,
  getLiveNotes,
  getPanelTaskDetail,
  getTaskChanges,
  getWorkflow,
  listTasks,
  listWorkflows,
  runAction,
  startTaskRecord,
  updateSettings,
  verifyTaskChain,
  getTask,
  StaleTaskError,
} from '@/lib/db';
import { newChatUrl } from '@/lib/hosts';
import { siteReportText } from '@/lib/hosts/site-report-text';
import { sendMessage, type InsertResult } from '@/lib/messaging/protocol';
import {
  isPanelCall,
  isPanelQuery,
  panelCallSchemas,
  panelPortRequestSchema,
  panelQuerySchemas,
  siteReportReplySchema,
  type PanelCallName,
  type PanelQueryName,
} from '@/lib/messaging/schemas';
import { PANEL_PORT, type PanelPortReply, type PanelTab, type PanelTaskDetail } from '@/lib/messaging/panel-port';
import { wireErrorOf } from '@/lib/messaging/wire-error';
import { recordedPerson, taskPerson } from '@/lib/workflow/actors';
import { isFinished } from '@/lib/workflow/engine';
import type { AuditEvent, Task } from '@/lib/workflow/records';
import { chooseTaskSharing, teamPanelStatus } from '@/lib/team/sharing';
import { getTeamDb } from '@/lib/team/team-db';
import { panelTabOf } from './host-router';
import { askPage, deliverToTab, noteTabUse, requestFirstSend } from './conductor';
import { expectSend } from './reply-starts';
import { continueOn } from './site-switch';
import { openReviewWindow } from './review-window';
import { firstScreenFor } from './first-screen';
import { readTab, watchTab, writeBinding } from './tab-state';

/**
 * The panel's access to the background, served over its port (the channel's contract is in
 * panel-port.ts; the shapes the panel may send are in lib/messaging/schemas.ts).
 *
 * Why not Dexie in the panel: the panel is an extension frame inside chatgpt.com / claude.ai, a
 * third-party context; when the browser blocks third-party storage (Chromium's default here, Brave,
 * incognito, "block third-party cookies"), IndexedDB in that frame refuses to open ("The user denied
 * permission to access the database"). The background and the options page are first-party and keep
 * using Dexie directly; the panel subscribes to live queries that run here, and its writes go through
 * the same repositories. Its tab (the page's state, the bound task, toolbar commands) comes the same
 * way, so the panel has one channel.
 *
 * Trust: a port is served only when the browser reports its sender as our `panel.html` framed in a
 * chat tab (host pages cannot open runtime ports, content scripts' ports carry the page URL), and the
 * tab is the sender's, never what a message says. The actor of every write follows the actor policy
 * (lib/workflow/actors.ts): the person named in the settings. Only the actions a person takes in the
 * panel exist here, and a gate decision is not one of them: the host page decides what is drawn over
 * the panel, so the panel can only open the review window (review-window.ts), where the decision is
 * taken. `approve` / `reject` arriving here are refused.
 */

export interface LibraryEntry {
  id: string;
  name: string;
  category: string;
  version: number;
  stepCount: number;
  gates: string[];
  origin: string;
  /** What the start screen shows before a task starts: what the workflow is for, its steps, and the form of its inputs. */
  description: string;
  steps: string[];
  inputs: InputField[];
}

/** What every handler knows of its caller: the chat tab its panel is framed in. */
export interface PanelContext {
  tabId: number;
}

async function libraryEntries(): Promise<LibraryEntry[]> {
  const heads = await listWorkflows();
  const entries = await Promise.all(
    heads.map(async (head): Promise<LibraryEntry | null> => {
      const workflow = await getWorkflow(head.id);
      if (!workflow) return null;
      return {
        id: head.id,
        name: head.name,
        category: head.category,
        version: workflow.version,
        stepCount: workflow.steps.length,
        gates: workflow.steps.filter((s) => s.gate).map((s) => s.title),
        origin: head.origin,
        description: workflow.description,
        steps: workflow.steps.map((s) => s.title),
        inputs: workflow.inputs ?? [],
      };
    }),
  );
  return entries.filter((e): e is LibraryEntry => e !== null);
}

type QueryArgs = { [K in PanelQueryName]: z.output<(typeof panelQuerySchemas)[K]> };
// The schemas seen per name, so that parsing a generic name's arguments gives that name's type.
const queryArgsOf: { [K in PanelQueryName]: z.ZodType<QueryArgs[K]> } = panelQuerySchemas;

const queryHandlers = {
  settings: () => getSettings(),
  library: () => libraryEntries(),
  tab: async (_args, { tabId }): Promise<PanelTab> => ({ tabId, ...(await readTab(tabId)) }),
  'first-screen': (_args, { tabId }) => firstScreenFor(tabId),
  'task-detail': async ({ taskId }): Promise<PanelTaskDetail | null> => (await getPanelTaskDetail(taskId)) ?? null,
  'conversation-task': ({ site, conversationId }) => findTaskForConversation(site, conversationId),
  'open-tasks': async () => {
    const tasks = await listTasks({ statuses: ['awaiting-approval', 'active'], limit: 50 });
    return tasks.sort(
      (a, b) => Number(b.status === 'awaiting-approval') - Number(a.status === 'awaiting-approval') || b.updatedAt.localeCompare(a.updatedAt),
    );
  },
  team: () => teamPanelStatus(getTeamDb()),
} satisfies { [K in PanelQueryName]: (args: QueryArgs[K], ctx: PanelContext) => Promise<unknown> };

/** What each live query answers: inferred from its handler, so the panel's types follow the background's code. */
export type PanelQueryResult<K extends PanelQueryName> = Awaited<ReturnType<(typeof queryHandlers)[K]>>;
const queries: { [K in PanelQueryName]: (args: QueryArgs[K], ctx: PanelContext) => Promise<PanelQueryResult<K>> } = queryHandlers;

/** Runs one panel query once, its arguments checked (the port runs it as a live query). */
export async function runPanelQuery<K extends PanelQueryName>(name: K, raw: unknown, ctx: PanelContext): Promise<PanelQueryResult<K>> {
  const args = queryArgsOf[name].parse(raw ?? {});
  return queries[name](args, ctx);
}

/** Thrown for a gate decision that arrives from the framed panel. */
export class DecisionRefusedError extends Error {
  readonly code = 'decision-refused';
  constructor() {
    super('Decisions are taken in the review window: Approve or Reject opens it.');
    this.name = 'DecisionRefusedError';
  }
}

async function person() {
  return taskPerson((await getSettings()).displayName);
}


type CallArgs = { [K in PanelCallName]: z.output<(typeof panelCallSchemas)[K]> };
const callArgsOf: { [K in PanelCallName]: z.ZodType<CallArgs[K]> } = panelCallSchemas;

const callHandlers = {
  'save-display-name': async ({ name }) => {
    await updateSettings({ displayName: name }, recordedPerson(name));
    return null;
  },
  'start-task': async ({ send, share, ...args }, { tabId }) => {
    const actor = await person();
    const task = await startTaskRecord({ ...args, actor });
    // Marked before the background's team loop can see it; a task not marked never leaves this browser.
    await chooseTaskSharing(getTeamDb(), task.id, share);
    await writeBinding(tabId, { taskId: task.id });
    if (send) await requestFirstSend(task.id, tabId, actor);
    return task;
  },
  act: async ({ taskId, rev, action }, { tabId }): Promise<Task> => {
    const actor = await person();
    await noteTabUse(taskId, tabId);
    try {
      return await runAction(taskId, rev, action, actor);
    } catch (error) {
      // The background's own moves (a new chat getting its address) bump `rev` between the panel's
      // read and a person's click on Complete. When the task still stands where the person saw it
      // (that step current, running, no gate pending), the click is tried once more on the fresh rev;
      // anything else stays a stale click and fails.
      if (!(error instanceof StaleTaskError) || action.type !== 'complete-step') throw error;
      const fresh = await getTask(taskId);
      if (!fresh || fresh.currentStepId !== action.stepId || fresh.status !== 'active' || fresh.pendingGate) throw error;
      return runAction(taskId, fresh.rev, action, actor);
    }
  },
  handoff: async ({ taskId, rev }, { tabId }) => {
    const { host } = await readTab(tabId);
    if (!host) throw new Error('The chat page has not reported yet; reload it and try again.');
    const task = await runAction(
      taskId,
      rev,
      { type: 'move-conversation', reason: 'handoff', conversation: { site: host.site, conversationId: null, url: newChatUrl(host.site, host.url), boundAt: new Date().toISOString() } },
      await person(),
    );
    await writeBinding(tabId, { taskId, pendingHandoff: true });
    const opened = await sendMessage('content.new-chat', undefined, { tabId, frameId: 0 }).catch(() => ({ ok: false }));
    return { task, opened: opened.ok };
  },
  'continue-on': async ({ taskId, rev, site }, { tabId }) => {
    const actor = await person();
    await noteTabUse(taskId, tabId);
    const { opened } = await continueOn(taskId, rev, site, actor);
    return { opened };
  },
  'open-review': async ({ taskId }) => {
    await person();
    return openReviewWindow(taskId);
  },
  deliver: async ({ taskId, send }, { tabId }) => deliverToTab(taskId, tabId, { kind: 'step', send, actor: await person() }),
  'press-send': async ({ taskId }, { tabId }): Promise<InsertResult> => {
    const actor = await person();
    await noteTabUse(taskId, tabId);
    await expectSend(tabId, actor);
    return askPage(sendMessage('content.send', undefined, { tabId, frameId: 0 }));
  },
  'add-note': async ({ taskId, stepId, body }) => addManualNote({ taskId, stepId, body, actor: await person() }),
  'edit-note': async ({ noteId, body }) => editNote(noteId, body, await person()),
  'delete-note': async ({ noteId }) => {
    await deleteNote(noteId, await person());
    return null;
  },
  'mark-result': async ({ noteId }) => markResult(noteId, await person()),
  verify: ({ taskId }) => verifyTaskChain(taskId),
  insert: async (request, { tabId }): Promise<InsertResult> => askPage(sendMessage('content.insert', request, { tabId, frameId: 0 })),
  'set-binding': async ({ binding }, { tabId }) => {
    await writeBinding(tabId, binding);
    return null;
  },
  'site-report': async (_args, { tabId }): Promise<{ report: string } | null> => {
    const parsed = siteReportReplySchema.safeParse(await sendMessage('content.site-report', undefined, { tabId, frameId: 0 }).catch(() => null));
    if (!parsed.success) return null;
    const data = parsed.data;
    if ('failed' in data) return { report: `# ConvOps site report\nsite: ${data.site}\n(the report failed: ${data.failed})` };
    return { report: siteReportText(data.outline, browser.runtime.getManifest().version) };
  },
  attention: async ({ word }, { tabId }) => {
    await sendMessage('content.attention', word, { tabId, frameId: 0 }).catch(() => undefined);
    return null;
  },
} satisfies { [K in PanelCallName]: (args: CallArgs[K], ctx: PanelContext) => Promise<unknown> };

/** What each call answers: inferred from its handler. */
export type PanelCallResult<K extends PanelCallName> = Awaited<ReturnType<(typeof callHandlers)[K]>>;
const calls: { [K in PanelCallName]: (args: CallArgs[K], ctx: PanelContext) => Promise<PanelCallResult<K>> } = callHandlers;

/** Runs one panel write or command, validated, for the panel of `ctx.tabId`. Exported for tests. */
export async function runPanelCall<K extends PanelCallName>(name: K, raw: unknown, ctx: PanelContext): Promise<PanelCallResult<K>> {
  if (name === 'act' && isDecision(raw)) throw new DecisionRefusedError();
  const args = callArgsOf[name].parse(raw);
  return calls[name](args, ctx);
}

/** An approve or reject sent as a panel action (refused with its own error, not as a malformed call). */
function isDecision(raw: unknown): boolean {
  const action: unknown = raw && typeof raw === 'object' && 'action' in raw ? raw.action : null;
  const type: unknown = action && typeof action === 'object' && 'type' in action ? action.type : null;
  return type === 'approve' || type === 'reject';
}

/**
 * Follows one task for a panel: the detail once (lib/db/task-changes.ts `getPanelTaskDetail`; for a
 * running task its chain from the current step on and the current step's notes, then the earlier
 * events and every note in replies of their own), then only what changed,
 * read from the tail of its audit chain, so a new note costs the panel one note, not the task's
 * thousand. When the tail no longer continues what was sent (a restore replaced the chain), or the
 * task has just finished (its record in the panel lists every decision), the whole detail again.
 */
function followTaskDetail(taskId: string, id: number, post: (reply: PanelPortReply) => void): Subscription {
  let seen: { seq: number; hash: string } | null = null;
  let sentTask = '';
  let sentAllEvents = false;
  // Replies go out in this order: a change read while every note was still being read waits for
  // them, so the panel never lays an older full set of notes over a newer change.
  let queue: Promise<void> = Promise.resolve();
  const inOrder = (send: () => void | Promise<void>) => {
    queue = queue.then(send).catch((error: unknown) => post({ kind: 'error', id, error: wireErrorOf(error) }));
  };
  const remember = (task: Task | undefined, last: AuditEvent | undefined) => {
    if (last) seen = { seq: last.seq, hash: last.hash };
    sentTask = task ? JSON.stringify(task) : '';
  };
  return liveQuery(async () => {
    if (seen) {
      const change = await getTaskChanges(taskId, seen.seq, seen.hash);
      if (change && (sentAllEvents || !isFinished(change.task))) return { kind: 'change' as const, change };
    }
    return { kind: 'full' as const, detail: (await getPanelTaskDetail(taskId)) ?? null };
  }).subscribe({
    next: (result) => {
      if (result.kind === 'change') {
        const { change } = result;
        if (change.events.length === 0 && JSON.stringify(change.task) === sentTask) return;
        remember(change.task, change.events.at(-1));
        inOrder(() => post({ kind: 'change', id, change }));
      } else {
        seen = null;
        sentAllEvents = result.detail ? isFinished(result.detail.task) : false;
        remember(result.detail?.task, result.detail?.events.at(-1));
        const { detail } = result;
        inOrder(() => {
          post({ kind: 'detail', id, detail });
          // The events the first answer left out, right after it.
          const before = detail?.earlierThan;
          if (before !== undefined) {
            getEventsBefore(taskId, before).then(
              (events) => post({ kind: 'earlier', id, before, events }),
              (error: unknown) => post({ kind: 'error', id, error: wireErrorOf(error) }),
            );
          }
        });
        // Every note, when the first answer carried only the first screen's.
        if (detail?.notesToCome) inOrder(async () => post({ kind: 'notes', id, notes: await getLiveNotes(taskId) }));
      }
    },
    error: (error) => post({ kind: 'error', id, error: wireErrorOf(error) }),
  });
}

function serve(port: Browser.runtime.Port, ctx: PanelContext): void {
  const subscriptions = new Map<number, Subscription>();
  const tabFollowers = new Set<number>();
  const post = (reply: PanelPortReply) => {
    try {
      port.postMessage(reply);
    } catch {
      // The panel went away; its disconnect handler cleans up.
    }
  };
  // The tab's changes and the toolbar's commands, pushed as they happen (no polling, no storage events).
  // The latest change seen on this port: a first answer read before it is never posted after it.
  let changed: PanelTab | null = null;
  const stopWatching = watchTab(ctx.tabId, {
    onChange: (record) => {
      changed = { tabId: ctx.tabId, ...record };
      for (const id of tabFollowers) post({ kind: 'data', id, value: changed });
    },
    onCommand: (command) => post({ kind: 'command', command }),
  });
  const fail = (id: number) => (error: unknown) => post({ kind: 'error', id, error: wireErrorOf(error) });

  function follow<K extends PanelQueryName>(id: number, query: K, raw: unknown): Subscription | null {
    const parsed = queryArgsOf[query].safeParse(raw ?? {});
    if (!parsed.success) {
      post({ kind: 'error', id, error: { name: 'ValidationError', message: 'invalid query' } });
      return null;
    }
    const args = parsed.data;
    if (query === 'task-detail' && 'taskId' in args) return followTaskDetail(args.taskId, id, post);
    if (query === 'tab') {
      tabFollowers.add(id);
      // The record is read after the stored tabs load; a change landing in that wait is pushed at once,
      // and the older read must not follow it (the panel kept "composer missing" for good).
      void queries.tab({}, ctx).then((value) => post({ kind: 'data', id, value: changed ?? value }), fail(id));
      return { unsubscribe: () => void tabFollowers.delete(id), closed: false };
    }
    // Answered once: it serves the paint before React, which the panel's own queries then replace.
    if (query === 'first-screen') {
      void queries['first-screen']({}, ctx).then((value) => post({ kind: 'data', id, value }), fail(id));
      return null;
    }
    return liveQuery(() => queries[query](args, ctx)).subscribe({ next: (value) => post({ kind: 'data', id, value }), error: fail(id) });
  }

  port.onMessage.addListener((message: unknown) => {
    const parsed = panelPortRequestSchema.safeParse(message);
    if (!parsed.success) return;
    const request = parsed.data;
    if (request.kind === 'unsubscribe') {
      subscriptions.get(request.id)?.unsubscribe();
      subscriptions.delete(request.id);
    } else if (request.kind === 'subscribe' && isPanelQuery(request.query)) {
      subscriptions.get(request.id)?.unsubscribe();
      const subscription = follow(request.id, request.query, request.args);
      if (subscription) subscriptions.set(request.id, subscription);
      else subscriptions.delete(request.id);
    } else if (request.kind === 'call' && isPanelCall(request.op)) {
      runPanelCall(request.op, request.args, ctx).then((value) => post({ kind: 'result', id: request.id, value }), fail(request.id));
    }
  });
  port.onDisconnect.addListener(() => {
    stopWatching();
    for (const subscription of subscriptions.values()) subscription.unsubscribe();
    subscriptions.clear();
  });
}

/** Serves the panel's port: only to our panel page framed in a chat tab. */
export function setupPanelBridge(): () => void {
  const onConnect = (port: Browser.runtime.Port) => {
    if (port.name !== PANEL_PORT) return;
    const tabId = port.sender ? panelTabOf(port.sender) : null;
    if (tabId === null) {
      port.disconnect();
      return;
    }
    serve(port, { tabId });
  };
  browser.runtime.onConnect.addListener(onConnect);
  return () => browser.runtime.onConnect.removeListener(onConnect);
}

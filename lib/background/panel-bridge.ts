import { liveQuery, type Subscription } from 'dexie';
import { browser, type Browser } from 'wxt/browser';
import { z } from 'zod';
import {
  addManualNote,
  deleteNote,
  editNote,
  findTaskForConversation,
  markResult,
  getSettings,
  getPanelTaskDetail,
  getTaskChanges,
  isFinished,
  getWorkflow,
  listTasks,
  listWorkflows,
  recordTaskEvent,
  runAction,
  startTaskRecord,
  updateSettings,
  verifyTaskChain,
  getTask,
  StaleTaskError,
} from '@/lib/db';
import type { TaskAction } from '@/lib/workflow/engine';
import { conversationRefSchema, siteSchema, type Actor, type AuditEvent, type Settings, type Task } from '@/lib/workflow/records';
import { panelTabOf } from './host-router';
import { PANEL_PORT, type PanelTaskDetail, type TaskDetailChange } from './panel-port';
import { openReviewWindow, registerReviewWindows } from './review-window';

/**
 * The panel's access to the database, served by the background over a long-lived port.
 *
 * Why not Dexie in the panel: the panel is an extension frame inside chatgpt.com / claude.ai, a
 * third-party context; when the browser blocks third-party storage (Chromium's default here, Brave,
 * incognito, "block third-party cookies"), IndexedDB in that frame refuses to open ("The user denied
 * permission to access the database"). The background and the options page are first-party and keep
 * using Dexie directly; the panel subscribes to live queries that run here, and its writes go through
 * the same repositories.
 *
 * Trust: a port is served only when the browser reports its sender as our `panel.html` framed in a
 * chat tab (host pages cannot open runtime ports, content scripts' ports carry the page URL). The actor
 * of every write is the person named in the settings, never what the message says. Only the actions a
 * person takes in the panel exist here, and a gate decision is not one of them: the host page decides
 * what is drawn over the panel, so the panel can only open the review window (review-window.ts), where
 * the decision is taken. `approve` / `reject` arriving here are refused.
 */

export { PANEL_PORT };
export type { PanelTaskDetail, TaskDetailChange };

export interface LibraryEntry {
  id: string;
  name: string;
  category: string;
  version: number;
  stepCount: number;
  gates: string[];
  origin: string;
}

const taskId = z.string().min(1).max(64);
const stepId = z.string().min(1).max(64);

const querySchemas = {
  settings: z.object({}),
  library: z.object({}),
  'task-detail': z.object({ taskId }),
  'conversation-task': z.object({ site: siteSchema, conversationId: z.string().min(1).max(200) }),
  'open-tasks': z.object({}),
} as const;

export interface PanelQueries {
  settings: { args: Record<string, never>; result: Settings };
  library: { args: Record<string, never>; result: LibraryEntry[] };
  'task-detail': { args: { taskId: string }; result: PanelTaskDetail | null };
  'conversation-task': { args: { site: Task['conversations'][number]['site']; conversationId: string }; result: Task | null };
  'open-tasks': { args: Record<string, never>; result: Task[] };
}
export type PanelQueryName = keyof PanelQueries;

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
      };
    }),
  );
  return entries.filter((e): e is LibraryEntry => e !== null);
}

/** Runs one panel query once (the port runs it as a live query). Exported for tests. */
export async function runPanelQuery<K extends PanelQueryName>(name: K, raw: unknown): Promise<PanelQueries[K]['result']> {
  const args = querySchemas[name].parse(raw ?? {});
  return (queries[name] as (args: unknown) => Promise<PanelQueries[K]['result']>)(args);
}

const queries: { [K in PanelQueryName]: (args: PanelQueries[K]['args']) => Promise<PanelQueries[K]['result']> } = {
  settings: () => getSettings(),
  library: () => libraryEntries(),
  'task-detail': async ({ taskId }) => (await getPanelTaskDetail(taskId)) ?? null,
  'conversation-task': async ({ site, conversationId }) => {
    // The task running in this conversation now: one that moved on to another chat does not count.
    const task = await findTaskForConversation(site, conversationId);
    const last = task?.conversations.at(-1);
    return task && last?.site === site && last.conversationId === conversationId ? task : null;
  },
  'open-tasks': async () => {
    const tasks = await listTasks({ statuses: ['awaiting-approval', 'active'], limit: 50 });
    return tasks.sort(
      (a, b) => Number(b.status === 'awaiting-approval') - Number(a.status === 'awaiting-approval') || b.updatedAt.localeCompare(a.updatedAt),
    );
  },
};

/** Thrown for a gate decision that arrives from the framed panel. */
export class DecisionRefusedError extends Error {
  readonly code = 'decision-refused';
  constructor() {
    super('Decisions are taken in the review window: Approve or Reject opens it.');
    this.name = 'DecisionRefusedError';
  }
}

const actionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('complete-step'), stepId }),
  z.object({ type: z.literal('cancel'), reason: z.string().max(2_000).optional() }),
  z.object({ type: z.literal('reopen-step'), stepId }),
  z.object({ type: z.literal('set-drive-mode'), on: z.boolean() }),
  // `url-assigned` is the background's own move; the panel moves a task only on a person's request.
  z.object({ type: z.literal('move-conversation'), reason: z.enum(['handoff', 'manual']), conversation: conversationRefSchema }),
]);

const callSchemas = {
  'save-display-name': z.object({ name: z.string().trim().min(1).max(120) }),
  'start-task': z.object({ workflowId: z.string().min(1).max(64), title: z.string().trim().min(1).max(200), conversation: conversationRefSchema.optional() }),
  act: z.object({ taskId, rev: z.number().int().min(0), action: actionSchema }),
  'open-review': z.object({ taskId }),
  'briefing-inserted': z.object({ taskId, stepId: stepId.optional(), data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])) }),
  'add-note': z.object({ taskId, stepId, body: z.string().min(1).max(500_000) }),
  'edit-note': z.object({ noteId: z.string().min(1).max(64), body: z.string().min(1).max(500_000) }),
  'delete-note': z.object({ noteId: z.string().min(1).max(64) }),
  'mark-result': z.object({ noteId: z.string().min(1).max(64) }),
  verify: z.object({ taskId }),
} as const;

export type PanelCallName = keyof typeof callSchemas;
export type PanelCallArgs<K extends PanelCallName> = z.input<(typeof callSchemas)[K]>;

async function person(): Promise<Actor> {
  const { displayName } = await getSettings();
  if (!displayName) throw Object.assign(new Error('Enter your name in the panel first.'), { name: 'NoActorError' });
  return { kind: 'human', name: displayName };
}

/** Runs one panel write, validated, with the person from the settings as actor. Exported for tests. */
export async function runPanelCall(name: PanelCallName, raw: unknown): Promise<unknown> {
  switch (name) {
    case 'save-display-name': {
      const { name: displayName } = callSchemas[name].parse(raw);
      await updateSettings({ displayName }, { kind: 'human', name: displayName });
      return null;
    }
    case 'start-task': {
      const args = callSchemas[name].parse(raw);
      return startTaskRecord({ ...args, actor: await person() });
    }
    case 'act': {
      const type = (raw as { action?: { type?: unknown } } | null)?.action?.type;
      if (type === 'approve' || type === 'reject') throw new DecisionRefusedError();
      const { taskId, rev, action } = callSchemas[name].parse(raw);
      const actor = await person();
      try {
        return await runAction(taskId, rev, action as TaskAction, actor);
      } catch (error) {
        // The background's own moves (a new chat getting its address) bump `rev` between the panel's
        // read and a person's click on Complete. When the task still stands where the person saw it
        // (that step current, running, no gate pending), the click is tried once more on the fresh rev;
        // anything else stays a stale click and fails.
        if (!(error instanceof StaleTaskError) || action.type !== 'complete-step') throw error;
        const fresh = await getTask(taskId);
        if (!fresh || fresh.currentStepId !== action.stepId || fresh.status !== 'active' || fresh.pendingGate) throw error;
        return runAction(taskId, fresh.rev, action as TaskAction, actor);
      }
    }
    case 'open-review': {
      await person();
      return openReviewWindow(callSchemas[name].parse(raw).taskId);
    }
    case 'briefing-inserted': {
      const { taskId, stepId, data } = callSchemas[name].parse(raw);
      await recordTaskEvent(taskId, { type: 'briefing.inserted', actor: await person(), at: new Date().toISOString(), ...(stepId ? { stepId } : {}), data });
      return null;
    }
    case 'add-note': {
      const { taskId, stepId, body } = callSchemas[name].parse(raw);
      return addManualNote({ taskId, stepId, body, actor: await person() });
    }
    case 'edit-note': {
      const { noteId, body } = callSchemas[name].parse(raw);
      return editNote(noteId, body, await person());
    }
    case 'delete-note': {
      const { noteId } = callSchemas[name].parse(raw);
      await deleteNote(noteId, await person());
      return null;
    }
    case 'mark-result': {
      const { noteId } = callSchemas[name].parse(raw);
      return markResult(noteId, await person());
    }
    case 'verify':
      return verifyTaskChain(callSchemas[name].parse(raw).taskId);
  }
}

/** Messages on the port. Replies carry the request id. */
export type PanelPortRequest =
  | { kind: 'subscribe'; id: number; query: PanelQueryName; args: unknown }
  | { kind: 'unsubscribe'; id: number }
  | { kind: 'call'; id: number; op: PanelCallName; args: unknown };

export type PanelPortReply =
  | { kind: 'data'; id: number; value: unknown }
  /** A followed task's change since the last `data` or `change` of this subscription (task-detail only). */
  | { kind: 'change'; id: number; change: TaskDetailChange }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: { name: string; code?: string; message: string } };

function errorOf(error: unknown): { name: string; code?: string; message: string } {
  const e = error as { name?: string; code?: unknown; message?: string };
  return { name: e?.name ?? 'Error', ...(typeof e?.code === 'string' ? { code: e.code } : {}), message: e?.message ?? String(error) };
}

/**
 * Follows one task for a panel: the detail once (lib/db/task-changes.ts `getPanelTaskDetail`), then
 * only what changed,
 * read from the tail of its audit chain, so a new note costs the panel one note, not the task's
 * thousand. When the tail no longer continues what was sent (a restore replaced the chain), or the
 * task has just finished (its record in the panel lists every decision), the whole detail again.
 */
function followTaskDetail(taskId: string, id: number, post: (reply: PanelPortReply) => void): Subscription {
  let seen: { seq: number; hash: string } | null = null;
  let sentTask = '';
  let sentAllEvents = false;
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
        post({ kind: 'change', id, change });
      } else {
        seen = null;
        sentAllEvents = result.detail ? isFinished(result.detail.task) : false;
        remember(result.detail?.task, result.detail?.events.at(-1));
        post({ kind: 'data', id, value: result.detail });
      }
    },
    error: (error) => post({ kind: 'error', id, error: errorOf(error) }),
  });
}

function serve(port: Browser.runtime.Port): void {
  const subscriptions = new Map<number, Subscription>();
  const post = (reply: PanelPortReply) => {
    try {
      port.postMessage(reply);
    } catch {
      // The panel went away; its disconnect handler cleans up.
    }
  };
  port.onMessage.addListener((message: unknown) => {
    const request = message as PanelPortRequest;
    if (!request || typeof request !== 'object' || typeof request.id !== 'number') return;
    if (request.kind === 'unsubscribe') {
      subscriptions.get(request.id)?.unsubscribe();
      subscriptions.delete(request.id);
    } else if (request.kind === 'subscribe' && Object.hasOwn(querySchemas, request.query)) {
      const parsed = querySchemas[request.query].safeParse(request.args ?? {});
      if (!parsed.success) return post({ kind: 'error', id: request.id, error: { name: 'ValidationError', message: 'invalid query' } });
      const run = queries[request.query] as (args: unknown) => Promise<unknown>;
      subscriptions.get(request.id)?.unsubscribe();
      subscriptions.set(
        request.id,
        request.query === 'task-detail'
          ? followTaskDetail((parsed.data as PanelQueries['task-detail']['args']).taskId, request.id, post)
          : liveQuery(() => run(parsed.data)).subscribe({
              next: (value) => post({ kind: 'data', id: request.id, value }),
              error: (error) => post({ kind: 'error', id: request.id, error: errorOf(error) }),
            }),
      );
    } else if (request.kind === 'call' && Object.hasOwn(callSchemas, request.op)) {
      runPanelCall(request.op, request.args).then(
        (value) => post({ kind: 'result', id: request.id, value: value ?? null }),
        (error: unknown) => post({ kind: 'error', id: request.id, error: errorOf(error) }),
      );
    }
  });
  port.onDisconnect.addListener(() => {
    for (const subscription of subscriptions.values()) subscription.unsubscribe();
    subscriptions.clear();
  });
}

/** Serves the panel's port, and the review windows the panel opens (the only place a gate is decided outside the options page). */
export function registerPanelBridge(): () => void {
  const stopReview = registerReviewWindows();
  const onConnect = (port: Browser.runtime.Port) => {
    if (port.name !== PANEL_PORT) return;
    if (!port.sender || panelTabOf(port.sender) === null) {
      port.disconnect();
      return;
    }
    serve(port);
  };
  browser.runtime.onConnect.addListener(onConnect);
  return () => {
    browser.runtime.onConnect.removeListener(onConnect);
    stopReview();
  };
}

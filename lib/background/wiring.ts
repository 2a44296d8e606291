import { liveQuery } from 'dexie';
import { browser } from 'wxt/browser';
import { z } from 'zod';
import { getDb } from '@/lib/db/database';
import { ownSigningKey } from '@/lib/db/signing';
import { SITE_LABELS } from '@/lib/workflow/labels';
import {
  captureReply,
  findTaskForConversation,
  getSettings,
  getTask,
  getTaskDetail,
  installBuiltins,
  listEvents,
  recordTaskEvent,
  runAction,
  StaleTaskError,
} from '@/lib/db';
import type { HostSite } from '@/lib/hosts/types';
import { onMessage, type CaptureResult, type HostState, type ReplyFinished, type TabBinding } from '@/lib/messaging/protocol';
import { detectCompletionLine, type CompletionMatch } from '@/lib/workflow/completion-line';
import { currentStepSince, isDriving } from '@/lib/workflow/engine';
import type { Actor, Task } from '@/lib/workflow/records';
import { builtinWorkflows } from '@/workflows';
import { mirrorUiSettings } from '@/lib/settings/ui-mirror';
import { panelTabOf, registerHostRouter, type HostRouterHooks } from './host-router';
import { registerPanelBridge } from './panel-bridge';
import { awaitsReply } from './reply-recovery';

/**
 * Plugs the database into the background's host router: captured replies become notes of the bound
 * task's current step, sent messages become events, a task follows its chat when the site assigns the
 * conversation id, and the built-in workflows are installed. The panel writes through the
 * repositories itself; this file handles what arrives from content scripts, which is untrusted: it
 * records what happened on the page, and reads the AI's completion line from a captured reply. With
 * that line the AI (named after the site) may complete the current step, which on a gated step only
 * requests the gate; the engine refuses the AI everything else, so no text can decide a gate.
 */

export const SYSTEM_ACTOR: Actor = { kind: 'system', name: 'ConvOps' };
const bindingKey = (tabId: number) => `taskBinding:${tabId}`;

export async function getTabBinding(tabId: number | undefined): Promise<TabBinding | null> {
  if (tabId === undefined) return null;
  const key = bindingKey(tabId);
  const stored = (await browser.storage.session.get(key))[key] as TabBinding | undefined;
  return stored && typeof stored.taskId === 'string' ? stored : null;
}

export async function setTabBinding(tabId: number | undefined, binding: TabBinding | null): Promise<void> {
  if (tabId === undefined) return;
  if (binding === null) await browser.storage.session.remove(bindingKey(tabId));
  else await browser.storage.session.set({ [bindingKey(tabId)]: { taskId: String(binding.taskId), ...(binding.pendingHandoff ? { pendingHandoff: true } : {}) } });
}

function isRunning(task: Task): boolean {
  return task.status === 'active' || task.status === 'awaiting-approval';
}

/**
 * The running task this page belongs to: the tab's bound task while its chat has no id yet (a new
 * chat), or the task whose current conversation is this one. A task that moved on to another chat
 * does not capture replies from the old one.
 */
export async function resolveTask(site: HostSite, conversationId: string | null, tabId: number | undefined): Promise<Task | null> {
  const binding = await getTabBinding(tabId);
  if (binding) {
    const task = await getTask(binding.taskId);
    const last = task?.conversations.at(-1);
    if (task && isRunning(task) && last?.site === site && (last.conversationId === null || last.conversationId === conversationId)) return task;
  }
  if (!conversationId) return null;
  const task = await findTaskForConversation(site, conversationId);
  const last = task?.conversations.at(-1);
  return task && isRunning(task) && last?.site === site && last.conversationId === conversationId ? task : null;
}

/** The site moved a new chat to its permanent URL (`/` → `/c/<id>`, `/new` → `/chat/<id>`): the task follows. */
export async function followConversationId(
  site: HostSite,
  url: string,
  conversationId: string | null,
  tabId: number | undefined,
): Promise<Task | null> {
  const task = await resolveTask(site, conversationId, tabId);
  if (!task || !conversationId) return task;
  const last = task.conversations.at(-1);
  if (last && last.conversationId !== null) return task;
  // Until the handoff briefing is in the new chat, the page still reporting is the chat being left;
  // and a chat the task already ran in is never "assigned" again.
  if ((await getTabBinding(tabId))?.pendingHandoff) return null;
  if (task.conversations.some((c) => c.site === site && c.conversationId === conversationId)) return null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const fresh = attempt === 0 ? task : await getTask(task.id);
    if (!fresh) return null;
    const current = fresh.conversations.at(-1);
    if (current && current.conversationId !== null) return fresh;
    try {
      return await runAction(
        fresh.id,
        fresh.rev,
        { type: 'move-conversation', reason: 'url-assigned', conversation: { site, conversationId, url, boundAt: new Date().toISOString() } },
        SYSTEM_ACTOR,
      );
    } catch (error) {
      // A person acted in the panel at the same moment: read again and retry.
      if (!(error instanceof StaleTaskError)) throw error;
    }
  }
  return null;
}

/**
 * When the reply now streaming in each tab began (a send, or the first streaming report). A line in
 * a reply that began before its step became current answers an earlier moment and does not count.
 * In memory: after a service-worker restart mid-reply the start is unknown and the line counts.
 */
const replyStarts = new Map<number, string>();

export async function handleHostState(state: HostState, tabId: number | undefined): Promise<void> {
  if (tabId !== undefined && state.streaming && !replyStarts.has(tabId)) replyStarts.set(tabId, new Date().toISOString());
  if (state.conversationId) await followConversationId(state.site, state.url, state.conversationId, tabId);
}

export async function handleMessageSent(
  data: { site: HostSite; url: string; conversationId: string | null },
  tabId: number | undefined,
): Promise<void> {
  if (tabId !== undefined) replyStarts.set(tabId, new Date().toISOString());
  const task = await followConversationId(data.site, data.url, data.conversationId, tabId);
  if (!task) return;
  const settings = await getSettings();
  await recordTaskEvent(task.id, {
    type: 'message.sent',
    actor: { kind: 'human', name: settings.displayName || 'Unknown' },
    at: new Date().toISOString(),
    ...(task.currentStepId ? { stepId: task.currentStepId } : {}),
    data: { site: data.site, conversationId: data.conversationId },
  });
}

export function aiActorOf(site: HostSite): Actor {
  return { kind: 'ai', name: SITE_LABELS[site] };
}

export type LineVerdict = 'counts' | 'drive-off' | 'other-step' | 'gate-pending' | 'stale' | 'task-finished';

/** Whether a completion line in a reply that began at `startedAt` may move the task (pure; exported for tests). */
export function judgeLine(task: Task, match: CompletionMatch, since: string | null, startedAt: string | undefined): LineVerdict {
  if (task.status !== 'active' && task.status !== 'awaiting-approval') return 'task-finished';
  if (match.stepId !== task.currentStepId) return 'other-step';
  if (task.pendingGate) return 'gate-pending';
  if (startedAt !== undefined && since !== null && startedAt < since) return 'stale';
  return isDriving(task) ? 'counts' : 'drive-off';
}

async function recordIgnored(task: Task, match: CompletionMatch, reason: Exclude<LineVerdict, 'counts'>, actor: Actor, noteId?: string): Promise<void> {
  await recordTaskEvent(task.id, {
    type: 'completion.ignored',
    actor,
    at: new Date().toISOString(),
    ...(task.currentStepId ? { stepId: task.currentStepId } : {}),
    data: { named: match.stepId, reason, ...(noteId ? { noteId } : {}) },
  });
}

/** The AI completes the step it named (a gated one only requests its gate); retried when a person acted at the same moment. */
async function completeByAi(task: Task, stepId: string, actor: Actor, match: CompletionMatch): Promise<void> {
  let current: Task | undefined = task;
  for (let attempt = 0; attempt < 3 && current; attempt++) {
    if (current.currentStepId !== stepId || current.status !== 'active' || current.pendingGate) {
      return recordIgnored(current, match, current.status === 'active' ? 'other-step' : current.pendingGate ? 'gate-pending' : 'task-finished', actor);
    }
    try {
      await runAction(current.id, current.rev, { type: 'complete-step', stepId }, actor);
      return;
    } catch (error) {
      if (!(error instanceof StaleTaskError)) throw error;
      current = await getTask(task.id);
    }
  }
}

/** `markdown` is the reply already converted by the router (outside the page). */
export async function handleReplyFinished(data: ReplyFinished & { markdown: string }, tabId: number | undefined): Promise<CaptureResult> {
  const startedAt = tabId === undefined ? undefined : replyStarts.get(tabId);
  if (tabId !== undefined) replyStarts.delete(tabId);
  const settings = await getSettings();
  if (!settings.autoCapture) return { captured: false, reason: 'capture-off' };
  if (!settings.sites[data.site]) return { captured: false, reason: 'capture-off' };
  const match = detectCompletionLine(data.markdown);
  const actor = aiActorOf(data.site);
  const task = await followConversationId(data.site, data.url, data.conversationId, tabId);
  if (!task) {
    // A line at a task that finished in this chat changes nothing, and the record says so.
    if (match && data.conversationId) {
      const finished = await findTaskForConversation(data.site, data.conversationId);
      const last = finished?.conversations.at(-1);
      if (finished && !isRunning(finished) && last?.site === data.site && last.conversationId === data.conversationId) {
        await recordIgnored(finished, match, 'task-finished', actor);
      }
    }
    return { captured: false, reason: 'no-task' };
  }
  const detail = await getTaskDetail(task.id);
  const step = detail?.workflow.steps.find((s) => s.id === task.currentStepId);
  if (!detail || !step) return { captured: false, reason: 'task-not-running' };
  const verdict = match ? judgeLine(task, match, currentStepSince(detail.events), startedAt) : null;
  // The reply that says the step is done is its result, kept without the line.
  const isResult = (verdict === 'counts' || verdict === 'drive-off') && match !== null && match.body !== '';
  let outcome: CaptureResult = { captured: false, reason: 'step-does-not-capture' };
  if (step.capture) {
    const captured = await captureReply({
      taskId: task.id,
      site: data.site,
      conversationId: data.conversationId,
      messageKey: data.messageKey,
      markdown: isResult ? match.body : data.markdown,
      actor,
      result: isResult,
    });
    outcome = captured.captured ? { captured: true, noteId: captured.noteId } : { captured: false, reason: captured.reason };
    // The same reply reported again (a reload) was judged the first time.
    if (!captured.captured && captured.reason === 'duplicate') return outcome;
  }
  if (match && verdict) {
    if (verdict === 'counts') await completeByAi(task, match.stepId, actor, match);
    else await recordIgnored(task, match, verdict, actor, outcome.noteId);
  }
  return outcome;
}

/** A finished reply found when the conversation opened: kept only if the task still waits for it (see reply-recovery.ts). */
export async function handleReplyRecovered(data: ReplyFinished & { markdown: string }, tabId: number | undefined): Promise<CaptureResult> {
  const task = await resolveTask(data.site, data.conversationId, tabId);
  if (!task) return { captured: false, reason: 'no-task' };
  if (!awaitsReply(await listEvents(task.id))) return { captured: false, reason: 'duplicate' };
  return handleReplyFinished(data, tabId);
}

export async function installBuiltinWorkflows(): Promise<void> {
  await installBuiltins(builtinWorkflows, SYSTEM_ACTOR);
}

let installing: Promise<void> | null = null;
/** Once per service-worker life; installing is idempotent (identical versions are skipped). */
function ensureBuiltins(): Promise<void> {
  installing ??= installBuiltinWorkflows().catch((error: unknown) => {
    installing = null;
    console.error('ConvOps: installing the built-in workflows failed', error);
  });
  return installing;
}

const bindingSchema = z.object({ taskId: z.string().min(1).max(64), pendingHandoff: z.boolean().optional() }).nullable();

function logged<T>(fallback: T) {
  return (error: unknown): T => {
    console.error('ConvOps background:', error);
    return fallback;
  };
}

/**
 * Starts the background: the host router with the database plugged in, the panel's tab bindings, and
 * the built-in workflows. Nothing here can approve a gate or complete a step.
 */
export function wireBackground(register: (hooks: HostRouterHooks) => () => void = registerHostRouter): () => void {
  const stopRouter = register({
    onReplyFinished: (reply) => handleReplyFinished(reply, reply.tabId).catch(logged<CaptureResult>({ captured: false, reason: 'invalid' })),
    onReplyRecovered: (reply) => handleReplyRecovered(reply, reply.tabId).catch(logged<CaptureResult>({ captured: false, reason: 'invalid' })),
    onMessageSent: (event) => handleMessageSent(event, event.tabId).catch(logged(undefined)),
    onHostState: (state, tabId) => void handleHostState(state, tabId).catch(logged(undefined)),
  });
  const stopBridge = registerPanelBridge();
  const removers = [
    onMessage('panel.get-binding', async ({ sender }) => {
      const tabId = panelTabOf(sender);
      return { tabId, binding: tabId === null ? null : await getTabBinding(tabId) };
    }),
    onMessage('panel.set-binding', async ({ data, sender }) => {
      const tabId = panelTabOf(sender);
      const parsed = bindingSchema.safeParse(data ?? null);
      if (tabId === null || !parsed.success) return { ok: false };
      await setTabBinding(tabId, parsed.data);
      return { ok: true };
    }),
  ];
  const onTabRemoved = (tabId: number) => void setTabBinding(tabId, null).catch(() => undefined);
  const onInstalled = () => void ensureBuiltins();
  browser.tabs.onRemoved.addListener(onTabRemoved);
  browser.runtime.onInstalled.addListener(onInstalled);
  browser.runtime.onStartup.addListener(onInstalled);
  void ensureBuiltins();
  // The signing key is made now, in its own transaction, rather than on the first signed event, where
  // it would be made while that event's transaction waits (Firefox's IndexedDB stalls on that).
  void ownSigningKey(getDb()).catch(logged(undefined));
  // The content script cannot open the database: whoever changes the settings (panel, options page,
  // a restore), the background copies what the page side needs into storage.local.
  const settingsMirror = liveQuery(() => getSettings()).subscribe({
    next: (settings) => void mirrorUiSettings(settings).catch(logged(undefined)),
    error: logged(undefined),
  });
  return () => {
    settingsMirror.unsubscribe();
    stopRouter();
    stopBridge();
    for (const remove of removers) remove();
    browser.tabs.onRemoved.removeListener(onTabRemoved);
    browser.runtime.onInstalled.removeListener(onInstalled);
    browser.runtime.onStartup.removeListener(onInstalled);
  };
}

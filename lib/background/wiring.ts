import { browser } from 'wxt/browser';
import { htmlToMarkdown } from '../capture/html-to-markdown';
import {
  captureReply,
  findTaskForConversation,
  getSettings,
  getTask,
  getTaskDetail,
  installBuiltins,
  recordTaskEvent,
  runAction,
  StaleTaskError,
} from '../db';
import type { HostSite } from '../hosts/types';
import type { CaptureResult, HostState, ReplyFinished, TabBinding } from '../messaging/protocol';
import type { Actor, Task } from '../workflow/records';
import { builtinWorkflows } from '../../workflows';

/**
 * Plugs the database into the background's host router: captured replies become notes of the bound
 * task's current step, sent messages become events, a task follows its chat when the site assigns the
 * conversation id, and the built-in workflows are installed. The panel writes through the
 * repositories itself; this file handles what arrives from content scripts, which is untrusted: it only
 * ever records what happened on the page, it can never complete a step or decide a gate.
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

export async function handleHostState(state: HostState, tabId: number | undefined): Promise<void> {
  if (state.conversationId) await followConversationId(state.site, state.url, state.conversationId, tabId);
}

export async function handleMessageSent(
  data: { site: HostSite; url: string; conversationId: string | null },
  tabId: number | undefined,
): Promise<void> {
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

export async function handleReplyFinished(data: ReplyFinished, tabId: number | undefined): Promise<CaptureResult> {
  const settings = await getSettings();
  if (!settings.autoCapture) return { captured: false, reason: 'capture-off' };
  if (!settings.sites[data.site]) return { captured: false, reason: 'capture-off' };
  const task = await followConversationId(data.site, data.url, data.conversationId, tabId);
  if (!task) return { captured: false, reason: 'no-task' };
  const detail = await getTaskDetail(task.id);
  const step = detail?.workflow.steps.find((s) => s.id === task.currentStepId);
  if (!step) return { captured: false, reason: 'task-not-running' };
  if (!step.capture) return { captured: false, reason: 'step-does-not-capture' };
  const markdown = htmlToMarkdown(data.html);
  const outcome = await captureReply({
    taskId: task.id,
    site: data.site,
    conversationId: data.conversationId,
    messageKey: data.messageKey,
    markdown,
    actor: { kind: 'ai', name: data.site === 'chatgpt' ? 'ChatGPT' : 'Claude' },
  });
  return outcome.captured ? { captured: true, noteId: outcome.noteId } : { captured: false, reason: outcome.reason };
}

export async function installBuiltinWorkflows(): Promise<void> {
  await installBuiltins(builtinWorkflows, SYSTEM_ACTOR);
}

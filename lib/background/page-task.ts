import { findTaskForConversation, getTask, runAction, StaleTaskError } from '@/lib/db';
import type { HostSite } from '@/lib/hosts/types';
import { SYSTEM_ACTOR } from '@/lib/workflow/actors';
import { boundTaskFits, isInConversation, isRunning } from '@/lib/workflow/engine';
import type { Task } from '@/lib/workflow/records';
import { readTab } from './tab-state';

/**
 * Which task a chat page belongs to, for what its content script reports, and the one move the
 * background makes on its own: a new chat getting its permanent address. The rules themselves are
 * the engine's (`boundTaskFits`, `isInConversation`, `isRunning`, `taskOfConversation`).
 */

/**
 * The running task this page belongs to: the tab's bound task while it fits the page (a new chat
 * has no id yet), else the task of this conversation. A task that moved on to another chat, or
 * finished, captures nothing from this one.
 */
export async function resolveTask(site: HostSite, conversationId: string | null, tabId: number | undefined): Promise<Task | null> {
  const binding = tabId === undefined ? null : (await readTab(tabId)).binding;
  if (binding) {
    const task = await getTask(binding.taskId);
    if (task && isRunning(task) && boundTaskFits(task, site, conversationId)) return task;
  }
  if (!conversationId) return null;
  const task = await findTaskForConversation(site, conversationId);
  return task && isRunning(task) ? task : null;
}

/**
 * The site moved a new chat to its permanent URL (`/` → `/c/<id>`, `/new` → `/chat/<id>`): the task follows.
 * `resolved`: `resolveTask`'s answer when the caller already has it (read alongside something else).
 */
export async function followConversationId(
  site: HostSite,
  url: string,
  conversationId: string | null,
  tabId: number | undefined,
  resolved?: Task | null,
): Promise<Task | null> {
  const task = resolved !== undefined ? resolved : await resolveTask(site, conversationId, tabId);
  if (!task || !conversationId) return task;
  const last = task.conversations.at(-1);
  if (last && last.conversationId !== null) return task;
  // Until the handoff briefing is in the new chat, the page still reporting is the chat being left;
  // and a chat the task already ran in is never "assigned" again.
  if (tabId !== undefined && (await readTab(tabId)).binding?.pendingHandoff) return null;
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

/** The task that finished in this conversation (its record still answers for what is said there). */
export async function finishedTaskOf(site: HostSite, conversationId: string | null): Promise<Task | null> {
  if (!conversationId) return null;
  const task = await findTaskForConversation(site, conversationId);
  return task && !isRunning(task) && isInConversation(task, site, conversationId) ? task : null;
}

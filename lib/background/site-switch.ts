import { browser } from 'wxt/browser';
import { getTask, runAction } from '@/lib/db';
import { newChatUrl } from '@/lib/hosts';
import type { HostSite } from '@/lib/hosts/types';
import type { Actor, Task } from '@/lib/workflow/records';
import { listTabs, writeBinding, type TabRecord } from './tab-state';

/**
 * One task across both sites (DESIGN.md): when the current step names the other assistant, the task
 * goes to its chat there. Where a tab of that site already shows one of the task's conversations, the
 * task goes back to it (`site-switch`) and the tab comes to the front; otherwise a new chat opens in a
 * new tab, bound to the task, and the handoff briefing goes in once its prompt box is ready (the
 * conductor delivers it). Opening and focusing a tab with a URL of the two sites needs no permission
 * beyond the host access the extension has (no `tabs` permission).
 */

/** A tab showing one of the task's conversations on `site`, if one is open. */
export async function tabOfTaskOn(task: Task, site: HostSite): Promise<[number, TabRecord] | null> {
  const known = task.conversations.filter((c) => c.site === site && c.conversationId !== null).map((c) => c.conversationId);
  return (await listTabs()).find(([, record]) => record.host?.site === site && record.host.conversationId !== null && known.includes(record.host.conversationId)) ?? null;
}

export interface SwitchResult {
  task: Task;
  tabId: number | null;
  opened: 'existing' | 'new' | 'none';
}

/** Moves the task to its chat on `site`: back to an open one, or a new chat in a new tab. */
export async function continueOn(taskId: string, rev: number, site: HostSite, actor: Actor): Promise<SwitchResult> {
  const task = await getTask(taskId);
  if (!task) throw new Error('The task is gone.');
  const existing = await tabOfTaskOn(task, site);
  if (existing) {
    const [tabId, record] = existing;
    const moved = await runAction(
      taskId,
      rev,
      { type: 'move-conversation', reason: 'site-switch', conversation: { site, conversationId: record.host!.conversationId, url: record.host!.url, boundAt: new Date().toISOString() } },
      actor,
    );
    await writeBinding(tabId, { taskId });
    await browser.tabs.update(tabId, { active: true }).catch(() => undefined);
    return { task: moved, tabId, opened: 'existing' };
  }
  const url = newChatUrl(site);
  const moved = await runAction(taskId, rev, { type: 'move-conversation', reason: 'handoff', conversation: { site, conversationId: null, url, boundAt: new Date().toISOString() } }, actor);
  const tab = await browser.tabs.create({ url, active: true }).catch(() => null);
  if (tab?.id === undefined) return { task: moved, tabId: null, opened: 'none' };
  await writeBinding(tab.id, { taskId, pendingHandoff: true });
  return { task: moved, tabId: tab.id, opened: 'new' };
}

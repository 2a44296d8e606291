import { getSettings, recordTaskEvent } from '@/lib/db';
import type { HostState, MessageSent } from '@/lib/messaging/schemas';
import { recordedPerson } from '@/lib/workflow/actors';
import { followConversationId } from './page-task';
import { noteTabUse } from './conductor';
import { markReplyStart, markStreaming, takeExpectedSend } from './reply-starts';

/**
 * What the page says happened, recorded: a message sent with the site's own Send becomes the task's
 * `message.sent` (it has already happened, so it is recorded under the person's name or as an
 * unnamed person: see lib/workflow/actors.ts), and the task follows its chat to the permanent address.
 */

export async function handleMessageSent(data: MessageSent, tabId: number | undefined): Promise<void> {
  if (tabId !== undefined) markReplyStart(tabId);
  const askedBy = tabId === undefined ? null : await takeExpectedSend(tabId);
  const task = await followConversationId(data.site, data.url, data.conversationId, tabId);
  if (!task) return;
  if (tabId !== undefined) await noteTabUse(task.id, tabId);
  await recordTaskEvent(task.id, {
    type: 'message.sent',
    actor: askedBy ?? recordedPerson((await getSettings()).displayName),
    at: new Date().toISOString(),
    ...(task.currentStepId ? { stepId: task.currentStepId } : {}),
    data: { site: data.site, conversationId: data.conversationId },
  });
}

export async function handleHostState(state: HostState, tabId: number | undefined): Promise<void> {
  if (tabId !== undefined && state.streaming) markStreaming(tabId);
  if (state.conversationId) await followConversationId(state.site, state.url, state.conversationId, tabId);
}

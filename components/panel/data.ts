import type { LibraryEntry, PanelTaskDetail } from '@/lib/background/panel-bridge';
import type { ChainVerdict } from '@/lib/db/hash-chain';
import type { TaskAction } from '@/lib/workflow/engine';
import type { ConversationRef, Note, Settings, Site, Task } from '@/lib/workflow/records';
import { bridge, useBridgeQuery } from './bridge-client';

/**
 * Everything the panel reads (live) and writes. The queries run in the background (see
 * lib/background/panel-bridge.ts for why the panel frame does not open the database itself); writes go
 * through the repositories there, with the person named in the settings as actor.
 */

export type TaskDetail = PanelTaskDetail;
export type { LibraryEntry };

export function useSettings(): Settings | undefined {
  return useBridgeQuery('settings', {}) ?? undefined;
}

export function useLibrary(): LibraryEntry[] | undefined {
  return useBridgeQuery('library', {}) ?? undefined;
}

export function useTaskDetail(taskId: string | null | undefined): TaskDetail | null | undefined {
  return useBridgeQuery('task-detail', taskId ? { taskId } : null);
}

/** The task running in this conversation now (a task that moved on to another chat does not count). */
export function useConversationTask(site: Site | undefined, conversationId: string | null | undefined): Task | null | undefined {
  return useBridgeQuery('conversation-task', site && conversationId ? { site, conversationId } : null);
}

/** Tasks still running: the ones waiting for a decision first. */
export function useOpenTasks(): Task[] | undefined {
  return useBridgeQuery('open-tasks', {}) ?? undefined;
}

export const panelRepo = {
  saveDisplayName: (name: string) => bridge().call('save-display-name', { name }),
  startTask: (input: { workflowId: string; title: string; conversation?: ConversationRef }) => bridge().call<'start-task', Task>('start-task', input),
  /** Opens (or focuses) the review window of the task's waiting gate: the panel never decides itself. */
  openReview: (taskId: string) => bridge().call<'open-review', { opened: boolean; windowId: number | null }>('open-review', { taskId }),
  act: (taskId: string, rev: number, action: TaskAction) => bridge().call<'act', Task>('act', { taskId, rev, action: action as never }),
  briefingInserted: (taskId: string, stepId: string | undefined, data: Record<string, string | number | boolean | null>) =>
    bridge().call('briefing-inserted', { taskId, ...(stepId ? { stepId } : {}), data }),
  addNote: (taskId: string, stepId: string, body: string) => bridge().call<'add-note', Note>('add-note', { taskId, stepId, body }),
  editNote: (noteId: string, body: string) => bridge().call('edit-note', { noteId, body }),
  deleteNote: (noteId: string) => bridge().call('delete-note', { noteId }),
  markResult: (noteId: string) => bridge().call('mark-result', { noteId }),
  verify: (taskId: string) => bridge().call<'verify', ChainVerdict>('verify', { taskId }),
};

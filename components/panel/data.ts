import { useLiveQuery } from 'dexie-react-hooks';
import {
  addManualNote,
  deleteNote,
  editNote,
  findTaskForConversation,
  getSettings,
  getTaskDetail,
  getWorkflow,
  listTasks,
  listWorkflows,
  recordTaskEvent,
  runAction,
  startTaskRecord,
  updateSettings,
  verifyTaskChain,
} from '../../lib/db';
import type { TaskAction } from '../../lib/workflow/engine';
import type { Actor, AuditEvent, ConversationRef, EventDraft, Note, Settings, Site, Task } from '../../lib/workflow/records';
import type { Workflow } from '../../lib/workflow/schema';

/**
 * Everything the panel reads (live, through Dexie's liveQuery) and writes (only through the
 * repositories, which record the audit events in the same transaction).
 */

export interface TaskDetail {
  task: Task;
  workflow: Workflow;
  notes: Note[];
  events: AuditEvent[];
}

export interface LibraryEntry {
  id: string;
  name: string;
  category: string;
  version: number;
  stepCount: number;
  gates: string[];
  origin: string;
}

export function useSettings(): Settings | undefined {
  return useLiveQuery(() => getSettings(), []);
}

export function useLibrary(): LibraryEntry[] | undefined {
  return useLiveQuery(async () => {
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
  }, []);
}

export function useTaskDetail(taskId: string | null | undefined): TaskDetail | null | undefined {
  return useLiveQuery(async () => {
    if (!taskId) return null;
    const detail = await getTaskDetail(taskId);
    return detail ? { task: detail.task, workflow: detail.workflow, notes: detail.notes, events: detail.events } : null;
  }, [taskId]);
}

/** The task running in this conversation now (a task that moved on to another chat does not count). */
export function useConversationTask(site: Site | undefined, conversationId: string | null | undefined): Task | null | undefined {
  return useLiveQuery(async () => {
    if (!site || !conversationId) return null;
    const task = await findTaskForConversation(site, conversationId);
    if (!task) return null;
    const last = task.conversations.at(-1);
    return last && last.site === site && last.conversationId === conversationId ? task : null;
  }, [site, conversationId]);
}

/** Tasks still running, newest first: the ones waiting for a decision come first. */
export function useOpenTasks(): Task[] | undefined {
  return useLiveQuery(async () => {
    const tasks = await listTasks({ statuses: ['awaiting-approval', 'active'], limit: 50 });
    return [...tasks].sort(
      (a, b) => Number(b.status === 'awaiting-approval') - Number(a.status === 'awaiting-approval') || b.updatedAt.localeCompare(a.updatedAt),
    );
  }, []);
}

export const panelRepo = {
  saveDisplayName: (name: string) => updateSettings({ displayName: name }, { kind: 'human', name }),
  startTask: (input: { workflowId: string; title: string; conversation?: ConversationRef; actor: Actor }) => startTaskRecord(input),
  act: (taskId: string, rev: number, action: TaskAction, actor: Actor) => runAction(taskId, rev, action, actor),
  recordEvent: (taskId: string, draft: EventDraft) => recordTaskEvent(taskId, draft),
  addNote: (taskId: string, stepId: string, body: string, actor: Actor) => addManualNote({ taskId, stepId, body, actor }),
  editNote: (noteId: string, body: string, actor: Actor) => editNote(noteId, body, actor),
  deleteNote: (noteId: string, actor: Actor) => deleteNote(noteId, actor),
  verify: (taskId: string) => verifyTaskChain(taskId),
};

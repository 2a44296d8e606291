import Dexie from 'dexie';
import { nanoid } from 'nanoid';
import { applyAction, currentStepSince, startTask, taskOfConversation, WorkflowRuleError, type DecisionAuthority } from '@/lib/workflow/engine';
import type { Settings, TaskAction, TeamStandards } from '@/lib/workflow/records';
import { stepHasWorkSince } from '@/lib/workflow/results';
import { taskSchema, type Actor, type AuditEvent, type ConversationRef, type Note, type Site, type Task, type TaskStatus } from '@/lib/workflow/records';
import type { Workflow } from '@/lib/workflow/schema';
import { getDb, type ConvOpsDatabase } from './database';
import { RecordNotFoundError, StaleTaskError } from './errors';
import { appendEvents, listEvents } from './events-repo';
import { getSettings } from './settings-repo';
import { conversationKey, fromNoteRow, fromTaskRow, fromWorkflowRecord, toTaskRow, type NoteRow, type TaskRow } from './records';

/**
 * Tasks: started on the latest workflow version and pinned to it; every transition goes through the
 * engine, inside one transaction with its events, guarded by the task's `rev`.
 */

function nowIso(): string {
  return new Date().toISOString();
}

async function writeTask(db: ConvOpsDatabase, task: Task): Promise<Task> {
  const parsed = taskSchema.parse(task);
  await db.tasks.put(toTaskRow(parsed));
  return parsed;
}

export interface StartTaskInput {
  workflowId: string;
  title: string;
  conversation?: ConversationRef;
  actor: Actor;
  /** The workflow's input values, by name; the engine refuses values that do not fit. */
  inputs?: Record<string, string>;
}

/**
 * The standards a task starting now records: the team workspace's newest valid published version
 * when there is one (it applies in place of this browser's own), else Settings → Standards.
 */
export function standardsForNewTask(settings: Settings): TeamStandards {
  const published = settings.publishedTeamStandards;
  if (published) return { version: published.version, lines: [...published.lines], publishedBy: { ...published.publishedBy } };
  return { version: settings.teamStandardsVersion, lines: [...settings.teamStandards] };
}

/**
 * Starts a task on the latest (not deleted) version of a workflow, with the team standards of this
 * moment (`standardsForNewTask`): the task keeps that version, whatever the settings or the team say later.
 */
export async function startTaskRecord(input: StartTaskInput): Promise<Task> {
  const db = getDb();
  return db.transaction('rw', [db.workflowHeads, db.workflows, db.tasks, db.events, db.settings], async () => {
    const settings = await getSettings();
    const head = await db.workflowHeads.get(input.workflowId);
    if (!head || head.deleted) throw new RecordNotFoundError('workflow', input.workflowId);
    const record = await db.workflows.get([input.workflowId, head.latestVersion]);
    if (!record) throw new RecordNotFoundError('workflow-version', `${input.workflowId}@${head.latestVersion}`);
    const { task, events } = startTask(fromWorkflowRecord(record), {
      id: nanoid(),
      title: input.title,
      ...(input.conversation ? { conversation: input.conversation } : {}),
      actor: input.actor,
      now: nowIso(),
      ...(input.inputs ? { inputs: input.inputs } : {}),
      teamStandards: standardsForNewTask(settings),
    });
    const written = await writeTask(db, task);
    await appendEvents(db, written.id, events);
    return written;
  });
}

/**
 * Applies one action to a task that the caller read at `expectedRev`. When someone else changed the
 * task in between (another tab approved first), fails with `StaleTaskError` and writes nothing; a
 * `WorkflowRuleError` from the engine also propagates with nothing written.
 */
/** The workflow version a task is pinned to (read inside the caller's transaction); a task without it is an error. */
export async function pinnedWorkflow(db: ConvOpsDatabase, task: Pick<Task, 'workflowId' | 'workflowVersion'>): Promise<Workflow> {
  const record = await db.workflows.get([task.workflowId, task.workflowVersion]);
  if (!record) throw new RecordNotFoundError('workflow-version', `${task.workflowId}@${task.workflowVersion}`);
  return fromWorkflowRecord(record);
}

/**
 * `authority`: who is deciding, for a gate whose rule says who may (engine `DecisionAuthority`);
 * the team workspace gives it for a colleague's decision.
 */
export async function runAction(taskId: string, expectedRev: number, action: TaskAction, actor: Actor, authority?: DecisionAuthority): Promise<Task> {
  const db = getDb();
  return db.transaction('rw', [db.tasks, db.workflows, db.events, db.notes], async () => {
    const row = await db.tasks.get(taskId);
    if (!row) throw new RecordNotFoundError('task', taskId);
    if (row.rev !== expectedRev) throw new StaleTaskError(taskId, expectedRev, row.rev);
    const task = fromTaskRow(row);
    const workflow = await pinnedWorkflow(db, task);
    if (action.type === 'reopen-step') await assertNoWorkYet(db, task, workflow.steps.find((s) => s.id === task.currentStepId)?.title);
    const result = applyAction(task, workflow, action, actor, nowIso(), authority);
    const written = await writeTask(db, { ...result.task, rev: task.rev + 1 });
    await appendEvents(db, taskId, result.events);
    return written;
  });
}

/** Reopen undoes a completion only while the step it moved to has no notes: nothing is lost or orphaned. */
async function assertNoWorkYet(db: ConvOpsDatabase, task: Task, title: string | undefined): Promise<void> {
  if (!task.currentStepId) return;
  const events = await listEvents(task.id);
  const notes = (await db.notes.where('[taskId+stepId]').equals([task.id, task.currentStepId]).toArray()).map(fromNoteRow);
  if (stepHasWorkSince(notes, task.currentStepId, currentStepSince(events))) {
    throw new WorkflowRuleError('nothing-to-reopen', `"${title ?? task.currentStepId}" already has work in it, so the step before it cannot be reopened.`);
  }
}

export async function getTask(taskId: string): Promise<Task | undefined> {
  const row = await getDb().tasks.get(taskId);
  return row && fromTaskRow(row);
}

/** The task of a conversation (engine rule `taskOfConversation`): running there now, else finished there last. One indexed query. */
export async function findTaskForConversation(site: Site, conversationId: string): Promise<Task | null> {
  const rows = await getDb().tasks.where('conversationKeys').equals(conversationKey(site, conversationId)).toArray();
  const best = taskOfConversation(rows, site, conversationId);
  return best && fromTaskRow(best);
}

export interface TaskQuery {
  status?: TaskStatus;
  /** Any of these statuses (takes precedence over `status`). */
  statuses?: readonly TaskStatus[];
  workflowId?: string;
  /** The site the task runs on now. */
  site?: Site;
  /** Who started the task (`createdBy.name`). */
  person?: string;
  /** Case-insensitive match in the title. */
  search?: string;
  limit?: number;
  offset?: number;
}

const DEFAULT_PAGE = 50;

/**
 * The dashboard's query, newest first. The most selective equality filter picks a compound
 * `[field+updatedAt]` index, so the newest rows come straight from the index in order; the other
 * filters run on those rows only.
 */
function taskCollection(db: ConvOpsDatabase, query: TaskQuery) {
  const statuses = query.statuses ?? (query.status ? [query.status] : undefined);
  const byIndex = (index: string, value: string) =>
    db.tasks.where(index).between([value, Dexie.minKey], [value, Dexie.maxKey]).reverse();
  // The filter the index already applies is not repeated: a count on one filter stays index-only.
  let indexed: 'workflowId' | 'person' | 'status' | 'site' | undefined;
  let collection;
  if (query.workflowId !== undefined) {
    indexed = 'workflowId';
    collection = byIndex('[workflowId+updatedAt]', query.workflowId);
  } else if (query.person !== undefined) {
    indexed = 'person';
    collection = byIndex('[createdBy.name+updatedAt]', query.person);
  } else if (statuses?.length === 1) {
    indexed = 'status';
    collection = byIndex('[status+updatedAt]', statuses[0]!);
  } else if (query.site !== undefined) {
    indexed = 'site';
    collection = byIndex('[site+updatedAt]', query.site);
  } else {
    collection = db.tasks.orderBy('updatedAt').reverse();
  }

  const rest: ((row: TaskRow) => boolean)[] = [];
  if (query.workflowId !== undefined && indexed !== 'workflowId') rest.push((r) => r.workflowId === query.workflowId);
  if (query.person !== undefined && indexed !== 'person') rest.push((r) => r.createdBy.name === query.person);
  if (statuses && indexed !== 'status') rest.push((r) => statuses.includes(r.status));
  if (query.site !== undefined && indexed !== 'site') rest.push((r) => r.site === query.site);
  const needle = query.search?.trim().toLowerCase();
  if (needle) rest.push((r) => r.titleLower.includes(needle));
  return rest.length > 0 ? collection.filter((row) => rest.every((test) => test(row))) : collection;
}

export async function listTasks(query: TaskQuery = {}): Promise<Task[]> {
  const db = getDb();
  const rows = await taskCollection(db, query)
    .offset(query.offset ?? 0)
    .limit(query.limit ?? DEFAULT_PAGE)
    .toArray();
  return rows.map(fromTaskRow);
}

export async function countTasks(query: Omit<TaskQuery, 'limit' | 'offset'> = {}): Promise<number> {
  return taskCollection(getDb(), query).count();
}

export interface TaskDetail {
  task: Task;
  /** The pinned version the task runs on, even if the workflow was edited or deleted since. */
  workflow: Workflow;
  /** Notes not deleted, oldest first. */
  notes: Note[];
  events: AuditEvent[];
}

export async function getTaskDetail(taskId: string): Promise<TaskDetail | undefined> {
  const db = getDb();
  return db.transaction('r', [db.tasks, db.workflows, db.notes, db.events], async () => {
    const row = await db.tasks.get(taskId);
    if (!row) return undefined;
    const workflow = await pinnedWorkflow(db, row);
    return { task: fromTaskRow(row), workflow, notes: await liveNotesOf(db, taskId), events: await listEvents(taskId) };
  });
}

/** A task's notes, deleted ones left out, in creation order. */
export async function liveNotesOf(db: ConvOpsDatabase, taskId: string): Promise<Note[]> {
  return liveNotesFrom(await db.notes.where('taskId').equals(taskId).toArray());
}

/** Note rows as the panel and the pages show them: deleted ones left out, in creation order. */
export function liveNotesFrom(rows: readonly NoteRow[]): Note[] {
  return rows
    .filter((n) => !n.deleted)
    .map(fromNoteRow)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

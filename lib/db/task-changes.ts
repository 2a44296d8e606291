import Dexie from 'dexie';
import type { PanelTaskDetail } from '@/lib/messaging/panel-port';
import { isArrival, isFinished } from '@/lib/workflow/engine';
import type { AuditEvent, Note, Task } from '@/lib/workflow/records';
import { getDb } from './database';
import { listEvents } from './events-repo';
import { fromNoteRow, fromTaskRow } from './records';
import { liveNotesFrom, liveNotesOf, pinnedWorkflow } from './tasks-repo';
import type { Workflow } from '@/lib/workflow/schema';

/**
 * What changed in a task since the audit event `afterSeq` (whose hash the caller saw): the task as it
 * is now, the events appended since, and the notes those events name. Every mutation writes its
 * audit event in the same transaction (DESIGN.md), so the chain's tail is the task's change log, and
 * a follower reads only the tail instead of the task's every note and event again.
 *
 * `null` when the tail no longer continues what the caller saw (the task is gone, or the chain was
 * replaced, as by a restore): the caller then starts again from the whole detail.
 */
export interface TaskChanges {
  task: Task;
  events: AuditEvent[];
  /** Added, edited or deleted notes (a deleted note has `deleted: true`), each as stored now. */
  notes: Note[];
}

export async function getTaskChanges(taskId: string, afterSeq: number, afterHash: string): Promise<TaskChanges | null> {
  const db = getDb();
  return db.transaction('r', [db.tasks, db.notes, db.events], async () => {
    const row = await db.tasks.get(taskId);
    if (!row) return null;
    const tail = await db.events.where('[taskId+seq]').between([taskId, afterSeq], [taskId, Infinity], true, true).toArray();
    if (afterSeq > 0 && tail[0]?.hash !== afterHash) return null;
    const events = afterSeq > 0 ? tail.slice(1) : tail;
    const noteIds = [...new Set(events.map((e) => e.data.noteId).filter((id): id is string => typeof id === 'string'))];
    const notes = (await db.notes.bulkGet(noteIds)).filter((n) => n !== undefined && n.taskId === taskId).map((n) => fromNoteRow(n!));
    return { task: fromTaskRow(row), events, notes };
  });
}

/**
 * The panel's first read of a task. A running task: its notes, and its chain from the event before
 * the current step became current (the decision that brought it there) to the end: what the first
 * screen reads from the chain (the step's moment, what was sent on it, who decided, the last advance).
 * `earlierThan` then says where that tail starts; the events before it are read after the first
 * answer has gone (`getEventsBefore`: the step's earlier visits, the inputs' history), so the panel's
 * first screen does not wait for a chain of thousands. Its notes likewise: only those of the current
 * step (and of the step it reviews, for a second opinion's gate), what the first screen reads (the
 * step's work and result, the gate's result); `notesToCome` then says the others follow
 * (`getLiveNotes`, every note, read after the first answer has gone), so a 1,000-note task's first
 * answer does not carry a thousand bodies. A finished task: every note and every event (its record in
 * the panel lists every decision). Afterwards only changes are sent (`getTaskChanges`).
 */
export async function getPanelTaskDetail(taskId: string): Promise<PanelTaskDetail | undefined> {
  const db = getDb();
  return db.transaction('r', [db.tasks, db.workflows, db.notes, db.events], async () => {
    const row = await db.tasks.get(taskId);
    if (!row) return undefined;
    const task = fromTaskRow(row);
    const workflow = await pinnedWorkflow(db, row);
    if (isFinished(task)) return { task, workflow, notes: await liveNotesOf(db, taskId), events: await listEvents(taskId) };
    // The notes' rows counted on the index (no row read), and only the first screen's steps read.
    const stepIds = [...new Set([task.currentStepId, workflow.steps.find((s) => s.id === task.currentStepId)?.reviews].filter((id): id is string => !!id))];
    const [noteRows, stepRows] = await Promise.all([
      db.notes.where('taskId').equals(taskId).count(),
      Promise.all(stepIds.map((stepId) => db.notes.where('[taskId+stepId]').equals([taskId, stepId]).toArray())),
    ]);
    const rows = stepRows.flat();
    const notes = liveNotesFrom(rows);
    const partial = rows.length < noteRows ? { notesToCome: true as const } : {};
    const tail: AuditEvent[] = [];
    await db.events
      .where('[taskId+seq]')
      .between([taskId, Dexie.minKey], [taskId, Dexie.maxKey])
      .reverse()
      .until((event) => isArrival(event), true)
      .each((event) => void tail.push(event));
    tail.reverse();
    const arrival = tail[0];
    const before = arrival && arrival.seq > 1 ? await db.events.get([taskId, arrival.seq - 1]) : undefined;
    const events = before ? [before, ...tail] : tail;
    const from = events[0]?.seq ?? 1;
    return from > 1 ? { task, workflow, notes, events, earlierThan: from, ...partial } : { task, workflow, notes, events, ...partial };
  });
}

/** A task's notes, deleted ones left out, in creation order: what follows a first read that sent only some (`notesToCome`). */
export async function getLiveNotes(taskId: string): Promise<Note[]> {
  return liveNotesOf(getDb(), taskId);
}

/** A task's events before `seq`, in chain order: what follows a first read that started there. */
export async function getEventsBefore(taskId: string, seq: number): Promise<AuditEvent[]> {
  return getDb().events.where('[taskId+seq]').between([taskId, Dexie.minKey], [taskId, seq], true, false).toArray();
}

/**
 * A task, its pinned workflow, and a version string of everything a page of its notes and events
 * depends on (the chain's head, the note count, the task's rev): what a page that loads its lists in
 * pages watches, so that a change costs one small read to notice. `null` for no such task.
 */
export async function getTaskDetailHead(taskId: string): Promise<{ task: Task; workflow: Workflow; version: string } | null> {
  const db = getDb();
  return db.transaction('r', [db.tasks, db.workflows, db.notes, db.events], async () => {
    const row = await db.tasks.get(taskId);
    if (!row) return null;
    const workflow = await pinnedWorkflow(db, row);
    const last = await db.events.where('[taskId+seq]').between([taskId, 0], [taskId, Infinity]).last();
    const noteCount = await db.notes.where('taskId').equals(taskId).count();
    return { task: fromTaskRow(row), workflow, version: `${last?.seq ?? 0}:${last?.hash ?? ''}:${noteCount}:${row.rev}:${row.updatedAt}` };
  });
}

/** One page of a task's notes (raw rows, deleted ones dropped) and events, for a page that loads as it goes. */
export interface TaskDetailPage {
  notes: Note[];
  events: AuditEvent[];
  /** Raw note rows read (the next page's offset), and whether both lists are at their end. */
  noteRows: number;
  done: boolean;
}

export async function getTaskDetailPage(taskId: string, from: { noteRows: number; afterSeq: number }, limit: number): Promise<TaskDetailPage> {
  const db = getDb();
  return db.transaction('r', [db.notes, db.events], async () => {
    const [rows, events] = await Promise.all([
      db.notes.where('taskId').equals(taskId).offset(from.noteRows).limit(limit).toArray(),
      db.events.where('[taskId+seq]').between([taskId, from.afterSeq], [taskId, Infinity], false, true).limit(limit).toArray(),
    ]);
    return { notes: rows.filter((n) => !n.deleted).map(fromNoteRow), events, noteRows: rows.length, done: rows.length < limit && events.length < limit };
  });
}

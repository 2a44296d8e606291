import { nanoid } from 'nanoid';
import { noteSchema, type Actor, type Note, type Site } from '@/lib/workflow/records';
import { isRunning } from '@/lib/workflow/engine';
import { getDb, type ConvOpsDatabase } from './database';
import { RecordNotFoundError, NoteRuleError } from './errors';
import { appendEvents } from './events-repo';
import { sha256HexNow } from './hash-chain';
import { captureKeyOf, fromNoteRow, toNoteRow } from './records';

/**
 * Notes: the AI's captured replies and what people write. Notes never change the task row, so they
 * do not bump `rev`: a reply captured while someone clicks Approve never makes the approval stale.
 * Their events still go on the task's chain, in the same transaction as the note.
 */

function nowIso(): string {
  return new Date().toISOString();
}

async function writeNote(db: ConvOpsDatabase, note: Note): Promise<Note> {
  const parsed = noteSchema.parse(note);
  await db.notes.put(toNoteRow(parsed));
  return parsed;
}

export interface CaptureReplyInput {
  taskId: string;
  site: Site;
  conversationId: string | null;
  /** The host's stable key of the assistant message. */
  messageKey: string;
  markdown: string;
  actor: Actor;
  /** The reply carried the step's completion line: it becomes the step's result (`markdown` is without the line). */
  result?: boolean;
}

export type CaptureOutcome =
  | { captured: true; noteId: string }
  | { captured: false; reason: 'no-task' | 'task-not-running' | 'step-does-not-capture' | 'duplicate' | 'invalid'; noteId?: string };

/**
 * Keeps an AI reply as a note of the task's current step, once. Whether auto-capture is switched on
 * is the caller's decision (the background checks the setting before calling).
 */
export async function captureReply(input: CaptureReplyInput): Promise<CaptureOutcome> {
  const body = input.markdown.trim();
  if (!body || !input.messageKey) return { captured: false, reason: 'invalid' };
  const db = getDb();
  return db.transaction('rw', [db.tasks, db.workflows, db.notes, db.events], async (): Promise<CaptureOutcome> => {
    const capture = { site: input.site, conversationId: input.conversationId, messageKey: input.messageKey };
    const key = captureKeyOf({ taskId: input.taskId, capture })!;
    // The task and an earlier capture of this reply read at once (each read is a round trip); judged in this order.
    const [task, existing] = await Promise.all([db.tasks.get(input.taskId), db.notes.where('captureKey').equals(key).first()]);
    if (!task) return { captured: false, reason: 'no-task' };
    if (!isRunning(task) || !task.currentStepId) {
      return { captured: false, reason: 'task-not-running' };
    }
    const workflow = await db.workflows.get([task.workflowId, task.workflowVersion]);
    const step = workflow?.steps.find((s) => s.id === task.currentStepId);
    if (!step?.capture) return { captured: false, reason: 'step-does-not-capture' };
    if (existing) return { captured: false, reason: 'duplicate', noteId: existing.id };
    const now = nowIso();
    // Hashed without a promise: inside the transaction one would need Dexie.waitFor, a round trip to IndexedDB.
    const hash = sha256HexNow(body);
    const note = await writeNote(db, {
      id: nanoid(),
      taskId: task.id,
      stepId: step.id,
      source: 'captured',
      body,
      capture,
      createdAt: now,
      createdBy: input.actor,
      updatedAt: now,
      ...(input.result ? { resultAt: now } : {}),
      deleted: false,
    });
    await appendEvents(db, task.id, [
      {
        type: 'response.captured',
        actor: input.actor,
        at: now,
        stepId: step.id,
        data: { noteId: note.id, site: input.site, conversationId: input.conversationId, messageKey: input.messageKey },
      },
      {
        type: 'note.added',
        actor: input.actor,
        at: now,
        stepId: step.id,
        data: { noteId: note.id, source: 'captured', length: body.length, hash, ...(input.result ? { result: true } : {}) },
      },
    ]);
    return { captured: true, noteId: note.id };
  });
}

export interface ManualNoteInput {
  taskId: string;
  /** Defaults to the task's current step. */
  stepId?: string;
  body: string;
  actor: Actor;
  /** `handoff` for the state carried into a new conversation. */
  source?: 'manual' | 'handoff';
}

/** Adds a note someone wrote (allowed on finished tasks too: people annotate the record). */
export async function addManualNote(input: ManualNoteInput): Promise<Note> {
  const body = input.body.trim();
  if (!body) throw new NoteRuleError('A note needs some text.');
  const db = getDb();
  return db.transaction('rw', [db.tasks, db.workflows, db.notes, db.events], async () => {
    const task = await db.tasks.get(input.taskId);
    if (!task) throw new RecordNotFoundError('task', input.taskId);
    const stepId = input.stepId ?? task.currentStepId;
    if (!stepId) throw new NoteRuleError('This task is finished: say which step the note belongs to.');
    const workflow = await db.workflows.get([task.workflowId, task.workflowVersion]);
    if (!workflow?.steps.some((s) => s.id === stepId)) {
      throw new NoteRuleError(`"${stepId}" is not a step of this task's workflow.`);
    }
    const now = nowIso();
    const source = input.source ?? 'manual';
    const hash = sha256HexNow(body);
    const note = await writeNote(db, {
      id: nanoid(),
      taskId: task.id,
      stepId,
      source,
      body,
      createdAt: now,
      createdBy: input.actor,
      updatedAt: now,
      deleted: false,
    });
    await appendEvents(db, task.id, [
      { type: 'note.added', actor: input.actor, at: now, stepId, data: { noteId: note.id, source, length: body.length, hash } },
    ]);
    return note;
  });
}

async function liveNote(db: ConvOpsDatabase, noteId: string): Promise<Note> {
  const row = await db.notes.get(noteId);
  if (!row || row.deleted) throw new RecordNotFoundError('note', noteId);
  return fromNoteRow(row);
}

/**
 * Replaces a note's body. The event keeps the old body's length and hash (not the text), so the
 * record shows that and when it changed without keeping what was removed, and the new body's hash,
 * so verify can tell a body changed behind the record's back.
 */
export async function editNote(noteId: string, body: string, actor: Actor): Promise<Note> {
  const text = body.trim();
  if (!text) throw new NoteRuleError('A note needs some text; delete it instead.');
  const db = getDb();
  return db.transaction('rw', [db.notes, db.events], async () => {
    const note = await liveNote(db, noteId);
    if (note.body === text) return note;
    const now = nowIso();
    const previousHash = sha256HexNow(note.body);
    const hash = sha256HexNow(text);
    const updated = await writeNote(db, { ...note, body: text, updatedAt: now });
    await appendEvents(db, note.taskId, [
      {
        type: 'note.edited',
        actor,
        at: now,
        stepId: note.stepId,
        data: { noteId, previousLength: note.body.length, previousHash, length: text.length, hash },
      },
    ]);
    return updated;
  });
}

/**
 * "Use as result": makes a note its step's result (the latest marking wins, see `stepResultNote`).
 * The body is untouched, so a reply from this chat is still named rather than pasted.
 */
export async function markResult(noteId: string, actor: Actor): Promise<Note> {
  const db = getDb();
  return db.transaction('rw', [db.notes, db.events], async () => {
    const note = await liveNote(db, noteId);
    const now = nowIso();
    const updated = await writeNote(db, { ...note, resultAt: now });
    await appendEvents(db, note.taskId, [{ type: 'note.result-marked', actor, at: now, stepId: note.stepId, data: { noteId } }]);
    return updated;
  });
}

/** Hides a note. The row stays (marked deleted) and the event keeps its hash. */
export async function deleteNote(noteId: string, actor: Actor): Promise<void> {
  const db = getDb();
  await db.transaction('rw', [db.notes, db.events], async () => {
    const note = await liveNote(db, noteId);
    const now = nowIso();
    const previousHash = sha256HexNow(note.body);
    await writeNote(db, { ...note, deleted: true, updatedAt: now });
    await appendEvents(db, note.taskId, [
      { type: 'note.deleted', actor, at: now, stepId: note.stepId, data: { noteId, previousLength: note.body.length, previousHash } },
    ]);
  });
}

/** A task's notes, oldest first; deleted ones only when asked. */
export async function listNotes(taskId: string, options: { stepId?: string; includeDeleted?: boolean } = {}): Promise<Note[]> {
  const db = getDb();
  const rows =
    options.stepId === undefined
      ? await db.notes.where('taskId').equals(taskId).toArray()
      : await db.notes.where('[taskId+stepId]').equals([taskId, options.stepId]).toArray();
  return rows
    .filter((row) => options.includeDeleted || !row.deleted)
    .map(fromNoteRow)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

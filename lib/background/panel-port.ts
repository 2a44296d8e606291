import type { AuditEvent, Note, Task } from '@/lib/workflow/records';
import type { Workflow } from '@/lib/workflow/schema';

/**
 * What the panel and the background share about their port, kept apart from panel-bridge.ts: the
 * panel needs these values, and importing them from there would pull Dexie, Zod and the
 * repositories into the panel bundle (the panel takes only types from panel-bridge.ts).
 */
export const PANEL_PORT = 'convops-panel-data';

export interface PanelTaskDetail {
  task: Task;
  workflow: Workflow;
  notes: Note[];
  /** A finished task: every event. A running one: the chain's head first, then the events appended since. */
  events: AuditEvent[];
}

/**
 * A followed task's change, pushed instead of the whole detail: the task as it is now, the audit
 * events appended, and the notes they touched (deleted ones with `deleted: true`).
 */
export interface TaskDetailChange {
  task: Task;
  events: AuditEvent[];
  notes: Note[];
}

const noteOrder = (a: Note, b: Note) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

/**
 * The detail after a change, as the background's full query would return it: notes in creation
 * order without the deleted ones, events in chain order. Idempotent (a change seen twice leaves the
 * detail as once), and the input is left untouched so React sees a new value.
 */
export function applyTaskDetailChange(detail: PanelTaskDetail, change: TaskDetailChange): PanelTaskDetail {
  const lastSeq = detail.events.at(-1)?.seq ?? 0;
  const events = change.events.length === 0 ? detail.events : [...detail.events, ...change.events.filter((e) => e.seq > lastSeq)];
  let notes = detail.notes;
  if (change.notes.length > 0) {
    const changed = new Map(change.notes.map((n) => [n.id, n]));
    notes = [...detail.notes.filter((n) => !changed.has(n.id)), ...change.notes.filter((n) => !n.deleted)].sort(noteOrder);
  }
  return { ...detail, task: change.task, events, notes };
}

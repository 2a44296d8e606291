import type { AuditEvent, Note, Task } from '@/lib/workflow/records';
import type { Workflow } from '@/lib/workflow/schema';
import type { HostState, TabBinding } from './schemas';
import type { WireError } from './wire-error';

/**
 * The panel's one channel to the background, the contract both ends import: a long-lived runtime
 * port, on which the panel holds live queries (the background pushes every new answer) and makes
 * calls (each answered once). What the panel sends is parsed on arrival with ./schemas.ts
 * (`PanelPortRequest`); what it gets back is typed by the background's handlers (`PanelQueryResult`,
 * `PanelCallResult` in lib/background/panel-bridge.ts, which serves the port), so the two ends cannot
 * drift. Light on purpose (types and two small values): the panel bundles it, and it imports no
 * background code.
 */
export const PANEL_PORT = 'convops-panel-data';

/** The panel's own tab, as the `tab` query answers it: the page's state and the task bound to the tab. */
export interface PanelTab {
  tabId: number;
  host: HostState | null;
  binding: TabBinding | null;
}

/**
 * What the panel's entry paints before React has loaded (components/panel/first-paint.ts), as the
 * `first-screen` query answers it: the current step of the task bound to the panel's tab, only when
 * the task view is what the panel shows next (a person named, the task running and fitting this page).
 * The background decides that from what it already holds, so the entry paints on its first answer
 * and needs neither the task's detail nor the workflow engine.
 */
export interface PanelFirstScreen {
  taskId: string;
  taskTitle: string;
  workflowName: string;
  workflowVersion: number;
  stepId: string;
  stepTitle: string;
  /** 1-based. */
  stepNumber: number;
  stepCount: number;
  /** The host page's scheme, when its content script has reported one. */
  theme: HostState['theme'];
}

/** A toolbar command for one tab's panel (the "send the current step" shortcut); `id` is fresh each time. */
export interface PanelCommand {
  name: 'send-step';
  id: string;
}

/**
 * What the background says on the port. Replies carry the request's id. A query's and a call's value
 * are typed by the handler that answers them: the panel names those types
 * (`PanelPortReply<PanelQueryResult<PanelQueryName>, PanelCallResult<PanelCallName>>`, type imports,
 * erased), so this contract needs no import from the background.
 */
export type PanelPortReply<QueryValue = unknown, CallValue = unknown> =
  | { kind: 'data'; id: number; value: QueryValue }
  /** A followed task's whole detail (task-detail only): first, and again when its chain was replaced. */
  | { kind: 'detail'; id: number; detail: PanelTaskDetail | null }
  /** A followed task's change since the last `detail` or `change` of this subscription. */
  | { kind: 'change'; id: number; change: TaskDetailChange }
  /** The events a `detail` left out (`earlierThan`), sent after it: every event before `before`. */
  | { kind: 'earlier'; id: number; before: number; events: AuditEvent[] }
  /** Every note of a followed task, sent after a `detail` that carried only some (`notesToCome`). */
  | { kind: 'notes'; id: number; notes: Note[] }
  | { kind: 'result'; id: number; value: CallValue }
  | { kind: 'error'; id: number; error: WireError }
  | { kind: 'command'; command: PanelCommand };

export interface PanelTaskDetail {
  task: Task;
  workflow: Workflow;
  notes: Note[];
  /**
   * A finished task: every event. A running one: from the event before its current step became
   * current to the end, until the earlier ones arrive (`earlierThan`), then every event; changes
   * append to it.
   */
  events: AuditEvent[];
  /** Set while the events before this seq are still to come (an `earlier` reply brings them). */
  earlierThan?: number;
  /**
   * Set while `notes` holds only the first screen's (a running task's current step, and the step it
   * reviews): a `notes` reply brings every note.
   */
  notesToCome?: true;
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

/**
 * The detail with the events its first read left out put in front. Only for the detail they were
 * read for (`before` is its `earlierThan`); anything else is returned as it is.
 */
export function applyEarlierEvents(detail: PanelTaskDetail, before: number, events: readonly AuditEvent[]): PanelTaskDetail {
  if (detail.earlierThan !== before) return detail;
  const { earlierThan: _done, ...rest } = detail;
  return { ...rest, events: [...events.filter((e) => e.seq < before), ...detail.events] };
}

/**
 * The detail with every note, once they arrive after a first answer that carried only some. Only a
 * detail still waiting for them is changed; the changes the background sends after the notes apply
 * on top (it posts none between the first answer and the notes).
 */
export function applyLaterNotes(detail: PanelTaskDetail, notes: readonly Note[]): PanelTaskDetail {
  if (!detail.notesToCome) return detail;
  const { notesToCome: _done, ...rest } = detail;
  return { ...rest, notes: notes.filter((n) => !n.deleted).sort(noteOrder) };
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

import type { HostState, PanelCallName, PanelPortRequest, PanelQueryName, TabBinding } from '@/lib/messaging/schemas';
import type { AuditEvent, Note, Task } from '@/lib/workflow/records';
import type { Workflow } from '@/lib/workflow/schema';
import type { WireError } from '@/lib/messaging/wire-error';
import type { PanelCallResult, PanelQueryResult } from './panel-bridge';

/**
 * The panel's one channel to the background: a long-lived runtime port, on which the panel holds
 * live queries (the background pushes every new answer) and makes calls (each answered once). What
 * the panel sends is parsed on arrival with lib/messaging/schemas.ts; what it gets back is typed by the
 * background's handlers (`PanelQueryResult`, `PanelCallResult`), so the two ends cannot drift.
 * Kept apart from panel-bridge.ts: the panel needs these values, and importing them from there would
 * pull Dexie, Zod and the repositories into the panel bundle (the panel takes only types from there).
 */
export const PANEL_PORT = 'convops-panel-data';

export type { PanelCallName, PanelPortRequest, PanelQueryName };

/** The panel's own tab, as the `tab` query answers it: the page's state and the task bound to the tab. */
export interface PanelTab {
  tabId: number;
  host: HostState | null;
  binding: TabBinding | null;
}

/** A toolbar command for one tab's panel (the "send the current step" shortcut); `id` is fresh each time. */
export interface PanelCommand {
  name: 'send-step';
  id: string;
}

export type { WireError };

/** What the background says on the port. Replies carry the request's id. */
export type PanelPortReply =
  | { kind: 'data'; id: number; value: PanelQueryResult<PanelQueryName> }
  /** A followed task's whole detail (task-detail only): first, and again when its chain was replaced. */
  | { kind: 'detail'; id: number; detail: PanelTaskDetail | null }
  /** A followed task's change since the last `detail` or `change` of this subscription. */
  | { kind: 'change'; id: number; change: TaskDetailChange }
  | { kind: 'result'; id: number; value: PanelCallResult<PanelCallName> }
  | { kind: 'error'; id: number; error: WireError }
  | { kind: 'command'; command: PanelCommand };

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

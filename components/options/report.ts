import type { Workflow } from '../../lib/workflow/schema';
import type { AuditEvent, Note, Task } from '../../lib/workflow/records';

/**
 * Pure renderers for what the options page exports: the task report (Markdown, JSON) and the
 * dashboard (CSV). Kept free of React and the database so they can be unit-tested and reused.
 */

export interface TaskReportInput {
  task: Task;
  workflow: Workflow | undefined;
  notes: Note[];
  events: AuditEvent[];
  /** Result of the audit chain check, when the person ran it. */
  verification?: { ok: boolean; message: string };
  generatedAt: string;
}

/** A dashboard row as the CSV exports it; also what the table shows. */
export interface DashboardRow {
  id: string;
  title: string;
  workflowId: string;
  workflowName: string;
  workflowVersion: number;
  status: string;
  currentStep: string;
  waitingGate: string;
  site: string;
  conversationUrl: string;
  startedBy: string;
  lastActivity: string;
}

export const DASHBOARD_COLUMNS: readonly { key: keyof DashboardRow; label: string }[] = [
  { key: 'id', label: 'Task id' },
  { key: 'title', label: 'Title' },
  { key: 'workflowName', label: 'Workflow' },
  { key: 'workflowVersion', label: 'Version' },
  { key: 'status', label: 'Status' },
  { key: 'currentStep', label: 'Current step' },
  { key: 'waitingGate', label: 'Waiting gate' },
  { key: 'site', label: 'Site' },
  { key: 'conversationUrl', label: 'Conversation' },
  { key: 'startedBy', label: 'Started by' },
  { key: 'lastActivity', label: 'Last activity' },
];

/** Characters a spreadsheet reads as the start of a formula (plus tab and carriage return, per OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled. A cell
 * that a spreadsheet would run as a formula gets a leading apostrophe, so an AI-written title like
 * `=HYPERLINK(...)` stays text.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function dashboardCsv(rows: readonly DashboardRow[]): string {
  return toCsv(
    DASHBOARD_COLUMNS.map((column) => column.label),
    rows.map((row) => DASHBOARD_COLUMNS.map((column) => row[column.key])),
  );
}

export function dashboardRow(task: Task, workflow: Workflow | undefined): DashboardRow {
  const conversation = task.conversations.at(-1);
  const stepTitle = (stepId: string | null | undefined) =>
    stepId ? (workflow?.steps.find((step) => step.id === stepId)?.title ?? stepId) : '';
  const gateStep = task.pendingGate ? workflow?.steps.find((step) => step.id === task.pendingGate?.stepId) : undefined;
  return {
    id: task.id,
    title: task.title,
    workflowId: task.workflowId,
    workflowName: workflow?.name ?? task.workflowId,
    workflowVersion: task.workflowVersion,
    status: task.status,
    currentStep: stepTitle(task.currentStepId),
    waitingGate: task.pendingGate ? `${gateStep?.gate?.type ?? 'gate'}: ${stepTitle(task.pendingGate.stepId)}` : '',
    site: conversation?.site ?? '',
    conversationUrl: conversation?.url ?? '',
    startedBy: task.createdBy.name,
    lastActivity: task.updatedAt,
  };
}

/** Plain words for an audit event type, shared by the timeline and the report. */
export function describeEvent(event: Pick<AuditEvent, 'type' | 'data'>): string {
  const labels: Record<string, string> = {
    'task.started': 'Started the task',
    'briefing.inserted': 'Inserted the briefing',
    'message.sent': 'Sent the message',
    'response.captured': 'Captured a response',
    'note.added': 'Added a note',
    'note.edited': 'Edited a note',
    'note.deleted': 'Deleted a note',
    'step.completed': 'Completed the step',
    'step.reopened': 'Reopened the step',
    'completion.ignored': 'Ignored a completion line',
    'task.drive-mode': 'Switched drive mode',
    'note.result-marked': 'Marked a note as the step\'s result',
    'gate.requested': 'Requested a gate decision',
    'gate.approved': 'Approved the gate',
    'gate.rejected': 'Rejected the gate',
    'task.moved-conversation': 'Moved the task to another conversation',
    'task.completed': 'Completed the task',
    'task.cancelled': 'Cancelled the task',
  };
  return labels[event.type] ?? event.type;
}

function eventComment(event: Pick<AuditEvent, 'data'>): string | undefined {
  const comment = event.data?.['comment'] ?? event.data?.['reason'];
  return typeof comment === 'string' && comment.trim() ? comment : undefined;
}

export { eventComment };

/** Markdown text inside a table cell or a heading: no pipes or line breaks that would break the layout. */
function inline(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replace(/\s*[\r\n]+\s*/g, ' ');
}

export function taskReportMarkdown(input: TaskReportInput): string {
  const { task, workflow, notes, events } = input;
  const row = dashboardRow(task, workflow);
  const lines: string[] = [
    `# Task report: ${inline(task.title)}`,
    '',
    `- Task id: ${inline(task.id)}`,
    `- Workflow: ${inline(row.workflowName)} (${inline(task.workflowId)}), version ${task.workflowVersion}`,
    `- Status: ${task.status}`,
    `- Current step: ${inline(row.currentStep) || '—'}`,
    `- Waiting gate: ${inline(row.waitingGate) || '—'}`,
    `- Started by ${inline(task.createdBy.name)} at ${task.createdAt}`,
    `- Last activity by ${inline(task.updatedBy.name)} at ${task.updatedAt}`,
  ];
  for (const conversation of task.conversations) {
    lines.push(`- Conversation (${conversation.site}): <${conversation.url}>`);
  }
  if (input.verification) {
    lines.push(`- Audit chain: ${input.verification.ok ? 'verified' : 'NOT verified'} — ${inline(input.verification.message)}`);
  }
  const head = chainHead(events);
  if (head) {
    // The chain cannot show on its own that events were cut off its end; a head kept outside the
    // extension can: a later chain that verifies and still holds this event and hash lost nothing before it.
    lines.push(`- Audit chain head: event ${head.seq}, hash \`${head.hash}\` (keep this report: a later verified chain that still has this event with this hash lost nothing up to here)`);
  }
  lines.push(`- Report generated at ${input.generatedAt}`, '', '## Timeline', '');
  lines.push('| # | When | Who | What | Step | Comment |', '|---|---|---|---|---|---|');
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    lines.push(
      `| ${event.seq} | ${event.at} | ${inline(event.actor.name)} (${event.actor.kind}) | ${inline(describeEvent(event))} | ${inline(event.stepId ?? '')} | ${inline(eventComment(event) ?? '')} |`,
    );
  }
  lines.push('', '## Notes', '');
  const live = notes.filter((note) => !note.deleted);
  if (live.length === 0) lines.push('No notes.');
  const steps = workflow?.steps.map((step) => step.id) ?? [];
  const stepOrder = (stepId: string) => {
    const index = steps.indexOf(stepId);
    return index === -1 ? steps.length : index;
  };
  const sorted = [...live].sort((a, b) => stepOrder(a.stepId) - stepOrder(b.stepId) || a.createdAt.localeCompare(b.createdAt));
  let currentStep: string | undefined;
  for (const note of sorted) {
    if (note.stepId !== currentStep) {
      currentStep = note.stepId;
      const title = workflow?.steps.find((step) => step.id === note.stepId)?.title ?? note.stepId;
      lines.push(`### ${inline(title)}`, '');
    }
    lines.push(`*${note.source} by ${inline(note.createdBy.name)} at ${note.createdAt}*`, '', note.body.trimEnd(), '', '---', '');
  }
  return lines.join('\n').trimEnd() + '\n';
}

/** The last event of a chain: the anchor a saved report keeps. */
export function chainHead(events: readonly AuditEvent[]): { seq: number; hash: string } | null {
  const last = events.reduce<AuditEvent | null>((latest, event) => (latest && latest.seq > event.seq ? latest : event), null);
  return last ? { seq: last.seq, hash: last.hash } : null;
}

export function taskReportJson(input: TaskReportInput): string {
  return JSON.stringify(
    {
      format: 'convops-task-report',
      generatedAt: input.generatedAt,
      task: input.task,
      workflow: input.workflow ?? null,
      notes: input.notes,
      events: [...input.events].sort((a, b) => a.seq - b.seq),
      verification: input.verification ?? null,
      chainHead: chainHead(input.events),
    },
    null,
    2,
  );
}

import type { Workflow } from '@/lib/workflow/schema';
import { describeEvent } from '@/lib/workflow/event-words';
import { ACTOR_KIND_LABELS, GATE_TYPE_LABELS, NOTE_SOURCE_LABELS, SITE_LABELS, taskStatusLabel } from '@/lib/workflow/labels';
import type { AuditEvent, Note, Task } from '@/lib/workflow/records';
import { resultByInWords, sitesInWords, stepSites, taskConversations, taskSites } from '@/lib/workflow/task-sites';

/**
 * The standards a task ran with, as its report says it: "Team standards used (version 3, published
 * by Ana Lead in the team workspace)", or "(version 2)" for this browser's Settings → Standards.
 */
export function teamStandardsUsedLabel(standards: { version: number; publishedBy?: { name: string } | undefined }): string {
  return standards.publishedBy
    ? `Team standards used (version ${standards.version}, published by ${standards.publishedBy.name} in the team workspace)`
    : `Team standards used (version ${standards.version})`;
}

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
  /** Per person's event, whether and by whom it is signed (from the same check). */
  signatures?: readonly { seq: number; text: string; key?: string }[];
  /** The public keys behind those signatures, so a reader can check them elsewhere. */
  keys?: readonly { fingerprint: string; publicKey: string; name: string }[];
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
  /** Every site the task ran on, in words ("ChatGPT and Claude"). */
  sitesUsed: string;
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
  { key: 'sitesUsed', label: 'Sites used' },
  { key: 'startedBy', label: 'Started by' },
  { key: 'lastActivity', label: 'Last activity' },
];

/**
 * Characters a spreadsheet reads as the start of a formula (plus tab and carriage return, per OWASP),
 * also after leading whitespace (spreadsheets trim it before deciding) and in their full-width forms
 * (＝ ＋ － ＠), which some spreadsheets fold to the ASCII ones.
 */
const FORMULA_START = /^[\s\u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;

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
    waitingGate: task.pendingGate ? `${gateStep?.gate ? GATE_TYPE_LABELS[gateStep.gate.type] : 'Gate'}: ${stepTitle(task.pendingGate.stepId)}` : '',
    site: conversation?.site ?? '',
    conversationUrl: conversation?.url ?? '',
    sitesUsed: sitesInWords(taskSites(task).map((s) => s.site)),
    startedBy: task.createdBy.name,
    lastActivity: task.updatedAt,
  };
}

export { describeEvent };

/**
 * What a person wrote on an event: a reviewer's comment, a cancellation reason. Only those: other
 * events carry codes in `data.reason` (a conversation move's `url-assigned`) that are not for people.
 */
export function eventComment(event: Pick<AuditEvent, 'type' | 'data'>): string | undefined {
  const key = event.type === 'task.cancelled' ? 'reason' : event.type.startsWith('gate.') ? 'comment' : undefined;
  const comment = key ? event.data?.[key] : undefined;
  return typeof comment === 'string' && comment.trim() ? comment : undefined;
}

/**
 * Untrusted text (titles, names, comments, ids) as inert Markdown on one line: HTML's `<`, `>` and `&`
 * become entities (a renderer that allows raw HTML then shows them as text), and every character that
 * could start a link, image, emphasis, code span or table cell is backslash-escaped, so a title like
 * `[click](javascript:…)` or `<img onerror=…>` reads as what it is in any Markdown viewer.
 */
export function inline(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\\`*_[\]{}()|~!#]/g, (char) => `\\${char}`)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}

/**
 * Untrusted Markdown (a note body) fenced as a code block: nothing in it renders, whatever it holds.
 * The fence is longer than any run of backticks inside, so the body cannot close it early.
 */
export function fenced(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}markdown\n${text.trimEnd()}\n${fence}`;
}

/** A conversation link only when it is a plain https address; anything else is shown as text. */
function safeLink(url: string): string {
  return /^https:\/\/[^\s<>"'`]+$/i.test(url) ? `<${url}>` : inline(url);
}

export function taskReportMarkdown(input: TaskReportInput): string {
  const { task, workflow, notes, events } = input;
  const row = dashboardRow(task, workflow);
  // What a person reads first, in words; ids, addresses, hashes and keys go under a collapsed "Details for auditors".
  const lines: string[] = [
    `# Task report: ${inline(task.title)}`,
    '',
    `- Workflow: ${inline(row.workflowName)}, version ${task.workflowVersion}`,
    `- Status: ${taskStatusLabel(task.status)}`,
    `- Current step: ${inline(row.currentStep) || '—'}`,
    `- Waiting gate: ${inline(row.waitingGate) || '—'}`,
    `- Started by ${inline(task.createdBy.name)} at ${task.createdAt}`,
    `- Last activity by ${inline(task.updatedBy.name)} at ${task.updatedAt}`,
  ];
  // Each conversation once (a task that went back to a chat lists it again); their addresses are in the auditors' details.
  const conversations = taskConversations(task);
  for (const conversation of conversations) lines.push(`- Worked on in ${SITE_LABELS[conversation.site]} from ${inline(conversation.boundAt)}`);
  if (input.verification) {
    lines.push(`- The record: ${input.verification.ok ? 'checked, intact' : 'NOT intact'} — ${inline(input.verification.message)}`);
  }
  lines.push(`- Report generated at ${input.generatedAt}`);
  if (task.teamStandards) {
    const { version, publishedBy } = task.teamStandards;
    lines.push(`- ${teamStandardsUsedLabel({ version, ...(publishedBy && { publishedBy: { name: inline(publishedBy.name) } }) })}: ${task.teamStandards.lines.map(inline).join(' · ')}`);
  }
  const declared = workflow?.inputs ?? [];
  if (declared.length > 0) {
    lines.push('', '## Inputs', '');
    for (const field of declared) {
      const value = task.inputs?.[field.name]?.value ?? '';
      // A multi-line value is fenced: it cannot open a heading or a table in the report.
      lines.push(value.includes('\n') ? `- **${inline(field.label)}:**\n\n${fenced(value)}\n` : `- **${inline(field.label)}:** ${inline(value) || '—'}`);
      for (const event of events.filter((e) => e.type === 'input.changed' && e.data['name'] === field.name).sort((a, b) => a.seq - b.seq)) {
        const text = (v: unknown) => (typeof v === 'string' && v ? inline(v) : 'empty');
        lines.push(`  - changed by ${inline(event.actor.name)} at ${inline(event.at)}: ${text(event.data['from'])} → ${text(event.data['to'])}`);
      }
    }
  }
  if (workflow) {
    // Which site each step ran on, and who wrote its result (the model, or a person).
    const where = stepSites(workflow, notes, events);
    lines.push('', '## Steps', '', '| Step | Ran on | Result written by |', '|---|---|---|');
    for (const [index, step] of workflow.steps.entries()) {
      const ran = where.get(step.id);
      lines.push(`| ${index + 1}. ${inline(step.title)} | ${sitesInWords(ran?.sites ?? [])} | ${inline(resultByInWords(ran?.resultBy))} |`);
    }
  }
  lines.push('', '## Timeline', '');
  lines.push('| When | Who | What | Step | Comment |', '|---|---|---|---|---|');
  const stepTitleOf = (stepId: string | undefined) => (stepId ? (workflow?.steps.find((step) => step.id === stepId)?.title ?? stepId) : '');
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    lines.push(
      `| ${inline(event.at)} | ${inline(event.actor.name)} (${ACTOR_KIND_LABELS[event.actor.kind]}) | ${inline(describeEvent(event))} | ${inline(stepTitleOf(event.stepId))} | ${inline(eventComment(event) ?? '')} |`,
    );
  }
  const auditor: string[] = [`- Task id: ${inline(task.id)}`, `- Workflow id: ${inline(task.workflowId)}`];
  for (const conversation of conversations) auditor.push(`- Conversation (${inline(conversation.site)}): ${safeLink(conversation.url)}`);
  const head = chainHead(events);
  if (head) {
    // The chain cannot show on its own that events were cut off its end; a head kept outside the
    // extension can: a later chain that verifies and still holds this event and hash lost nothing before it.
    auditor.push(`- Audit chain head: event ${head.seq}, hash \`${head.hash}\` (keep this report: a later verified chain that still has this event with this hash lost nothing up to here)`);
  }
  if (input.signatures && input.signatures.length > 0) {
    for (const check of input.signatures) auditor.push(`- Event ${check.seq}: ${inline(check.text)}${check.key ? ` (key \`${check.key}\`)` : ''}`);
    for (const key of input.keys ?? []) auditor.push(`- Public key ${key.fingerprint}${key.name ? ` (${inline(key.name)})` : ''}: \`${key.publicKey}\``);
  }
  lines.push('', '<details><summary>Details for auditors</summary>', '', ...auditor, '', '</details>');
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
    lines.push(`*${NOTE_SOURCE_LABELS[note.source]} by ${inline(note.createdBy.name)} at ${inline(note.createdAt)}*`, '', fenced(note.body), '', '---', '');
  }
  return lines.join('\n').trimEnd() + '\n';
}

/** The last event of a chain: the anchor a saved report keeps. */
export function chainHead(events: readonly AuditEvent[]): { seq: number; hash: string } | null {
  const last = events.reduce<AuditEvent | null>((latest, event) => (latest && latest.seq > event.seq ? latest : event), null);
  return last ? { seq: last.seq, hash: last.hash } : null;
}

/** Each step of the JSON report: the sites it ran on and who wrote its result. */
function stepsRecord(workflow: Workflow, notes: readonly Note[], events: readonly AuditEvent[]) {
  const where = stepSites(workflow, notes, events);
  return workflow.steps.map((step) => ({ id: step.id, title: step.title, sites: where.get(step.id)?.sites ?? [], resultBy: where.get(step.id)?.resultBy ?? null }));
}

export function taskReportJson(input: TaskReportInput): string {
  return JSON.stringify(
    {
      format: 'convops-task-report',
      generatedAt: input.generatedAt,
      task: input.task,
      workflow: input.workflow ?? null,
      // The record across both sites, read out: each conversation once, where each step ran, who wrote its result.
      conversations: taskConversations(input.task),
      steps: input.workflow ? stepsRecord(input.workflow, input.notes, input.events) : [],
      notes: input.notes,
      events: [...input.events].sort((a, b) => a.seq - b.seq),
      verification: input.verification ?? null,
      signatures: input.signatures ?? null,
      keys: input.keys ?? [],
      chainHead: chainHead(input.events),
    },
    null,
    2,
  );
}

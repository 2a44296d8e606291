import { completionLine } from './completion-line';
import { stepStates } from './engine';
import type { Note, Task } from './records';
import { stepResultNote } from './results';
import { blockValue, INPUT_VARIABLE_PREFIX, inlineValue, inputsOf, isLongValue } from './inputs';
import type { InputField, Step, TemplateVariable, Workflow } from './schema';

/**
 * The briefing is the text ConvOps puts into the chat's prompt box. It is plain Markdown, built only
 * from the workflow, the task and its notes, so any conversation — or a colleague — can pick up a step.
 */

export interface BriefingInput {
  workflow: Workflow;
  task: Task;
  notes: Note[];
  /** The person running the task (the settings' display name). */
  operator: string;
  /** ISO timestamp; `{{date}}` is its calendar date. */
  now: string;
  /** The step to brief; the task's current step when absent. */
  stepId?: string;
  /**
   * Paste every forwarded result in full, even those produced in this very chat (a new chat, a
   * colleague, or the person asked for it). By default results from this chat are named, not pasted.
   */
  fullNotes?: boolean;
}

export type TemplateValues = Partial<Record<TemplateVariable, string>>;

const VARIABLE_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * Fills `{{name}}` in one pass (a value is never read again as a template); unknown names stay as
 * written so a mistake is visible rather than silently blank. `input.<name>` values are expected to be
 * escaped already (`inputTemplateValues`).
 */
export function fillVariables(text: string, values: TemplateValues & Record<string, string>): string {
  return text.replace(VARIABLE_PATTERN, (whole, name: string) => {
    const value = (values as Record<string, string | undefined>)[name];
    return value === undefined ? whole : value;
  });
}

/**
 * What `{{input.<name>}}` becomes inside the instructions: a short value as escaped text on the line; a
 * long one (or an empty one) by its label, pointing to the Inputs section where it is quoted whole.
 */
export function inputTemplateValues(workflow: Workflow, task: Task): Record<string, string> {
  const values: Record<string, string> = {};
  for (const input of inputsOf(workflow)) {
    const value = task.inputs?.[input.name]?.value ?? '';
    values[`${INPUT_VARIABLE_PREFIX}${input.name}`] =
      value === '' ? `(${inlineValue(input.label)}: not given; ask for it)` : isLongValue(input, value) ? `the “${inlineValue(input.label)}” input (see Inputs below)` : inlineValue(value);
  }
  return values;
}

/** One input in the Inputs section: a short value on its line, a long one quoted, or named when this chat already has it. */
function inputLine(input: InputField, task: Task, stepIndex: number, full: boolean): string {
  const entry = task.inputs?.[input.name];
  const label = `**${inlineValue(input.label)}:**`;
  const value = entry?.value ?? '';
  if (value === '') return `${label} _not given_`;
  if (!isLongValue(input, value)) return `${label} ${inlineValue(value)}`;
  if (!full && entry && stepIndex > entry.briefedFrom) {
    return `${label} given in full in step ${entry.briefedFrom + 1}'s briefing earlier in this chat; it has not changed since. Work from it; it is not repeated here.`;
  }
  return `${label}\n${blockValue(value)}`;
}

/** The calendar date of an ISO timestamp, in the timestamp's own offset. */
export function isoDay(now: string): string {
  const match = /^\d{4}-\d{2}-\d{2}/.exec(now);
  if (match) return match[0];
  const time = Date.parse(now);
  return Number.isNaN(time) ? now : new Date(time).toISOString().slice(0, 10);
}

export function templateValues(workflow: Workflow, task: Task, step: Step, operator: string, now: string): TemplateValues {
  const index = workflow.steps.findIndex((s) => s.id === step.id);
  return {
    'task.title': task.title,
    date: isoDay(now),
    'step.title': step.title,
    'step.number': String(index + 1),
    'step.count': String(workflow.steps.length),
    'workflow.name': workflow.name,
    operator: operator.trim() || 'the operator',
  };
}

function briefedStep(workflow: Workflow, task: Task, stepId?: string): { step: Step; index: number } {
  const id = stepId ?? task.currentStepId;
  if (id === null) throw new Error(`The task "${task.title}" is ${task.status}; there is no step to brief.`);
  const index = workflow.steps.findIndex((s) => s.id === id);
  const step = workflow.steps[index];
  if (!step) throw new Error(`"${id}" is not a step of the workflow "${workflow.name}".`);
  return { step, index };
}

function liveNotes(notes: Note[], task: Task, stepId: string): Note[] {
  return notes
    .filter((n) => n.taskId === task.id && n.stepId === stepId && !n.deleted)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

/**
 * Forwarded text as a Markdown quote with its headings pushed below the briefing's own (`#` → `####`),
 * so that the AI can tell where quoted material ends and the briefing resumes. Fenced code is left
 * as written (a `#` there is a comment, not a heading).
 */
export function quoteForwarded(body: string): string {
  let fence: string | null = null;
  return body
    .trim()
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => {
      const marker = FENCE.exec(line)?.[1];
      if (marker) fence = fence === null ? marker[0]! : fence === marker[0] ? null : fence;
      else if (fence === null) {
        const heading = /^\s{0,3}(#{1,6})(\s+.*|$)/.exec(line);
        if (heading) line = `${'#'.repeat(Math.min(6, heading[1]!.length + 3))}${heading[2]}`;
      }
      return line.trim() === '' ? '>' : `> ${line}`;
    })
    .join('\n');
}

function noteBlocks(notes: Note[]): string {
  return notes
    .filter((n) => n.body.trim())
    .map((n) => quoteForwarded(n.body))
    .join('\n\n');
}

/**
 * Whether the AI saw this note's text in the task's current chat: a reply captured there (since the
 * task runs there) that nobody edited. Such a result is named in the briefing instead of pasted again.
 */
export function seenInThisChat(note: Note, task: Task): boolean {
  const here = task.conversations.at(-1);
  if (note.source !== 'captured' || !note.capture || !here) return false;
  if (note.updatedAt !== note.createdAt) return false;
  if (note.capture.site !== here.site || note.createdAt < here.boundAt) return false;
  return note.capture.conversationId === null || note.capture.conversationId === here.conversationId;
}

function excerpt(body: string): string {
  const first = body
    .split('\n')
    .map((l) => l.replace(/^[#>*\-\s\d.]+/, '').replace(/[*_`]/g, '').trim())
    .find(Boolean) ?? '';
  return first.length > 80 ? `${first.slice(0, 77).trimEnd()}…` : first;
}

/** One read step's section: its result named (same chat) or quoted, with the fallbacks of `stepResultNote`. */
function readSection(read: Step, number: number, notes: Note[], task: Task, full: boolean): string {
  const heading = `### Step ${number}: ${read.title}`;
  const result = stepResultNote(
    notes.filter((n) => n.taskId === task.id),
    read.id,
  );
  if (!result || !result.body.trim()) return `${heading}\n_No notes were kept for this step._`;
  if (!full && seenInThisChat(result, task)) {
    return `${heading}\nYour reply earlier in this chat that begins “${excerpt(result.body)}” is this step's result. Work from it; it is not repeated here.`;
  }
  return `${heading}\n${quoteForwarded(result.body)}`;
}

export function renderBriefing(input: BriefingInput): string {
  const { workflow, task, notes, operator, now } = input;
  const { step, index } = briefedStep(workflow, task, input.stepId);
  const total = workflow.steps.length;
  const parts: string[] = [];

  parts.push(`# ${workflow.name} — Step ${index + 1} of ${total}: ${step.title}`);
  const facts = [`**Task:** ${task.title}`];
  if (step.role) facts.push(`**Your role:** ${step.role}`);
  parts.push(facts.join('\n'));

  if (task.rejection && task.rejection.stepId === step.id) {
    const from = workflow.steps.find((s) => s.id === task.rejection?.fromStepId);
    const quoted = task.rejection.comment
      .split('\n')
      .map((line) => `> ${line}`.trimEnd())
      .join('\n');
    parts.push(
      `## Reviewer's feedback\n${task.rejection.by.name} sent this work back${from ? ` at "${from.title}"` : ''} on ${isoDay(task.rejection.at)}. Address this first:\n\n${quoted}`,
    );
    // The gate decided on a second opinion of this step: the other model's issues come along (they informed the person).
    if (from && from.reviews === step.id) {
      const review = stepResultNote(
        notes.filter((n) => n.taskId === task.id),
        from.id,
      );
      if (review?.body.trim()) parts.push(`## The second opinion the person read ("${from.title}")\n${quoteForwarded(review.body)}`);
    }
  }

  const inputs = inputsOf(workflow);
  if (inputs.length > 0) {
    parts.push(`## Inputs\n${inputs.map((field) => inputLine(field, task, index, input.fullNotes === true)).join('\n\n')}`);
  }

  const values = { ...templateValues(workflow, task, step, operator, now), ...inputTemplateValues(workflow, task) };
  const instructions = fillVariables(step.instructions, values).trim();
  if (instructions) parts.push(`## Instructions\n${instructions}`);

  const standards = standardsSection(workflow, task);
  if (standards) parts.push(standards);

  const reads = workflow.steps.filter((s) => step.reads.includes(s.id));
  if (reads.length > 0) {
    const sections = reads.map((read) => readSection(read, workflow.steps.indexOf(read) + 1, notes, task, input.fullNotes === true));
    parts.push(`## Results of earlier steps\n${sections.join('\n\n')}`);
  }

  const line = completionLine(step, index + 1);
  if (step.gate) {
    parts.push(
      [
        `## ${capitalize(step.gate.type)} gate`,
        `When the work is done, present the result in full and end that reply with this line, alone, as its last line:`,
        '',
        line,
        '',
        `The line only asks for the decision. A person will check: ${step.gate.ask.trim()}`,
        'Then stop and wait for their decision. The person decides in the ConvOps panel; nothing said in this chat can approve this step.',
      ].join('\n'),
    );
  } else {
    parts.push(
      [
        '## When this step is done',
        'Only when the step\'s work is really done (questions asked and answered, nothing left open), end that reply with this line, alone, as its last line:',
        '',
        line,
        '',
        `Never write the line in any other reply.${step.capture ? ' That reply is kept as this step\'s result.' : ''}`,
      ].join('\n'),
    );
  }

  return `${parts.join('\n\n')}\n`;
}

export type HandoffInput = Omit<BriefingInput, 'stepId'>;

/** "Continue in a new chat": everything a fresh conversation needs to resume the task where it stands. */
export function renderHandoffBriefing(input: HandoffInput): string {
  const { workflow, task, notes } = input;
  const parts: string[] = [];
  parts.push(`# Continuing a task: ${task.title}`);
  parts.push(
    `This conversation picks up a task that ran in another chat. It follows the workflow "${workflow.name}" (version ${task.workflowVersion}). Below are where it stands, the notes kept so far, and the current step's briefing.`,
  );

  const states = stepStates(task, workflow);
  const labels = { done: 'done', current: 'current step', 'awaiting-approval': 'waiting for a person\'s decision', todo: 'to do' };
  const lines = states.map(({ step, index, state }) => `${index + 1}. ${step.title} — ${labels[state]}`);
  parts.push(`## Where it stands\n${lines.join('\n')}`);

  const pending = task.pendingGate ? workflow.steps.find((s) => s.id === task.pendingGate?.stepId) : undefined;
  if (pending?.gate) {
    parts.push(
      `The step "${pending.title}" is waiting for a person to approve or reject it in the ConvOps panel (they check: ${pending.gate.ask.trim()}). Do not continue past it.`,
    );
  }

  const sections = workflow.steps
    .map((step, index) => ({ step, index, body: noteBlocks(liveNotes(notes, task, step.id)) }))
    .filter((s) => s.body)
    .map((s) => `### Step ${s.index + 1}: ${s.step.title}\n${s.body}`);
  parts.push(`## Notes so far\n${sections.length > 0 ? sections.join('\n\n') : '_No notes yet._'}`);

  if (task.currentStepId !== null) {
    // A new chat has seen nothing: its briefing pastes what it reads.
    parts.push(`---\n\n${renderBriefing({ ...input, fullNotes: true }).trimEnd()}`);
  } else {
    parts.push(`This task is ${task.status}; there is no step left to work on.`);
  }
  return `${parts.join('\n\n')}\n`;
}

/** A stand-in task for previewing a step's briefing while a workflow is being edited. */
export function previewTask(workflow: Workflow, stepId?: string, now = '2026-01-01T09:00:00.000Z'): Task {
  const index = Math.max(0, stepId ? workflow.steps.findIndex((s) => s.id === stepId) : 0);
  const step = workflow.steps[index] ?? workflow.steps[0];
  const actor = { kind: 'human' as const, name: 'Preview' };
  return {
    id: 'preview',
    title: 'Sample task',
    workflowId: workflow.id,
    workflowVersion: workflow.version,
    status: 'active',
    currentStepId: step?.id ?? null,
    completedStepIds: workflow.steps.slice(0, index).map((s) => s.id),
    pendingGate: null,
    rejection: null,
    conversations: [],
    // Each input shows as its label in the preview, so a lead sees where the values land.
    ...(inputsOf(workflow).length > 0 && {
      inputs: Object.fromEntries(inputsOf(workflow).map((i) => [i.name, { value: i.default?.trim() || `‹${i.label}›`, briefedFrom: 0 }])),
    }),
    rev: 0,
    createdAt: now,
    createdBy: actor,
    updatedAt: now,
    updatedBy: actor,
  };
}

/**
 * The workflow's standards, then the team's (the version the task started with: the team workspace's
 * published version, or Settings → Standards), each group saying where it comes from once there are two.
 */
function standardsSection(workflow: Workflow, task: Task): string | undefined {
  const list = (lines: readonly string[]) => lines.map((line) => `- ${line}`).join('\n');
  const team = task.teamStandards?.lines ?? [];
  if (team.length === 0) return workflow.standards.length > 0 ? `## Standards\n${list(workflow.standards)}` : undefined;
  const groups: string[] = [];
  if (workflow.standards.length > 0) groups.push(`From the workflow “${workflow.name}”:\n${list(workflow.standards)}`);
  groups.push(`${teamStandardsSource(task.teamStandards)}:\n${list(team)}`);
  return `## Standards\n${groups.join('\n\n')}`;
}

/**
 * Where a task's team standards came from, in words: "From your team's standards (published by Ana
 * Lead, version 3)" or "(Settings → Standards, version 2)". The publisher's name is data: escaped.
 */
export function teamStandardsSource(standards: Task['teamStandards']): string {
  const version = standards?.version ?? 0;
  const by = standards?.publishedBy;
  return by
    ? `From your team's standards (published by ${inlineValue(by.name)}, version ${version})`
    : `From your team's standards (Settings → Standards, version ${version})`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

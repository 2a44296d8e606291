import { stepStates } from './engine';
import type { Note, Task } from './records';
import type { Step, TemplateVariable, Workflow } from './schema';

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
}

export type TemplateValues = Partial<Record<TemplateVariable, string>>;

const VARIABLE_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Fills `{{name}}`; unknown names stay as written so a mistake is visible rather than silently blank. */
export function fillVariables(text: string, values: TemplateValues): string {
  return text.replace(VARIABLE_PATTERN, (whole, name: string) => {
    const value = (values as Record<string, string | undefined>)[name];
    return value === undefined ? whole : value;
  });
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

function noteBlocks(notes: Note[]): string {
  return notes.map((n) => n.body.trim()).filter(Boolean).join('\n\n---\n\n');
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
  }

  const instructions = fillVariables(step.instructions, templateValues(workflow, task, step, operator, now)).trim();
  if (instructions) parts.push(`## Instructions\n${instructions}`);

  if (workflow.standards.length > 0) {
    parts.push(`## Standards\n${workflow.standards.map((s) => `- ${s}`).join('\n')}`);
  }

  const reads = workflow.steps.filter((s) => step.reads.includes(s.id));
  if (reads.length > 0) {
    const sections = reads.map((read) => {
      const number = workflow.steps.indexOf(read) + 1;
      const body = noteBlocks(liveNotes(notes, task, read.id));
      return `### Step ${number}: ${read.title}\n${body || '_No notes were kept for this step._'}`;
    });
    parts.push(`## Notes from earlier steps\n${sections.join('\n\n')}`);
  }

  if (step.gate) {
    parts.push(
      [
        `## ${capitalize(step.gate.type)} gate`,
        `When the work is done, present the result and stop there. A person will check: ${step.gate.ask.trim()}`,
        'Wait for their decision. The person decides in the ConvOps panel; nothing said in this chat can approve this step.',
      ].join('\n'),
    );
  } else if (step.capture) {
    parts.push('_Your reply is kept as this step\'s note._');
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
    parts.push(`---\n\n${renderBriefing(input).trimEnd()}`);
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
    rev: 0,
    createdAt: now,
    createdBy: actor,
    updatedAt: now,
    updatedBy: actor,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

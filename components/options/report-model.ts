import { stepResultNote } from '@/lib/workflow/results';
import { stepStates } from '@/lib/workflow/engine';
import { ACTOR_KIND_LABELS, GATE_TYPE_LABELS, NOTE_SOURCE_LABELS, STEP_STATE_LABELS } from '@/lib/workflow/labels';
import type { AuditEvent, Note, Task, TeamStandards } from '@/lib/workflow/records';
import type { Workflow } from '@/lib/workflow/schema';
import type { SignatureCheck } from '@/lib/db/audit';

/**
 * What the printable task report shows, computed from the task, its pinned workflow, notes and events.
 * Pure and free of React, so the rules (which note is a step's result, who completed it, what a
 * decision row says) are unit-tested; the page renders every string as React text.
 */

export interface ReportStep {
  id: string;
  number: number;
  title: string;
  /** "Approval", "Sign-off"… when the step has a gate. */
  gate?: string;
  state: string;
  /** The step's result, shortened to plain text for the table. */
  result?: { excerpt: string; source: string; by: string };
  completedBy?: string;
  completedAt?: string;
}

export interface ReportDecision {
  seq: number;
  stepTitle: string;
  decision: 'Approved' | 'Rejected';
  by: string;
  at: string;
  comment?: string;
  /** Who signed the decision, when the event carries a signature (added by signing keys); else absent. */
  signature?: string;
}

/** One input of the task: its label, the value now, and every change (who, when, old → new). */
export interface ReportInput {
  name: string;
  label: string;
  value: string;
  changes: Array<{ seq: number; by: string; at: string; from: string; to: string }>;
}

export interface TaskReportModel {
  steps: ReportStep[];
  decisions: ReportDecision[];
  inputs: ReportInput[];
  /** The team standards the task ran with (Settings → Standards, or the team workspace's published version), when there were any. */
  teamStandards?: TeamStandards;
}

/** Markdown to a short plain-text excerpt: what a table cell can hold. */
/** A signature check as the printed report says it: who signed, in words; the key itself is for the auditors' details. */
export function signatureInWords(check: Pick<SignatureCheck, 'status' | 'actorName' | 'text'>): string {
  switch (check.status) {
    case 'valid':
      // The name the key is known as, without the key.
      return check.text.replace(/\s*\(key [^)]*\)$/, '');
    case 'unknown-key':
      return `signed by ${check.actorName}, not yet confirmed in Settings`;
    case 'invalid':
      return 'signature does not match';
    default:
      return 'unsigned';
  }
}

export function excerpt(markdown: string, max = 240): string {
  const plain = markdown
    .replace(/^(```|~~~)[^\n]*$/gm, '')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    // A heading leads into what follows it: "Intake: The process…".
    .replace(/^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/gm, '$1:')
    .replace(/^\s{0,3}(>|[-*+]|\d+[.)])\s+/gm, '')
    .replace(/(\*\*|__|\*|_|`|~~)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}


/**
 * `signatures`: what verify says of each person's event, by `seq` ("signed by Dana (key …ab12)",
 * "unsigned", "signature invalid"; lib/db/audit.ts). Absent until verify has run.
 */
export function buildTaskReport(
  task: Task,
  workflow: Workflow,
  notes: readonly Note[],
  events: readonly AuditEvent[],
  signatures?: ReadonlyMap<number, string>,
): TaskReportModel {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  const titleOf = (stepId: string | undefined) => (stepId ? (workflow.steps.find((step) => step.id === stepId)?.title ?? stepId) : '—');
  const steps = stepStates(task, workflow).map(({ step, index, state }): ReportStep => {
    const completed = ordered.findLast((event) => event.type === 'step.completed' && event.stepId === step.id);
    const note = stepResultNote(notes, step.id);
    return {
      id: step.id,
      number: index + 1,
      title: step.title,
      ...(step.gate ? { gate: GATE_TYPE_LABELS[step.gate.type] } : {}),
      state: STEP_STATE_LABELS[state],
      ...(note ? { result: { excerpt: excerpt(note.body) || '(empty)', source: NOTE_SOURCE_LABELS[note.source], by: note.createdBy.name } } : {}),
      ...(completed ? { completedBy: `${completed.actor.name} (${ACTOR_KIND_LABELS[completed.actor.kind]})`, completedAt: completed.at } : {}),
    };
  });
  const decisions = ordered
    .filter((event) => event.type === 'gate.approved' || event.type === 'gate.rejected')
    .map((event): ReportDecision => {
      const comment = event.data['comment'];
      const signature = signatures?.get(event.seq);
      return {
        seq: event.seq,
        stepTitle: titleOf(event.stepId),
        decision: event.type === 'gate.approved' ? 'Approved' : 'Rejected',
        by: event.actor.name,
        at: event.at,
        ...(typeof comment === 'string' && comment.trim() ? { comment: comment.trim() } : {}),
        ...(signature ? { signature } : {}),
      };
    });
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const inputs = (workflow.inputs ?? []).map(
    (input): ReportInput => ({
      name: input.name,
      label: input.label,
      value: task.inputs?.[input.name]?.value ?? '',
      changes: ordered
        .filter((event) => event.type === 'input.changed' && event.data['name'] === input.name)
        .map((event) => ({ seq: event.seq, by: event.actor.name, at: event.at, from: text(event.data['from']), to: text(event.data['to']) })),
    }),
  );
  return { steps, decisions, inputs, ...(task.teamStandards ? { teamStandards: structuredClone(task.teamStandards) } : {}) };
}

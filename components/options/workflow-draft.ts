import { INPUT_VARIABLE_PREFIX, inputNameFromLabel } from '@/lib/workflow/inputs';
import { type GateDecider, type GateType, type InputKind, type Workflow, type WorkflowInput } from '@/lib/workflow/schema';

/**
 * The editor's working copy of a workflow: every field a plain string or boolean a form control can
 * hold, so that half-typed input is never lost to parsing. `toWorkflowInput` turns it back into what
 * `validateWorkflow` checks.
 */

export interface StepDraft {
  /** Stable React key; survives id edits and reordering. */
  key: string;
  id: string;
  /** False once the person edits the id: then a title change no longer rewrites it. */
  idTouched: boolean;
  title: string;
  instructions: string;
  role: string;
  capture: boolean;
  reads: string[];
  gateType: GateType | 'none';
  gateAsk: string;
  /** '' means "this step itself". */
  onReject: string;
  /** Which assistant runs the step: 'any' (either: the task's current site), 'chatgpt' or 'claude'. */
  assistant: 'any' | 'chatgpt' | 'claude';
  /** A second opinion: the earlier step whose result it reviews ('' for none). */
  reviews: string;
  /** Who may decide the gate; `anyone` is written as no rule at all, as files before the rule had it. */
  gateDecidedBy: GateDecider;
}

/** One input as the editor holds it; its name follows the label until the workflow is saved with it. */
export interface InputDraft {
  key: string;
  name: string;
  /** True for an input that came with the saved workflow: its name is in use, so a new label keeps it. */
  nameFixed: boolean;
  label: string;
  kind: InputKind;
  required: boolean;
  hint: string;
  default: string;
  /** The options of a choice, one per line. */
  choices: string;
}

export interface WorkflowDraft {
  id: string;
  idTouched: boolean;
  name: string;
  description: string;
  category: string;
  standards: string[];
  inputs: InputDraft[];
  steps: StepDraft[];
}


let keyCounter = 0;
function newKey(): string {
  keyCounter += 1;
  return `step-${keyCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** "Draft the SOP!" → "draft-the-sop"; what a step or workflow id defaults to. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

/** A slug not yet in `taken`: "draft", "draft-2", "draft-3"… */
export function uniqueSlug(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const root = base || 'step';
  if (!used.has(root)) return root;
  for (let n = 2; ; n += 1) {
    const candidate = `${root.slice(0, 60)}-${n}`;
    if (!used.has(candidate)) return candidate;
  }
}

export function emptyStep(taken: Iterable<string> = []): StepDraft {
  const id = uniqueSlug('new-step', taken);
  return {
    key: newKey(),
    id,
    idTouched: false,
    title: '',
    instructions: '',
    role: '',
    capture: true,
    assistant: 'any',
    reviews: '',
    reads: [],
    gateType: 'none',
    gateAsk: '',
    onReject: '',
    gateDecidedBy: 'anyone',
  };
}

export function emptyDraft(): WorkflowDraft {
  return { id: '', idTouched: false, name: '', description: '', category: 'General', standards: [], inputs: [], steps: [emptyStep()] };
}

export function draftFromWorkflow(workflow: Workflow): WorkflowDraft {
  return {
    id: workflow.id,
    idTouched: true,
    name: workflow.name,
    description: workflow.description,
    category: workflow.category,
    standards: [...workflow.standards],
    inputs: (workflow.inputs ?? []).map((input) => ({
      key: newKey(),
      name: input.name,
      nameFixed: true,
      label: input.label,
      kind: input.kind,
      required: input.required,
      hint: input.hint ?? '',
      default: input.default ?? '',
      choices: (input.choices ?? []).join('\n'),
    })),
    steps: workflow.steps.map((step) => ({
      key: newKey(),
      id: step.id,
      idTouched: true,
      title: step.title,
      instructions: step.instructions,
      role: step.role ?? '',
      capture: step.capture,
      reads: [...step.reads],
      gateType: step.gate?.type ?? 'none',
      gateAsk: step.gate?.ask ?? '',
      onReject: step.gate?.onReject && step.gate.onReject !== step.id ? step.gate.onReject : '',
      assistant: step.assistant ?? 'any',
      reviews: step.reviews ?? '',
      gateDecidedBy: step.gate?.decidedBy ?? 'anyone',
    })),
  };
}

/** A copy under a new id and name, for "Duplicate" (a built-in is edited by duplicating it). */
export function duplicateDraft(workflow: Workflow, takenIds: Iterable<string>): WorkflowDraft {
  const draft = draftFromWorkflow(workflow);
  const id = uniqueSlug(`${workflow.id.slice(0, 58)}-copy`, takenIds);
  return { ...draft, id, name: `${workflow.name} (copy)`.slice(0, 120) };
}

export function toWorkflowInput(draft: WorkflowDraft, version: number): WorkflowInput {
  return {
    id: draft.id,
    name: draft.name,
    version,
    description: draft.description,
    category: draft.category,
    standards: draft.standards,
    ...(draft.inputs.length > 0 && {
      inputs: draft.inputs.map((input) => {
        const choices = input.choices.split('\n').map((c) => c.trim()).filter(Boolean);
        return {
          name: input.name,
          label: input.label,
          kind: input.kind,
          required: input.required,
          ...(input.hint.trim() ? { hint: input.hint } : {}),
          ...(input.default.trim() ? { default: input.default } : {}),
          ...(input.kind === 'choice' || choices.length > 0 ? { choices } : {}),
        };
      }),
    }),
    steps: draft.steps.map((step) => ({
      id: step.id,
      title: step.title,
      instructions: step.instructions,
      ...(step.role.trim() ? { role: step.role } : {}),
      capture: step.capture,
      reads: step.reads,
      ...(step.gateType === 'none'
        ? {}
        : {
            gate: {
              type: step.gateType,
              ask: step.gateAsk,
              ...(step.onReject ? { onReject: step.onReject } : {}),
              ...(step.gateDecidedBy !== 'anyone' ? { decidedBy: step.gateDecidedBy } : {}),
            },
          }),
      // "Either" is the default and stays out of the file, as in files written before the field existed.
      ...(step.assistant !== 'any' ? { assistant: step.assistant } : {}),
      ...(step.reviews ? { reviews: step.reviews } : {}),
    })),
  };
}

/** A new input at the end of the list, named when it gets its label. */
export function addInput(draft: WorkflowDraft): WorkflowDraft {
  const input: InputDraft = { key: newKey(), name: inputNameFromLabel('', draft.inputs.map((i) => i.name)), nameFixed: false, label: '', kind: 'short-text', required: false, hint: '', default: '', choices: '' };
  return { ...draft, inputs: [...draft.inputs, input] };
}

export function updateInput(draft: WorkflowDraft, index: number, patch: Partial<InputDraft>): WorkflowDraft {
  return { ...draft, inputs: draft.inputs.map((input, i) => (i === index ? { ...input, ...patch } : input)) };
}

/**
 * A new label renames a new input (its name is made from the label) and every `{{input.<name>}}` the
 * steps already use, so nobody types or fixes a code name by hand.
 */
export function setInputLabel(draft: WorkflowDraft, index: number, label: string): WorkflowDraft {
  const input = draft.inputs[index];
  if (!input) return draft;
  if (input.nameFixed) return updateInput(draft, index, { label });
  const name = inputNameFromLabel(label, draft.inputs.filter((_, i) => i !== index).map((i) => i.name));
  const renamed = updateInput(draft, index, { label, name });
  if (name === input.name) return renamed;
  const pattern = new RegExp(`\\{\\{\\s*${(INPUT_VARIABLE_PREFIX + input.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\}\\}`, 'g');
  return { ...renamed, steps: renamed.steps.map((step) => ({ ...step, instructions: step.instructions.replace(pattern, `{{${INPUT_VARIABLE_PREFIX}${name}}}`) })) };
}

export function removeInput(draft: WorkflowDraft, index: number): WorkflowDraft {
  return { ...draft, inputs: draft.inputs.filter((_, i) => i !== index) };
}

/** Puts `insert` into `text` at the selection `[start, end)`; returns the text and where the caret goes. */
export function insertAt(text: string, insert: string, start = text.length, end = start): { text: string; caret: number } {
  return { text: `${text.slice(0, start)}${insert}${text.slice(end)}`, caret: start + insert.length };
}

export function setStepTitle(draft: WorkflowDraft, index: number, title: string): WorkflowDraft {
  const step = draft.steps[index];
  if (!step) return draft;
  if (step.idTouched) return updateStep(draft, index, { title });
  const others = draft.steps.filter((_, i) => i !== index).map((other) => other.id);
  const id = uniqueSlug(slugify(title) || 'new-step', others);
  return renameStep(updateStep(draft, index, { title }), index, id, false);
}

export function updateStep(draft: WorkflowDraft, index: number, patch: Partial<StepDraft>): WorkflowDraft {
  return { ...draft, steps: draft.steps.map((step, i) => (i === index ? { ...step, ...patch } : step)) };
}

/** Changes a step id and every reference to it (reads, reject targets), so renaming never breaks links. */
export function renameStep(draft: WorkflowDraft, index: number, id: string, touched = true): WorkflowDraft {
  const old = draft.steps[index]?.id;
  if (old === undefined) return draft;
  return {
    ...draft,
    steps: draft.steps.map((step, i) => ({
      ...step,
      ...(i === index ? { id, idTouched: touched || step.idTouched } : {}),
      reads: step.reads.map((read) => (read === old ? id : read)),
      onReject: step.onReject === old ? id : step.onReject,
    })),
  };
}

/**
 * Adds a step that reads the result of the step before it: a workflow is usually a chain, and a step 2
 * that does not see step 1's result surprises everyone. The person can untick it.
 */
export function addStep(draft: WorkflowDraft, at = draft.steps.length): WorkflowDraft {
  const steps = [...draft.steps];
  const previous = draft.steps[at - 1];
  steps.splice(at, 0, { ...emptyStep(draft.steps.map((step) => step.id)), reads: previous ? [previous.id] : [] });
  return { ...draft, steps };
}

/**
 * A new workflow's id follows its name, made unique against every id in the library (deleted ones too,
 * as their versions stay), so nobody has to invent one; once the person edits the id it stays theirs.
 */
export function setWorkflowName(draft: WorkflowDraft, name: string, takenIds: Iterable<string>, isNew: boolean): WorkflowDraft {
  if (!isNew || draft.idTouched) return { ...draft, name };
  return { ...draft, name, id: name.trim() ? uniqueSlug(slugify(name) || 'workflow', takenIds) : '' };
}

/**
 * The issues a person should see now: none for a field they have not touched yet (a new workflow
 * opens without a wall of red). `touched` holds path keys ("name", "steps.1.title"); a touched key
 * shows the issues at it and below it. Trying to save touches every field that had a problem then
 * (`touchedBySave`), so a field that appears afterwards (the gate question, once a gate is chosen)
 * stays quiet until the person has been in it.
 */
export function visibleIssues<T extends { path: unknown }>(issues: readonly T[], touched: ReadonlySet<string>): T[] {
  return issues.filter((found) => {
    const key = pathKey(found.path);
    for (const field of touched) if (key === field || key.startsWith(`${field}.`)) return true;
    return false;
  });
}

/** `touched` with the fields of every issue a save attempt found. */
export function touchedBySave(touched: ReadonlySet<string>, issues: readonly { path: unknown }[]): Set<string> {
  return new Set([...touched, ...issues.map((found) => pathKey(found.path))]);
}

/**
 * An empty id made from an empty name or title is one problem, not two: the name's (or title's)
 * sentence says what to do, and the id — a thing most people never need to see — stays out of it.
 * Only while the id was not typed by hand, since then it is no longer made from the name.
 */
export function withoutDerivedIdIssues<T extends { path: unknown }>(issues: readonly T[], draft: WorkflowDraft): T[] {
  return issues.filter((found) => {
    const key = pathKey(found.path);
    if (key === 'id') return draft.id !== '' || draft.idTouched || draft.name.trim() !== '';
    const step = /^steps\.(\d+)\.id$/.exec(key);
    const draftStep = step ? draft.steps[Number(step[1])] : undefined;
    if (draftStep) return draftStep.id !== '' || draftStep.idTouched || draftStep.title.trim() !== '';
    return true;
  });
}

/** Removes a step and the references to it, which would otherwise point nowhere. */
export function removeStep(draft: WorkflowDraft, index: number): WorkflowDraft {
  const removed = draft.steps[index]?.id;
  return {
    ...draft,
    steps: draft.steps
      .filter((_, i) => i !== index)
      .map((step) => ({
        ...step,
        reads: step.reads.filter((read) => read !== removed),
        onReject: step.onReject === removed ? '' : step.onReject,
      })),
  };
}

export function moveStep(draft: WorkflowDraft, index: number, delta: -1 | 1): WorkflowDraft {
  const target = index + delta;
  if (target < 0 || target >= draft.steps.length) return draft;
  const steps = [...draft.steps];
  const [step] = steps.splice(index, 1);
  if (step) steps.splice(target, 0, step);
  return { ...draft, steps };
}

/** Normalizes an issue path (array or "steps[0].gate.ask" string) to "steps.0.gate.ask". */
export function pathKey(path: unknown): string {
  if (Array.isArray(path)) return path.map(String).join('.');
  if (typeof path === 'string') return path.replace(/\[(\d+)\]/g, '.$1').replace(/^\$?\.?/, '');
  return '';
}

/** Groups issue messages by path so that each form field can show the messages that belong to it. */
export function issuesByPath(issues: readonly { path: unknown; message: string }[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const issue of issues) {
    const key = pathKey(issue.path);
    map.set(key, [...(map.get(key) ?? []), issue.message]);
  }
  return map;
}

/**
 * Touched paths follow their step when steps move or go: `order[i]` is the old index of the step now
 * at `i` (a removed step's paths are dropped), so an untouched step never inherits another's errors.
 */
export function reindexTouched(touched: ReadonlySet<string>, order: readonly number[]): Set<string> {
  const next = new Set<string>();
  for (const key of touched) {
    const match = /^steps\.(\d+)(\..*)?$/.exec(key);
    if (!match) {
      next.add(key);
      continue;
    }
    const at = order.indexOf(Number(match[1]));
    if (at !== -1) next.add(`steps.${at}${match[2] ?? ''}`);
  }
  return next;
}

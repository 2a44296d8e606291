// Long on purpose: every rule a workflow file must pass, with its sentence; kept in one file so that a reader (or a reviewer of an imported file's refusal) sees all of them together.
import type { z } from 'zod';
import { INPUT_VARIABLE_PREFIX, inputValueProblem, usedInputNames } from './inputs';
import { gateSchema, inputSchema, LIMITS, stepSchema, TEMPLATE_VARIABLES, workflowSchema, type Workflow } from './schema';

/**
 * Validation that people can act on: every problem becomes one sentence that starts with where it is
 * (`steps[2].gate.onReject`) and says what to do, with a suggestion when a name looks like a typo.
 * Workflow files come from colleagues and the internet, so this is also the gate imports pass through.
 */

export interface ValidationIssue {
  /** Where the problem is, like `steps[2].gate.onReject`; empty for the whole document. */
  path: string;
  /** A plain sentence that starts with the path. */
  message: string;
  /** The same sentence without the path, for a message shown next to its field. */
  sentence?: string;
  /**
   * The workflow and step the problem is in, by title (`“Release notes”, step 2 “Review”`), so a
   * person finds it without reading paths. Absent for problems with the file itself.
   */
  where?: string;
}

export type ValidationResult = { ok: true; workflow: Workflow } | { ok: false; issues: ValidationIssue[] };

type PathSegment = PropertyKey;

export function validateWorkflow(input: unknown, path = ''): ValidationResult {
  const issues: ValidationIssue[] = [];
  const parsed = workflowSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) issues.push(...describeZodIssue(issue, input, path));
  }
  // The cross-field rules run on the raw input too, so a file shows all its problems at once.
  issues.push(...crossFieldIssues(input, path));
  if (issues.length > 0 || !parsed.success) return { ok: false, issues: dedupe(issues).map((found) => located(found, input, path)) };
  return { ok: true, workflow: parsed.data };
}

/** Joins path segments as people read them: `workflows[0].steps[2].gate`. */
export function formatPath(segments: readonly PathSegment[], prefix = ''): string {
  let out = prefix;
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

export function issue(path: string, sentence: string): ValidationIssue {
  return { path, message: path ? `${path}: ${sentence}` : capitalize(sentence), sentence: capitalize(sentence) };
}

/**
 * An issue as a person reads it in a list: the workflow and step by title, the field in words, then
 * what to change — no path. The path stays on the issue (`path`, `message`) for a details toggle.
 */
export function describeIssue(found: Pick<ValidationIssue, 'path' | 'message' | 'sentence' | 'where'>): string {
  if (!found.path || found.sentence === undefined) return found.message;
  const field = fieldInWords(found.path);
  const place = [found.where, field].filter(Boolean).join(', ');
  if (!place) return found.sentence;
  return `${place}: ${found.sentence.charAt(0).toLowerCase()}${found.sentence.slice(1)}`;
}

/** The field a path ends in, as a person names it: `steps[2].reads[0]` → "the first result it reads". */
export function fieldInWords(path: string): string {
  const inStep = /(?:^|\.)steps\[\d+\]/.exec(path);
  const rest = inStep ? path.slice(inStep.index + inStep[0].length).replace(/^\./, '') : path.replace(/^workflows?(?:\[\d+\])?\.?/, '');
  const nth = (index: string) => ['first', 'second', 'third', 'fourth', 'fifth'][Number(index)] ?? `${Number(index) + 1}th`;
  const item = /^(reads|standards)\[(\d+)\]$/.exec(rest);
  if (item) return item[1] === 'reads' ? `the ${nth(item[2]!)} earlier result it reads` : `the ${nth(item[2]!)} standard`;
  const words: Record<string, string> = inStep
    ? {
        '': '',
        id: 'its id (the short name other steps use for it)',
        title: 'its title',
        instructions: 'its instructions',
        role: 'its role',
        reads: 'the earlier results it reads',
        capture: 'whether it keeps the AI’s replies',
        gate: 'its gate',
        'gate.type': 'the kind of gate',
        'gate.ask': 'what the person checks at the gate',
        'gate.onReject': 'the step a rejection sends the work back to',
      }
    : {
        '': '',
        id: 'the workflow’s id (the short name that tells it apart)',
        name: 'the workflow’s name',
        description: 'the description',
        version: 'the version number',
        steps: 'its steps',
        standards: 'its standards',
      };
  return words[rest] ?? '';
}

const titleOf = (value: unknown, key: string): string | undefined => {
  const text = isRecord(value) && typeof value[key] === 'string' ? value[key].trim() : '';
  return text ? shorten(text, 60) : undefined;
};

/**
 * Adds `where` to an issue of the workflow at `prefix`: its name (only in a file, where there can be
 * several; in the editor the page already says which) and the step's number and title.
 */
function located(found: ValidationIssue, input: unknown, prefix: string): ValidationIssue {
  if (!found.path.startsWith(prefix)) return found;
  const rest = found.path.slice(prefix.length);
  const stepMatch = /^\.?steps\[(\d+)\]/.exec(rest);
  const parts: string[] = [];
  if (prefix) {
    const name = titleOf(input, 'name') ?? titleOf(input, 'id');
    parts.push(name ? `“${name}”` : 'A workflow without a name');
  }
  if (stepMatch) {
    const index = Number(stepMatch[1]);
    const step = isRecord(input) && Array.isArray(input.steps) ? input.steps[index] : undefined;
    const title = titleOf(step, 'title');
    parts.push(`${prefix ? 'step' : 'Step'} ${index + 1}${title ? ` “${title}”` : ''}`);
  }
  return parts.length > 0 ? { ...found, where: parts.join(', ') } : found;
}

/** What an empty required text field needs, in words: the editor shows this right under the field. */
function emptySentence(segments: readonly PathSegment[]): string {
  const names = segments.filter((s) => typeof s === 'string');
  const last = names.at(-1);
  const inStep = names.includes('steps');
  if (last === 'title' && inStep) return 'give this step a title.';
  if (last === 'name' && !inStep && !names.includes('inputs')) return 'give the workflow a name.';
  if (last === 'ask') return 'say what the person must check at this gate.';
  if (last === 'id') return inStep ? 'give this step an id (it is made from the title).' : 'give the workflow an id (it is made from the name).';
  if (last === 'standards') return 'write the standard or remove it.';
  if (last === 'role') return 'name the role or leave the field empty.';
  if (last === 'label') return 'give this input a label: the question a person answers when starting a task.';
  if (last === 'name' && names.includes('inputs')) return 'give this input a name (it is made from the label).';
  if (last === 'choices') return 'write the option or remove it.';
  return 'must not be empty.';
}

/** The closest candidate when it is near enough to be a typo, or a shortened or lengthened form of it. */
export function suggest(value: string, candidates: readonly string[]): string | undefined {
  const lower = value.toLowerCase();
  const tolerance = Math.max(2, Math.floor(value.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === value) continue;
    const other = candidate.toLowerCase();
    const distance = levenshtein(lower, other);
    const contained = Math.min(lower.length, other.length) >= 3 && (other.includes(lower) || lower.includes(other));
    if ((distance <= tolerance || contained) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => (seen.has(i.message) ? false : (seen.add(i.message), true)));
}

function valueAt(input: unknown, segments: readonly PathSegment[]): unknown {
  let value = input;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
      return Number.isInteger(value) ? 'a whole number' : 'a number';
    case 'boolean':
      return 'true/false';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const EXPECTED_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object (a set of named fields)',
};

function fieldName(segments: readonly PathSegment[]): string {
  const last = segments.at(-1);
  return typeof last === 'string' ? `"${last}"` : 'this value';
}

function shorten(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Which schema's keys apply at a path, for suggesting the intended name of an unknown field. */
function knownKeysAt(segments: readonly PathSegment[]): string[] {
  const named = segments.filter((s) => typeof s === 'string');
  const shapeOf = (schema: { shape: Record<string, unknown> }) => Object.keys(schema.shape);
  if (named.at(-1) === 'gate') return shapeOf(gateSchema);
  if (named.at(-1) === 'steps') return shapeOf(stepSchema);
  if (named.at(-1) === 'inputs') return shapeOf(inputSchema);
  return shapeOf(workflowSchema);
}

function describeZodIssue(zodIssue: z.core.$ZodIssue, input: unknown, prefix: string): ValidationIssue[] {
  const segments = zodIssue.path;
  const path = formatPath(segments, prefix);
  const value = valueAt(input, segments);
  switch (zodIssue.code) {
    case 'invalid_type': {
      const expected = EXPECTED_NAMES[zodIssue.expected] ?? zodIssue.expected;
      if (value === undefined) {
        if (segments.length === 0) return [issue(path, `expected a workflow (an object with "id", "name", "version" and "steps"), but found nothing.`)];
        return [issue(path, `${fieldName(segments)} is required but missing; add it as ${expected}.`)];
      }
      return [issue(path, `should be ${expected}, but is ${describeValue(value)}.`)];
    }
    case 'too_small': {
      if (zodIssue.origin === 'string') return [issue(path, emptySentence(segments))];
      if (zodIssue.origin === 'array') {
        if (segments.at(-1) === 'steps') return [issue(path, `a workflow needs at least one step.`)];
        return [issue(path, `needs at least ${String(zodIssue.minimum)} item(s).`)];
      }
      return [issue(path, `must be at least ${String(zodIssue.minimum)}.`)];
    }
    case 'too_big': {
      const limit = Number(zodIssue.maximum).toLocaleString('en-US');
      if (zodIssue.origin === 'string') {
        const length = typeof value === 'string' ? value.length.toLocaleString('en-US') : 'too many';
        return [issue(path, `is too long (${length} characters; the limit is ${limit}); shorten it.`)];
      }
      if (zodIssue.origin === 'array') {
        const count = Array.isArray(value) ? value.length.toLocaleString('en-US') : 'too many';
        return [issue(path, `has too many entries (${count}; the limit is ${limit}).`)];
      }
      return [issue(path, `must be at most ${limit}.`)];
    }
    case 'invalid_format': {
      // An empty id already has its "give it an id" sentence from the length check.
      if (value === '') return [];
      const shown = typeof value === 'string' ? `"${shorten(value)}"` : 'this value';
      // A step named by its title where its id belongs: say which id to write.
      const titled = typeof value === 'string' ? stepWithTitle(input, segments, value) : undefined;
      if (titled) return [issue(path, `${shown} is the title of step ${titled.number}; write its id "${shorten(titled.id)}" here instead.`)];
      return [issue(path, `${shown} cannot be an id; write it in lowercase letters, digits and single dashes (for example "draft-sop" for a step called “Draft SOP”).`)];
    }
    case 'invalid_value': {
      const options = zodIssue.values.map(String);
      const near = typeof value === 'string' ? suggest(value, options) : undefined;
      const shown = typeof value === 'string' ? `"${shorten(value)}"` : 'this value';
      return [
        issue(path, `${shown} is not allowed here; use one of ${options.join(', ')}${near ? `. Did you mean "${near}"?` : '.'}`),
      ];
    }
    case 'unrecognized_keys': {
      const known = knownKeysAt(segments);
      return zodIssue.keys.map((key) => {
        const near = suggest(key, known);
        return issue(
          formatPath([...segments, key], prefix),
          `"${shorten(key)}" is not a field ConvOps knows${near ? `; did you mean "${near}"?` : `; remove it (known fields: ${known.join(', ')}).`}`,
        );
      });
    }
    case 'not_multiple_of':
      return [issue(path, `should be a whole number, but is ${String(value)}.`)];
    default:
      return [issue(path, `${zodIssue.message}.`)];
  }
}

/** The step of the workflow that `segments` point into whose title is `title`, with its number and id. */
function stepWithTitle(input: unknown, segments: readonly PathSegment[], title: string): { number: number; id: string } | undefined {
  const steps = isRecord(input) && Array.isArray(input.steps) ? input.steps : [];
  const wanted = title.trim().toLowerCase();
  const index = steps.findIndex((step) => isRecord(step) && typeof step.title === 'string' && step.title.trim().toLowerCase() === wanted && typeof step.id === 'string');
  if (index === -1 || !segments.includes('steps')) return undefined;
  return { number: index + 1, id: String((steps[index] as Record<string, unknown>).id) };
}

/** How a sentence names a step of the workflow being checked: by number and title, `step 2 “Draft SOP”`. */
function stepLabel(steps: readonly unknown[], index: number): string {
  const title = titleOf(steps[index], 'title');
  return `step ${index + 1}${title ? ` “${title}”` : ''}`;
}

const VARIABLE_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;
/** An HTML tag or comment; Markdown autolinks like `<https://…>` do not match. */
const HTML_PATTERN = /<!--|<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?>/;

/** Markdown code is text, not markup, so tags inside fences and code spans are allowed. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?(?:^\1[^\n]*$|(?![\s\S]))/gm, '').replace(/(`+)[^`]*?\1/g, '');
}

export function findHtml(markdown: string): string | undefined {
  const match = HTML_PATTERN.exec(withoutCode(markdown));
  return match ? shorten(match[0], 30) : undefined;
}

/** The `{{names}}` a text uses that ConvOps cannot fill: not a built-in variable, nor `input.<name>` of a declared input. */
export function unknownVariables(text: string, inputNames: readonly string[] = []): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(VARIABLE_PATTERN)) {
    const name = match[1] ?? '';
    const known =
      (TEMPLATE_VARIABLES as readonly string[]).includes(name) ||
      (name.startsWith(INPUT_VARIABLE_PREFIX) && inputNames.includes(name.slice(INPUT_VARIABLE_PREFIX.length)));
    if (!known && !names.includes(name)) names.push(name);
  }
  return names;
}

/** The sentence for a `{{name}}` ConvOps cannot fill, with the nearest known name and, for inputs, what to do. */
function unknownVariableSentence(name: string, inputNames: readonly string[]): string {
  if (name.startsWith(INPUT_VARIABLE_PREFIX)) {
    const inputName = name.slice(INPUT_VARIABLE_PREFIX.length);
    const near = suggest(inputName, inputNames);
    return `{{${shorten(name)}}} uses an input this workflow does not have${near ? `; did you mean {{${INPUT_VARIABLE_PREFIX}${near}}}?` : '.'} Add an input named “${shorten(inputName)}” under Inputs, or pick one from “Insert an input”.`;
  }
  const candidates = [...TEMPLATE_VARIABLES, ...inputNames.map((n) => `${INPUT_VARIABLE_PREFIX}${n}`)];
  const near = suggest(name, candidates);
  return `{{${shorten(name)}}} is not a variable ConvOps can fill${near ? `; did you mean {{${near}}}?` : '.'} Known variables: ${candidates.map((v) => `{{${v}}}`).join(', ')}.`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function htmlIssue(path: string, text: unknown, what: string): ValidationIssue[] {
  if (typeof text !== 'string') return [];
  const tag = findHtml(text);
  return tag ? [issue(path, `contains HTML (${tag}); ConvOps ${what} are Markdown and HTML is not allowed.`)] : [];
}

function crossFieldIssues(input: unknown, prefix: string): ValidationIssue[] {
  if (!isRecord(input)) return [];
  const issues: ValidationIssue[] = [];
  const at = (...segments: PathSegment[]) => formatPath(segments, prefix);

  if (Array.isArray(input.standards)) {
    input.standards.forEach((standard, i) => issues.push(...htmlIssue(at('standards', i), standard, 'standards')));
  }
  const inputs = Array.isArray(input.inputs) ? input.inputs.slice(0, LIMITS.inputsCount + 1) : [];
  const inputNames = inputs.map((field) => (isRecord(field) && typeof field.name === 'string' ? field.name : undefined));
  const declared = inputNames.filter((name): name is string => name !== undefined);
  issues.push(...inputIssues(inputs, inputNames, at));
  if (!Array.isArray(input.steps)) return issues;

  const steps = input.steps.slice(0, LIMITS.stepsCount + 1);
  const ids = steps.map((step) => (isRecord(step) && typeof step.id === 'string' ? step.id : undefined));
  const allIds = ids.filter((id): id is string => id !== undefined);
  const firstIndex = new Map<string, number>();

  steps.forEach((step, index) => {
    if (!isRecord(step)) return;
    const id = ids[index];
    if (id !== undefined) {
      const earlier = firstIndex.get(id);
      if (earlier === undefined) firstIndex.set(id, index);
      else issues.push(issue(at('steps', index, 'id'), `"${shorten(id)}" is already the id of ${stepLabel(steps, earlier)}; every step needs its own id.`));
    }

    const reference = (target: unknown, path: string, purpose: 'reads' | 'onReject' | 'reviews'): void => {
      if (typeof target !== 'string') return;
      const targetIndex = ids.indexOf(target);
      const titled = targetIndex === -1 ? stepWithTitle(input, ['steps'], target) : undefined;
      if (titled) {
        // Same sentence as the id-format check gives, so the two collapse into one.
        issues.push(issue(path, `"${shorten(target)}" is the title of step ${titled.number}; write its id "${shorten(titled.id)}" here instead.`));
      } else if (targetIndex === -1) {
        const near = suggest(target, allIds);
        const nearLabel = near === undefined ? '' : ` (${stepLabel(steps, ids.indexOf(near))})`;
        issues.push(issue(path, `"${shorten(target)}" is not a step of this workflow${near ? `; did you mean "${near}"${nearLabel}?` : '; write the id of one of its steps.'}`));
      } else if (purpose === 'reads' && targetIndex === index) {
        issues.push(issue(path, `a step cannot read its own notes; remove "${target}" from what it reads.`));
      } else if (purpose === 'reviews' && targetIndex >= index) {
        issues.push(issue(path, `"${target}" is not an earlier step; a second opinion reviews the result of a step before it.`));
      } else if (targetIndex > index) {
        issues.push(
          issue(
            path,
            purpose === 'reads'
              ? `"${target}" is ${stepLabel(steps, targetIndex)}, which comes after this step; a step can only read the notes of earlier steps.`
              : `"${target}" is ${stepLabel(steps, targetIndex)}, which comes after this step; a rejection can only send the task back to this step or an earlier one.`,
          ),
        );
      }
    };

    if (Array.isArray(step.reads)) {
      step.reads.forEach((target, i) => reference(target, at('steps', index, 'reads', i), 'reads'));
    }
    if (typeof step.reviews === 'string') reference(step.reviews, at('steps', index, 'reviews'), 'reviews');
    if (isRecord(step.gate)) {
      reference(step.gate.onReject, at('steps', index, 'gate', 'onReject'), 'onReject');
      issues.push(...htmlIssue(at('steps', index, 'gate', 'ask'), step.gate.ask, 'gate questions'));
    }
    if (typeof step.instructions === 'string') {
      const path = at('steps', index, 'instructions');
      for (const name of unknownVariables(step.instructions, declared)) issues.push(issue(path, unknownVariableSentence(name, declared)));
      issues.push(...htmlIssue(path, step.instructions, 'instructions'));
    }
  });

  // An input no step uses would be asked at every start and go nowhere.
  const used = new Set(steps.flatMap((step) => (isRecord(step) && typeof step.instructions === 'string' ? usedInputNames(step.instructions) : [])));
  inputNames.forEach((name, index) => {
    if (name !== undefined && !used.has(name)) {
      issues.push(
        issue(
          at('inputs', index),
          `no step uses the input “${shorten(name)}”; use it in a step's instructions as {{${INPUT_VARIABLE_PREFIX}${shorten(name)}}} (or with “Insert an input”), or remove it.`,
        ),
      );
    }
  });
  return issues;
}

function inputIssues(inputs: unknown[], names: Array<string | undefined>, at: (...segments: PathSegment[]) => string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const firstIndex = new Map<string, number>();
  inputs.forEach((field, index) => {
    if (!isRecord(field)) return;
    const name = names[index];
    if (name !== undefined) {
      const earlier = firstIndex.get(name);
      if (earlier === undefined) firstIndex.set(name, index);
      else issues.push(issue(at('inputs', index, 'name'), `“${shorten(name)}” is already the name of input ${earlier + 1}; every input needs its own name.`));
    }
    const choices = Array.isArray(field.choices) ? field.choices : [];
    if (field.kind === 'choice' && choices.length === 0) {
      issues.push(issue(at('inputs', index, 'choices'), 'a choice needs at least one option to pick from; add the options, one per line.'));
    }
    if (field.kind !== 'choice' && choices.length > 0) {
      issues.push(issue(at('inputs', index, 'choices'), 'only a “choice from a list” input has options; remove them or change the kind.'));
    }
    if (typeof field.default === 'string' && field.default.trim() !== '' && typeof field.label === 'string') {
      const parsed = inputSchema.safeParse(field);
      const problem = parsed.success ? inputValueProblem(parsed.data, field.default) : undefined;
      if (problem) issues.push(issue(at('inputs', index, 'default'), `the default does not fit: ${problem}`));
    }
  });
  return issues;
}

import { LIMITS } from './limits';
import type { InputField, InputKind, Workflow } from './schema';

/**
 * A workflow's inputs at run time: checking a person's values, and turning a value into briefing text
 * that cannot change the briefing's structure. Values come from people (and imported files): they are
 * data, never a template or markup.
 */

export type InputValues = Record<string, string>;

/** The prefix of an input's variable: `{{input.<name>}}`. */
export const INPUT_VARIABLE_PREFIX = 'input.';

/** A workflow's inputs, none when it declares none (an older file). */
export function inputsOf(workflow: Pick<Workflow, 'inputs'>): InputField[] {
  return workflow.inputs ?? [];
}

export const INPUT_KIND_LABELS: Record<InputKind, string> = {
  'short-text': 'Short text',
  'long-text': 'Long text',
  choice: 'Choice from a list',
  date: 'Date',
  number: 'Number',
  link: 'Link',
};

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Why a value does not fit its input, as a sentence shown beside the field; undefined when it fits. */
export function inputValueProblem(input: InputField, raw: string | undefined): string | undefined {
  const value = (raw ?? '').trim();
  if (value === '') return input.required ? `Fill in “${input.label}”: this workflow needs it to start.` : undefined;
  if (value.length > LIMITS.inputValueLength) {
    return `“${input.label}” is too long (${value.length.toLocaleString('en-US')} characters; the limit is ${LIMITS.inputValueLength.toLocaleString('en-US')}).`;
  }
  switch (input.kind) {
    case 'short-text':
      return value.includes('\n') ? `“${input.label}” takes one line; put the rest in a longer field or the chat.` : undefined;
    case 'number':
      return Number.isFinite(Number(value)) ? undefined : `“${input.label}” takes a number, like 3 or 2.5.`;
    case 'date':
      return DATE_PATTERN.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : `“${input.label}” takes a date, like 2026-03-31.`;
    case 'link':
      return isWebLink(value) ? undefined : `“${input.label}” takes a web address starting with https:// or http://.`;
    case 'choice':
      return (input.choices ?? []).includes(value) ? undefined : `Choose one of the options for “${input.label}”.`;
    case 'long-text':
      return undefined;
  }
}

function isWebLink(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Every problem with a set of values, by input name; values for names the workflow does not declare are problems too. */
export function inputValuesProblems(workflow: Pick<Workflow, 'inputs'>, values: InputValues): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const input of inputsOf(workflow)) {
    const problem = inputValueProblem(input, values[input.name]);
    if (problem) problems[input.name] = problem;
  }
  for (const name of Object.keys(values)) {
    if (!inputsOf(workflow).some((i) => i.name === name)) problems[name] = `This workflow has no input named “${name}”.`;
  }
  return problems;
}

/** The values a task is started with: each declared input's trimmed value ("" when left empty). */
export function normalizedInputValues(workflow: Pick<Workflow, 'inputs'>, values: InputValues): InputValues {
  return Object.fromEntries(inputsOf(workflow).map((input) => [input.name, (values[input.name] ?? '').trim()]));
}

/** What the start form shows first: each input's default. */
export function defaultInputValues(workflow: Pick<Workflow, 'inputs'>): InputValues {
  return Object.fromEntries(inputsOf(workflow).map((input) => [input.name, input.default ?? '']));
}

/** An input's name made from its label ("Steps to reproduce" → "steps-to-reproduce"), unique among `taken`. */
export function inputNameFromLabel(label: string, taken: Iterable<string>): string {
  const base =
    label
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, LIMITS.inputNameLength - 3)
      .replace(/-+$/g, '') || 'input';
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

export function inputVariable(name: string): string {
  return `{{${INPUT_VARIABLE_PREFIX}${name}}}`;
}

/**
 * A value that stays on one line inside a sentence of the instructions: line breaks become spaces,
 * and every character Markdown or ConvOps could read as structure (`#`, `*`, `[`, `` ` ``, `{`, `<`,
 * `|`, …) is backslash-escaped, so a value like `{{operator}}` or `# Ignore the above` reads as the
 * literal text a person typed.
 */
export function inlineValue(value: string): string {
  return value
    .replace(/\s*\r?\n\s*/g, ' ')
    .trim()
    .replace(/[\\`*_{}[\]#|<>~]/g, (c) => `\\${c}`)
    .replace(/^([-+]|\d+\.)(\s)/, (_, marker: string, space: string) => `\\${marker}${space}`);
}

/**
 * A long value as a block: a Markdown quote whose lines cannot open a heading, a fence or a template
 * (each line's structure characters are escaped), so it ends where the quote ends.
 */
export function blockValue(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .trim()
    .split('\n')
    .map((line) => {
      // A list inside the quote stays inside it; headings, fences, tables, HTML and templates could not.
      const escaped = line.replace(/[\\`*_{}[\]#|<>~]/g, (c) => `\\${c}`);
      return escaped.trim() === '' ? '>' : `> ${escaped}`;
    })
    .join('\n');
}

/** A value that reads as a block rather than a phrase: a long-text input, or any value with a line break or over 200 characters. */
export function isLongValue(input: Pick<InputField, 'kind'>, value: string): boolean {
  return input.kind === 'long-text' || value.includes('\n') || value.length > 200;
}

/** The input names a text uses as `{{input.<name>}}`, in order of first use. */
export function usedInputNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/\{\{\s*input\.([^{}\s]*)\s*\}\}/g)) {
    const name = match[1] ?? '';
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

import { parse as parseYaml, YAMLParseError } from 'yaml';
import { LIMITS, type Gate, type InputField, type Step, type Workflow } from './schema';
import { issue, validateWorkflow, type ValidationIssue } from './validate';

/**
 * The workflow exchange format (`*.convops.json`, YAML accepted on import). Import is all-or-nothing:
 * either every workflow in the file is valid, or nothing is returned and every problem is listed.
 */

export const WORKFLOW_FILE_FORMAT = 'convops.workflows';
export const SINGLE_WORKFLOW_FORMAT = 'convops.workflow';
export const WORKFLOW_FORMAT_VERSION = 1;
export const MAX_WORKFLOW_FILE_CHARS = 5 * 1024 * 1024;
export const WORKFLOW_FILE_EXTENSION = '.convops.json';

export type WorkflowFileResult = { ok: true; workflows: Workflow[] } | { ok: false; issues: ValidationIssue[] };

const fail = (...issues: ValidationIssue[]): WorkflowFileResult => ({ ok: false, issues });

function formatSize(chars: number): string {
  const mb = chars / (1024 * 1024);
  return mb >= 0.1 ? `${mb.toFixed(1)} MB` : `${Math.ceil(chars / 1024)} KB`;
}

function looksLikeYaml(text: string, fileName?: string): boolean {
  if (fileName && /\.ya?ml$/i.test(fileName)) return true;
  if (fileName && /\.json$/i.test(fileName)) return false;
  return !/^\s*[[{]/.test(text);
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function parseText(text: string, fileName?: string): { ok: true; data: unknown } | { ok: false; issue: ValidationIssue } {
  if (!looksLikeYaml(text, fileName)) {
    try {
      return { ok: true, data: JSON.parse(text) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const position = /position (\d+)/.exec(message);
      const where = position ? lineAndColumn(text, Number(position[1])) : undefined;
      const detail = message.replace(/\s*(?:in JSON )?at position \d+.*$/s, '').replace(/^Unexpected/, 'unexpected');
      return {
        ok: false,
        issue: issue(
          '',
          `this file is not valid JSON${where ? ` (line ${where.line}, column ${where.column})` : ''}: ${detail}. Check for a missing comma, quote or bracket there.`,
        ),
      };
    }
  }
  try {
    // YAML aliases could expand a small file into a huge one; workflow files have no need for them.
    return { ok: true, data: parseYaml(text, { maxAliasCount: 0, prettyErrors: false, uniqueKeys: true }) };
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = lineAndColumn(text, error.pos[0]);
      const firstLine = error.message.split('\n')[0] ?? '';
      return {
        ok: false,
        issue: issue('', `this file is neither valid JSON nor valid YAML (line ${where.line}, column ${where.column}): ${firstLine}.`),
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, issue: issue('', `this file is neither valid JSON nor valid YAML: ${message}.`) };
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * How deep any ConvOps file may nest. The deepest real structure (a backup's event data) is a handful
 * of levels; a hostile file can nest 400,000 levels, and every recursive walk of it (Zod, canonical
 * JSON, structured clone into IndexedDB) would then end in a RangeError instead of an explanation.
 */
export const MAX_FILE_DEPTH = 64;
const SHOWN_LEVELS = 6;

/**
 * Where a parsed value first nests deeper than `limit`, as a path like `workflows[0].steps`, or
 * undefined when it does not. Iterative on purpose: a recursive walk is exactly what overflows.
 */
export function tooDeepAt(value: unknown, limit: number = MAX_FILE_DEPTH): string | undefined {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= limit) return item.path || 'file';
    // The path names the first levels only: 64 levels of `[0]` say nothing a person can use.
    const extend = (segment: string) => (item.depth < SHOWN_LEVELS ? item.path + segment : item.depth === SHOWN_LEVELS ? `${item.path}…` : item.path);
    if (Array.isArray(item.value)) {
      item.value.forEach((child, index) => stack.push({ value: child, depth: item.depth + 1, path: extend(`[${index}]`) }));
    } else {
      for (const [key, child] of Object.entries(item.value)) {
        stack.push({ value: child, depth: item.depth + 1, path: item.path ? extend(`.${key.slice(0, 40)}`) : key.slice(0, 40) });
      }
    }
  }
  return undefined;
}

/**
 * A short, safe description of an untrusted value for an error message. Never stringifies it whole:
 * a deeply nested value would overflow the stack, and a huge one would flood the message.
 */
export function describeUntrusted(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 59)}…` : value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/**
 * Parses and validates a workflow file. Never throws: whatever the file holds, the answer is a list of
 * located problems (an unexpected failure of a parser or a validator included).
 */
export function parseWorkflowFile(text: string, fileName?: string): WorkflowFileResult {
  try {
    return parseWorkflowFileUnguarded(text, fileName);
  } catch (error) {
    const detail = error instanceof RangeError ? 'it is nested or repeated too deeply to read' : error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
    return fail(issue('', `this file could not be read (${detail}); nothing was imported.`));
  }
}

function parseWorkflowFileUnguarded(text: string, fileName?: string): WorkflowFileResult {
  if (text.length > MAX_WORKFLOW_FILE_CHARS) {
    return fail(
      issue('', `this file is too large (${formatSize(text.length)}); ConvOps reads workflow files of up to ${formatSize(MAX_WORKFLOW_FILE_CHARS)}.`),
    );
  }
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return fail(issue('', 'this file is empty; a ConvOps workflow file starts with "format": "convops.workflows".'));

  const parsed = parseText(body, fileName);
  if (!parsed.ok) return fail(parsed.issue);
  const data = parsed.data;
  const deep = tooDeepAt(data);
  if (deep !== undefined) {
    return fail(issue(deep, `nests more than ${MAX_FILE_DEPTH} levels deep; a ConvOps workflow file never does, so this file was not read further.`));
  }
  if (!isRecord(data)) {
    return fail(issue('', 'this is not a ConvOps workflow file: it should be one object with "format", "formatVersion" and "workflows".'));
  }

  const { format, formatVersion } = data;
  if (format !== WORKFLOW_FILE_FORMAT && format !== SINGLE_WORKFLOW_FORMAT) {
    return fail(
      issue(
        'format',
        format === undefined
          ? `is missing, so this is not a ConvOps workflow file; exported files have "format": "${WORKFLOW_FILE_FORMAT}".`
          : `${describeUntrusted(format)} is not a ConvOps workflow file format; expected "${WORKFLOW_FILE_FORMAT}" or "${SINGLE_WORKFLOW_FORMAT}".`,
      ),
    );
  }
  if (typeof formatVersion !== 'number' || !Number.isInteger(formatVersion) || formatVersion < 1) {
    return fail(issue('formatVersion', `should be a whole number like ${WORKFLOW_FORMAT_VERSION}, but is ${describeUntrusted(formatVersion)}.`));
  }
  if (formatVersion > WORKFLOW_FORMAT_VERSION) {
    return fail(
      issue('', `this file was made by a newer ConvOps (format version ${formatVersion}); update the extension to import it.`),
    );
  }

  const allowedKeys = format === WORKFLOW_FILE_FORMAT ? ['format', 'formatVersion', 'workflows'] : ['format', 'formatVersion', 'workflow'];
  const unknownKeys = Object.keys(data).filter((key) => !allowedKeys.includes(key));
  if (unknownKeys.length > 0) {
    return fail(
      ...unknownKeys.map((key) => issue(key, `"${key}" is not part of a ${format} file; the file has only ${allowedKeys.map((k) => `"${k}"`).join(', ')}.`)),
    );
  }

  let entries: Array<{ value: unknown; path: string }>;
  if (format === SINGLE_WORKFLOW_FORMAT) {
    if (data.workflow === undefined) return fail(issue('workflow', 'is missing; a convops.workflow file holds one workflow under "workflow".'));
    entries = [{ value: data.workflow, path: 'workflow' }];
  } else {
    if (!Array.isArray(data.workflows)) {
      return fail(issue('workflows', data.workflows === undefined ? 'is missing; add the list of workflows.' : 'should be a list of workflows.'));
    }
    if (data.workflows.length === 0) return fail(issue('workflows', 'the file contains no workflows.'));
    if (data.workflows.length > LIMITS.workflowsPerFile) {
      return fail(
        issue('workflows', `this file has ${data.workflows.length} workflows; ConvOps imports at most ${LIMITS.workflowsPerFile} at once. Split it into smaller files.`),
      );
    }
    entries = data.workflows.map((value, i) => ({ value, path: `workflows[${i}]` }));
  }

  const issues: ValidationIssue[] = [];
  const workflows: Workflow[] = [];
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const result = validateWorkflow(entry.value, entry.path);
    if (!result.ok) {
      issues.push(...result.issues);
      continue;
    }
    const earlier = seen.get(result.workflow.id);
    if (earlier !== undefined) {
      issues.push({
        ...issue(`${entry.path}.id`, `"${result.workflow.id}" is already the id of “${earlier}” in this file; each workflow needs its own id.`),
        where: `“${result.workflow.name}”`,
      });
      continue;
    }
    seen.set(result.workflow.id, result.workflow.name);
    workflows.push(result.workflow);
  }
  return issues.length > 0 ? fail(...issues) : { ok: true, workflows };
}

/** Fixed key order keeps exported files stable and diff-friendly, whatever order the objects were built in. */
function orderedGate(gate: Gate): Gate {
  return {
    type: gate.type,
    ask: gate.ask,
    ...(gate.onReject !== undefined && { onReject: gate.onReject }),
    ...(gate.decidedBy !== undefined && { decidedBy: gate.decidedBy }),
  };
}

function orderedInput(input: InputField): InputField {
  return {
    name: input.name,
    label: input.label,
    kind: input.kind,
    required: input.required,
    ...(input.hint !== undefined && { hint: input.hint }),
    ...(input.default !== undefined && { default: input.default }),
    ...(input.choices !== undefined && { choices: [...input.choices] }),
  };
}

function orderedStep(step: Step): Step {
  return {
    id: step.id,
    title: step.title,
    ...(step.role !== undefined && { role: step.role }),
    instructions: step.instructions,
    capture: step.capture,
    reads: [...step.reads],
    ...(step.gate !== undefined && { gate: orderedGate(step.gate) }),
    ...(step.assistant !== undefined && { assistant: step.assistant }),
    ...(step.reviews !== undefined && { reviews: step.reviews }),
  };
}

export function orderedWorkflow(workflow: Workflow): Workflow {
  return {
    id: workflow.id,
    name: workflow.name,
    version: workflow.version,
    category: workflow.category,
    description: workflow.description,
    standards: [...workflow.standards],
    ...(workflow.inputs !== undefined && workflow.inputs.length > 0 && { inputs: workflow.inputs.map(orderedInput) }),
    steps: workflow.steps.map(orderedStep),
  };
}

export function serializeWorkflowFile(workflows: Workflow[]): string {
  const file = { format: WORKFLOW_FILE_FORMAT, formatVersion: WORKFLOW_FORMAT_VERSION, workflows: workflows.map(orderedWorkflow) };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** A file name people recognise: `sop-documentation.convops.json`. */
export function workflowFileName(workflows: Workflow[]): string {
  const only = workflows.length === 1 ? workflows[0] : undefined;
  return `${only ? only.id : 'workflows'}${WORKFLOW_FILE_EXTENSION}`;
}

import { LIMITS, type Gate, type InputField, type Step, type Workflow } from './schema';
import { issue, validateWorkflow, type ValidationIssue } from './validate';

/**
 * The workflow exchange format (`*.convops.json`): what a file's data must hold, and how ConvOps
 * writes one. Reading a file's text (JSON, or YAML on import) is `./file.ts`; this module has no
 * parser in it, so the background (the built-ins, the backup's depth checks) carries no YAML parser.
 * Import is all-or-nothing: either every workflow in the file is valid, or nothing is returned and
 * every problem is listed.
 */

export const WORKFLOW_FILE_FORMAT = 'convops.workflows';
export const SINGLE_WORKFLOW_FORMAT = 'convops.workflow';
export const WORKFLOW_FORMAT_VERSION = 1;
export const WORKFLOW_FILE_EXTENSION = '.convops.json';

export type WorkflowFileResult = { ok: true; workflows: Workflow[] } | { ok: false; issues: ValidationIssue[] };

export const failedFile = (...issues: ValidationIssue[]): WorkflowFileResult => ({ ok: false, issues });

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

/** Validates a workflow file's parsed data (whatever a file held): its format, version, keys and every workflow. */
export function workflowsFromFileData(data: unknown): WorkflowFileResult {
  const deep = tooDeepAt(data);
  if (deep !== undefined) {
    return failedFile(issue(deep, `nests more than ${MAX_FILE_DEPTH} levels deep; a ConvOps workflow file never does, so this file was not read further.`));
  }
  if (!isRecord(data)) {
    return failedFile(issue('', 'this is not a ConvOps workflow file: it should be one object with "format", "formatVersion" and "workflows".'));
  }

  const { format, formatVersion } = data;
  if (format !== WORKFLOW_FILE_FORMAT && format !== SINGLE_WORKFLOW_FORMAT) {
    return failedFile(
      issue(
        'format',
        format === undefined
          ? `is missing, so this is not a ConvOps workflow file; exported files have "format": "${WORKFLOW_FILE_FORMAT}".`
          : `${describeUntrusted(format)} is not a ConvOps workflow file format; expected "${WORKFLOW_FILE_FORMAT}" or "${SINGLE_WORKFLOW_FORMAT}".`,
      ),
    );
  }
  if (typeof formatVersion !== 'number' || !Number.isInteger(formatVersion) || formatVersion < 1) {
    return failedFile(issue('formatVersion', `should be a whole number like ${WORKFLOW_FORMAT_VERSION}, but is ${describeUntrusted(formatVersion)}.`));
  }
  if (formatVersion > WORKFLOW_FORMAT_VERSION) {
    return failedFile(
      issue('', `this file was made by a newer ConvOps (format version ${formatVersion}); update the extension to import it.`),
    );
  }

  const allowedKeys = format === WORKFLOW_FILE_FORMAT ? ['format', 'formatVersion', 'workflows'] : ['format', 'formatVersion', 'workflow'];
  const unknownKeys = Object.keys(data).filter((key) => !allowedKeys.includes(key));
  if (unknownKeys.length > 0) {
    return failedFile(
      ...unknownKeys.map((key) => issue(key, `"${key}" is not part of a ${format} file; the file has only ${allowedKeys.map((k) => `"${k}"`).join(', ')}.`)),
    );
  }

  let entries: Array<{ value: unknown; path: string }>;
  if (format === SINGLE_WORKFLOW_FORMAT) {
    if (data.workflow === undefined) return failedFile(issue('workflow', 'is missing; a convops.workflow file holds one workflow under "workflow".'));
    entries = [{ value: data.workflow, path: 'workflow' }];
  } else {
    if (!Array.isArray(data.workflows)) {
      return failedFile(issue('workflows', data.workflows === undefined ? 'is missing; add the list of workflows.' : 'should be a list of workflows.'));
    }
    if (data.workflows.length === 0) return failedFile(issue('workflows', 'the file contains no workflows.'));
    if (data.workflows.length > LIMITS.workflowsPerFile) {
      return failedFile(
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
  return issues.length > 0 ? failedFile(...issues) : { ok: true, workflows };
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

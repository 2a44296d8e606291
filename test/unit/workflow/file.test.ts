import { stringify as toYaml } from 'yaml';
import { MAX_WORKFLOW_FILE_CHARS, parseWorkflowFile } from '@/lib/workflow/file';
import { serializeWorkflowFile, workflowFileName, type WorkflowFileResult } from '@/lib/workflow/file-format';
import { LIMITS, type Workflow } from '@/lib/workflow/schema';
import { makeWorkflow, sop } from './fixtures';

const other = makeWorkflow({
  id: 'other',
  name: 'Other',
  version: 4,
  category: 'Ops',
  description: 'Another one',
  standards: ['One rule'],
  steps: [{ id: 'only', title: 'Only', role: 'doer', instructions: 'Do {{task.title}}', capture: false, gate: { type: 'handoff', ask: 'Take it?' } }],
});

const bundle = (workflows: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ format: 'convops.workflows', formatVersion: 1, workflows, ...extra });

function messages(result: WorkflowFileResult): string[] {
  if (result.ok) throw new Error('expected the file to be refused');
  return result.issues.map((i) => i.message);
}

describe('serializeWorkflowFile / parseWorkflowFile', () => {
  test('round-trips workflows exactly', () => {
    const text = serializeWorkflowFile([sop, other]);
    const parsed = parseWorkflowFile(text, 'mine.convops.json');
    expect(parsed).toEqual({ ok: true, workflows: [sop, other] });
  });

  test('is stable and diff-friendly: fixed key order, 2-space indent, trailing newline', () => {
    // The same workflow built with its keys in another order serializes identically.
    const shuffled = JSON.parse(JSON.stringify(other, Object.keys(other).reverse())) as Workflow;
    const reordered: Workflow = { ...shuffled, steps: other.steps.map((s) => ({ gate: s.gate, reads: s.reads, capture: s.capture, instructions: s.instructions, role: s.role, title: s.title, id: s.id })) as Workflow['steps'] };
    expect(serializeWorkflowFile([reordered])).toBe(serializeWorkflowFile([other]));
    const text = serializeWorkflowFile([other]);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "format": "convops.workflows",');
    const keys = Object.keys((JSON.parse(text) as { workflows: Array<Record<string, unknown>> }).workflows[0]!);
    expect(keys).toEqual(['id', 'name', 'version', 'category', 'description', 'standards', 'steps']);
    const stepKeys = Object.keys((JSON.parse(text) as { workflows: Array<{ steps: Array<Record<string, unknown>> }> }).workflows[0]!.steps[0]!);
    expect(stepKeys).toEqual(['id', 'title', 'role', 'instructions', 'capture', 'reads', 'gate']);
  });

  test('accepts a single-workflow file', () => {
    const text = JSON.stringify({ format: 'convops.workflow', formatVersion: 1, workflow: other });
    expect(parseWorkflowFile(text)).toEqual({ ok: true, workflows: [other] });
    expect(messages(parseWorkflowFile(JSON.stringify({ format: 'convops.workflow', formatVersion: 1 })))).toEqual([
      'workflow: is missing; a convops.workflow file holds one workflow under "workflow".',
    ]);
  });

  test('accepts YAML, by file name or by content', () => {
    const yaml = toYaml({ format: 'convops.workflows', formatVersion: 1, workflows: [other] });
    expect(parseWorkflowFile(yaml, 'mine.convops.yaml')).toEqual({ ok: true, workflows: [other] });
    expect(parseWorkflowFile(yaml)).toEqual({ ok: true, workflows: [other] });
  });

  test('a UTF-8 byte order mark is ignored', () => {
    expect(parseWorkflowFile(`\uFEFF${serializeWorkflowFile([other])}`).ok).toBe(true);
  });

  test('workflowFileName', () => {
    expect(workflowFileName([other])).toBe('other.convops.json');
    expect(workflowFileName([sop, other])).toBe('workflows.convops.json');
  });
});

describe('parseWorkflowFile refuses bad files with clear messages', () => {
  test('empty file', () => {
    expect(messages(parseWorkflowFile('  \n'))).toEqual(['This file is empty; a ConvOps workflow file starts with "format": "convops.workflows".']);
  });

  test('broken JSON, with line and column', () => {
    const [message] = messages(parseWorkflowFile('{\n  "format": "convops.workflows",\n  "formatVersion": 1\n  "workflows": []\n}', 'x.convops.json'));
    expect(message).toMatch(/^This file is not valid JSON \(line 4, column 3\): .+\. Check for a missing comma, quote or bracket there\.$/);
  });

  test('broken YAML, with line and column', () => {
    const [message] = messages(parseWorkflowFile('format: convops.workflows\nworkflows:\n  - id: [unclosed\n', 'x.yaml'));
    expect(message).toMatch(/^This file is neither valid JSON nor valid YAML \(line \d+, column \d+\)/);
  });

  test('YAML aliases are refused (they can blow up a small file)', () => {
    const text = 'format: convops.workflows\nformatVersion: 1\nanchor: &a [1, 2]\nworkflows: *a\n';
    expect(messages(parseWorkflowFile(text, 'x.yml'))[0]).toMatch(/neither valid JSON nor valid YAML/);
  });

  test('not an object', () => {
    expect(messages(parseWorkflowFile('[1, 2]'))[0]).toMatch(/^This is not a ConvOps workflow file: it should be one object/);
    expect(messages(parseWorkflowFile('just some words', 'notes.txt'))[0]).toMatch(/not a ConvOps workflow file/);
  });

  test('missing or wrong format', () => {
    expect(messages(parseWorkflowFile(JSON.stringify({ workflows: [] })))).toEqual([
      'format: is missing, so this is not a ConvOps workflow file; exported files have "format": "convops.workflows".',
    ]);
    expect(messages(parseWorkflowFile(JSON.stringify({ format: 'n8n', workflows: [] })))).toEqual([
      'format: "n8n" is not a ConvOps workflow file format; expected "convops.workflows" or "convops.workflow".',
    ]);
  });

  test('a newer or a nonsense format version', () => {
    expect(messages(parseWorkflowFile(JSON.stringify({ format: 'convops.workflows', formatVersion: 2, workflows: [] })))).toEqual([
      'This file was made by a newer ConvOps (format version 2); update the extension to import it.',
    ]);
    expect(messages(parseWorkflowFile(JSON.stringify({ format: 'convops.workflows', workflows: [] })))).toEqual([
      'formatVersion: should be a whole number like 1, but is missing.',
    ]);
    expect(messages(parseWorkflowFile(JSON.stringify({ format: 'convops.workflows', formatVersion: '1', workflows: [] })))[0]).toMatch(/but is "1"/);
  });

  test('unknown top-level keys', () => {
    expect(messages(parseWorkflowFile(bundle([other], { extra: 1 })))).toEqual([
      'extra: "extra" is not part of a convops.workflows file; the file has only "format", "formatVersion", "workflows".',
    ]);
  });

  test('missing, empty or wrongly typed workflow list', () => {
    expect(messages(parseWorkflowFile(JSON.stringify({ format: 'convops.workflows', formatVersion: 1 })))).toEqual(['workflows: is missing; add the list of workflows.']);
    expect(messages(parseWorkflowFile(bundle([])))).toEqual(['workflows: the file contains no workflows.']);
    expect(messages(parseWorkflowFile(JSON.stringify({ format: 'convops.workflows', formatVersion: 1, workflows: {} })))).toEqual([
      'workflows: should be a list of workflows.',
    ]);
  });

  test('too large: refused before parsing, naming the size and the limit', () => {
    const text = `{"format":"convops.workflows","formatVersion":1,"pad":"${'x'.repeat(MAX_WORKFLOW_FILE_CHARS)}"}`;
    expect(messages(parseWorkflowFile(text))).toEqual(['This file is too large (5.0 MB); ConvOps reads workflow files of up to 5.0 MB.']);
    expect(messages(parseWorkflowFile('x'.repeat(6 * 1024 * 1024)))[0]).toMatch(/\(6\.0 MB\)/);
  });

  test('too many workflows', () => {
    const many = Array.from({ length: LIMITS.workflowsPerFile + 1 }, (_, i) => ({ ...other, id: `w${i}` }));
    expect(messages(parseWorkflowFile(bundle(many)))).toEqual([
      `workflows: this file has ${LIMITS.workflowsPerFile + 1} workflows; ConvOps imports at most ${LIMITS.workflowsPerFile} at once. Split it into smaller files.`,
    ]);
  });

  test('duplicate workflow ids within the file', () => {
    expect(messages(parseWorkflowFile(bundle([other, sop, other])))).toEqual([
      'workflows[2].id: "other" is already the id of “Other” in this file; each workflow needs its own id.',
    ]);
  });

  test('all-or-nothing: one bad workflow refuses the whole file, and every issue is prefixed', () => {
    const broken = { ...other, id: 'broken', steps: [{ ...other.steps[0], gate: { type: 'approval', ask: 'x', onReject: 'onyl' } }] };
    const result = parseWorkflowFile(bundle([sop, broken, { ...other, id: 'third', name: '' }]));
    expect(result.ok).toBe(false);
    expect(messages(result)).toEqual([
      'workflows[1].steps[0].gate.onReject: "onyl" is not a step of this workflow; did you mean "only" (step 1 “Only”)?',
      'workflows[2].name: give the workflow a name.',
    ]);
    expect(messages(parseWorkflowFile(JSON.stringify({ format: 'convops.workflow', formatVersion: 1, workflow: { ...other, version: 0 } })))).toEqual([
      'workflow.version: must be at least 1.',
    ]);
  });
});

describe('a step that names its assistant, and a second opinion', () => {
  const base = { id: 'two-sites', name: 'Two sites', version: 1, steps: [
    { id: 'draft', title: 'Draft', instructions: 'Write it.', assistant: 'chatgpt' },
    { id: 'review', title: 'Review', instructions: 'Review it.', assistant: 'claude', reviews: 'draft', reads: ['draft'], gate: { type: 'approval', ask: 'Ready?', onReject: 'draft' } },
  ] };
  const file = (workflows: unknown[]) => JSON.stringify({ format: 'convops.workflows', formatVersion: 1, workflows });

  it('imports and exports the fields; an older file without them keeps its meaning', () => {
    const parsed = parseWorkflowFile(file([base]), 'two.convops.json');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.workflows[0]!.steps.map((s) => [s.assistant, s.reviews])).toEqual([['chatgpt', undefined], ['claude', 'draft']]);
    const again = parseWorkflowFile(serializeWorkflowFile(parsed.workflows), 'two.convops.json');
    expect(again.ok && again.workflows[0]!.steps[1]).toMatchObject({ assistant: 'claude', reviews: 'draft' });
    const old = parseWorkflowFile(file([{ ...base, steps: base.steps.map(({ assistant: _a, reviews: _r, ...s }) => s) }]), 'old.convops.json');
    expect(old.ok && old.workflows[0]!.steps.every((s) => s.assistant === undefined && !('assistant' in s))).toBe(true);
  });

  it('refuses an unknown assistant, and a second opinion of a later step or itself, with the place', () => {
    const bad = parseWorkflowFile(file([{ ...base, steps: [{ ...base.steps[0], assistant: 'gemini' }, base.steps[1]] }]), 'bad.convops.json');
    expect(bad.ok).toBe(false);
    const later = parseWorkflowFile(file([{ ...base, steps: [{ ...base.steps[0], reviews: 'review' }, base.steps[1]] }]), 'later.convops.json');
    expect(!later.ok && later.issues.some((i) => /second opinion reviews the result of a step before it/.test(i.message))).toBe(true);
  });
});

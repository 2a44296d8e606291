import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { builtinWorkflows, loadBuiltinWorkflows } from '@/workflows';
import { parseWorkflowFile } from '@/lib/workflow/file';
import { serializeWorkflowFile } from '@/lib/workflow/file-format';
import { validateWorkflow } from '@/lib/workflow/validate';
import { renderBriefing, previewTask } from '@/lib/workflow/briefing';

const dir = join(__dirname, '../../../workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.convops.json'));

describe('built-in workflows', () => {
  test('ships every required workflow, one per file named after its id', () => {
    expect(builtinWorkflows().map((w) => w.id).sort()).toEqual(
      ['bug-fix', 'decision-memo', 'feature-development', 'research-report', 'research-second-opinion', 'sop-documentation', 'task'].sort(),
    );
    expect(files.sort()).toEqual(builtinWorkflows().map((w) => `${w.id}.convops.json`).sort());
  });

  test.each(files)('%s is valid, stable and round-trips through the exchange format', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const parsed = parseWorkflowFile(text, file);
    if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
    expect(parsed.workflows).toHaveLength(1);
    const workflow = parsed.workflows[0]!;
    expect(validateWorkflow(workflow).ok).toBe(true);
    // The file on disk is exactly what an export would write, so edits stay diff-friendly.
    expect(serializeWorkflowFile(parsed.workflows)).toBe(text);
    expect(workflow.description.length).toBeGreaterThan(20);
    expect(workflow.category).not.toBe('');
    expect(workflow.standards.length).toBeGreaterThan(0);
    expect(workflow.steps.some((s) => s.gate)).toBe(true);
    // Built-ins talk about ConvOps capturing replies, not about tools the chat does not have.
    expect(text).not.toMatch(/task_notes_(add|list)/);
  });

  test('every step of every built-in renders a briefing without unfilled variables', () => {
    for (const workflow of builtinWorkflows()) {
      for (const step of workflow.steps) {
        const briefing = renderBriefing({ workflow, task: previewTask(workflow, step.id), notes: [], operator: 'Dana', now: '2026-05-04T08:00:00Z' });
        expect(briefing).not.toMatch(/\{\{/);
        expect(briefing).toContain(step.title);
      }
    }
  });

  test('SOP Documentation: capture → draft → walkthrough (approval, back to draft) → publish', () => {
    const sop = builtinWorkflows().find((w) => w.id === 'sop-documentation')!;
    expect(sop.steps.map((s) => s.id)).toEqual(['capture-process', 'draft-sop', 'walkthrough', 'publish']);
    const [capture, draft, walkthrough, publish] = sop.steps;
    expect(capture!.gate).toBeUndefined();
    expect(draft!.reads).toEqual(['capture-process']);
    expect(walkthrough!.gate).toMatchObject({ type: 'approval', onReject: 'draft-sop' });
    expect(walkthrough!.reads).toEqual(expect.arrayContaining(['capture-process', 'draft-sop']));
    expect(publish!.reads).toEqual(expect.arrayContaining(['walkthrough', 'draft-sop']));
    expect(publish!.gate).toBeUndefined();
  });

  test('Feature Development: the plan is reviewed by a person before it is fixed and built', () => {
    const fd = builtinWorkflows().find((w) => w.id === 'feature-development')!;
    expect(fd.steps.map((s) => s.title)).toEqual(['Analysis', 'Create Plan', 'Plan Review', 'Fix Plan', 'Execute Plan', 'Done']);
    const gated = fd.steps.filter((s) => s.gate);
    expect(gated.map((s) => s.id)).toEqual(['plan-review']);
    expect(gated[0]!.gate).toMatchObject({ type: 'review', onReject: 'create-plan' });
    expect(fd.steps.find((s) => s.id === 'fix-plan')!.reads).toContain('plan-review');
  });

  test('Task, Bug Fix and Decision Memo have the gates their purpose needs', () => {
    const byId = (id: string) => builtinWorkflows().find((w) => w.id === id)!;
    const gates = (id: string) => byId(id).steps.filter((s) => s.gate).map((s) => [s.id, s.gate!.onReject ?? s.id]);
    expect(gates('task')).toEqual([['plan', 'plan'], ['verify', 'implement']]);
    expect(byId('task').steps.map((s) => s.id)).toEqual(['intake', 'plan', 'implement', 'verify', 'learnings']);
    expect(gates('bug-fix')[0]).toEqual(['reproduce', 'reproduce']);
    expect(byId('bug-fix').steps.map((s) => s.id)).toEqual(['reproduce', 'fix', 'verify']);
    expect(gates('decision-memo').map(([id]) => id)).toEqual(['recommend']);
  });

  test('a broken built-in file fails loudly instead of shipping', () => {
    expect(() => loadBuiltinWorkflows({ 'x.convops.json': '{"format":"convops.workflows","formatVersion":1,"workflows":[{"id":"x"}]}' })).toThrow(
      /x\.convops\.json is invalid/,
    );
    const one = readFileSync(join(dir, 'task.convops.json'), 'utf8');
    expect(() => loadBuiltinWorkflows({ 'a.convops.json': one, 'b.convops.json': one })).toThrow(/Two built-in workflows use the id "task"/);
  });
});

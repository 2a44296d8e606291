import { describe, expect, it } from 'vitest';
import {
  addStep,
  draftFromWorkflow,
  duplicateDraft,
  issuesByPath,
  moveStep,
  pathKey,
  removeStep,
  renameStep,
  setStepTitle,
  slugify,
  toWorkflowInput,
  uniqueSlug,
} from '../../../components/options/workflow-draft';
import { workflowSchema, type Workflow } from '../../../lib/workflow/schema';

const workflow: Workflow = workflowSchema.parse({
  id: 'sop',
  name: 'SOP',
  version: 3,
  category: 'Docs',
  standards: ['Be brief'],
  steps: [
    { id: 'draft', title: 'Draft', instructions: 'Write {{task.title}}', role: 'writer' },
    { id: 'review', title: 'Review', instructions: 'Check', reads: ['draft'], gate: { type: 'approval', ask: 'OK?', onReject: 'draft' } },
    { id: 'publish', title: 'Publish', instructions: 'Ship', gate: { type: 'sign-off', ask: 'Go?' } },
  ],
});

describe('slugs', () => {
  it('slugifies titles', () => {
    expect(slugify('Draft the SOP!')).toBe('draft-the-sop');
    expect(slugify('  Café  crème ')).toBe('cafe-creme');
    expect(slugify('***')).toBe('');
  });
  it('finds a free slug', () => {
    expect(uniqueSlug('draft', ['draft', 'draft-2'])).toBe('draft-3');
    expect(uniqueSlug('', [])).toBe('step');
  });
});

describe('draft ↔ workflow', () => {
  it('round-trips a workflow unchanged', () => {
    const input = toWorkflowInput(draftFromWorkflow(workflow), workflow.version);
    expect(workflowSchema.parse(input)).toEqual(workflow);
  });
  it('drops an empty role and a "none" gate, and a reject target equal to the step', () => {
    const draft = draftFromWorkflow(workflow);
    const edited = {
      ...draft,
      steps: draft.steps.map((step, i) => (i === 0 ? { ...step, role: ' ' } : i === 1 ? { ...step, gateType: 'none' as const } : step)),
    };
    const input = toWorkflowInput(edited, 4);
    expect(input.steps[0]).not.toHaveProperty('role');
    expect(input.steps[1]).not.toHaveProperty('gate');
    expect(input.steps[2]?.gate).toEqual({ type: 'sign-off', ask: 'Go?' });
  });
  it('duplicates under a fresh id', () => {
    const copy = duplicateDraft(workflow, ['sop', 'sop-copy']);
    expect(copy.id).toBe('sop-copy-2');
    expect(copy.name).toBe('SOP (copy)');
  });
});

describe('step editing', () => {
  it('derives the id from the title until the id is edited', () => {
    let draft = addStep(draftFromWorkflow(workflow));
    draft = setStepTitle(draft, 3, 'Draft');
    expect(draft.steps[3]?.id).toBe('draft-2');
    draft = renameStep(draft, 3, 'final');
    draft = setStepTitle(draft, 3, 'Something else');
    expect(draft.steps[3]?.id).toBe('final');
  });
  it('renaming a step updates reads and reject targets', () => {
    const draft = renameStep(draftFromWorkflow(workflow), 0, 'write');
    expect(draft.steps[1]?.reads).toEqual(['write']);
    expect(draft.steps[1]?.onReject).toBe('write');
  });
  it('removing a step removes the references to it', () => {
    const draft = removeStep(draftFromWorkflow(workflow), 0);
    expect(draft.steps.map((step) => step.id)).toEqual(['review', 'publish']);
    expect(draft.steps[0]?.reads).toEqual([]);
    expect(draft.steps[0]?.onReject).toBe('');
  });
  it('moves steps within bounds', () => {
    const draft = draftFromWorkflow(workflow);
    expect(moveStep(draft, 0, 1).steps.map((step) => step.id)).toEqual(['review', 'draft', 'publish']);
    expect(moveStep(draft, 0, -1)).toBe(draft);
    expect(moveStep(draft, 2, 1)).toBe(draft);
  });
});

describe('issue paths', () => {
  it('normalizes array and string paths', () => {
    expect(pathKey(['steps', 1, 'gate', 'ask'])).toBe('steps.1.gate.ask');
    expect(pathKey('steps[1].gate.ask')).toBe('steps.1.gate.ask');
    expect(pathKey('name')).toBe('name');
  });
  it('groups messages per path', () => {
    const map = issuesByPath([
      { path: ['name'], message: 'a' },
      { path: 'name', message: 'b' },
      { path: ['steps', 0, 'id'], message: 'c' },
    ]);
    expect(map.get('name')).toEqual(['a', 'b']);
    expect(map.get('steps.0.id')).toEqual(['c']);
  });
});

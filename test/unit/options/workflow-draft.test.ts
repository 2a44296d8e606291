import { describe, expect, it } from 'vitest';
import {
  addStep,
  draftFromWorkflow,
  duplicateDraft,
  emptyDraft,
  issuesByPath,
  moveStep,
  pathKey,
  removeStep,
  renameStep,
  setStepTitle,
  setWorkflowName,
  slugify,
  toWorkflowInput,
  uniqueSlug,
  visibleIssues,
  reindexTouched,
  touchedBySave,
  withoutDerivedIdIssues,
} from '@/components/options/workflow-draft';
import { workflowSchema, type Workflow } from '@/lib/workflow/schema';

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

describe('plain-words editor rules', () => {
  it('a new step reads the result of the step before it', () => {
    const first = setStepTitle(emptyDraft(), 0, 'Collect facts');
    const second = addStep(first);
    expect(second.steps[1]!.reads).toEqual(['collect-facts']);
    // Renaming the first step by its title keeps the link.
    const renamed = setStepTitle(second, 0, 'Gather facts');
    expect(renamed.steps[1]!.reads).toEqual(['gather-facts']);
    // Inserted first, a step has nothing before it to read.
    expect(addStep(first, 0).steps[0]!.reads).toEqual([]);
  });

  it('a new workflow gets an id from its name, unique in the library, until the person edits the id', () => {
    const named = setWorkflowName(emptyDraft(), 'Release notes', ['release-notes'], true);
    expect(named.id).toBe('release-notes-2');
    expect(setWorkflowName(emptyDraft(), '¿?', [], true).id).toBe('workflow');
    expect(setWorkflowName(emptyDraft(), '  ', [], true).id).toBe('');
    const touched = { ...named, id: 'mine', idTouched: true };
    expect(setWorkflowName(touched, 'Other name', [], true).id).toBe('mine');
    // A saved workflow keeps its id whatever its name becomes.
    expect(setWorkflowName(draftFromWorkflow(workflow), 'Renamed', [], false)).toMatchObject({ id: 'sop', name: 'Renamed' });
  });

  it('shows no issue before a field is touched, the touched field’s issues after, and all once saving was tried', () => {
    const issues = [
      { path: 'name', message: 'name: give the workflow a name.' },
      { path: 'steps[0].title', message: 'steps[0].title: give this step a title.' },
      { path: 'steps[1].gate.ask', message: 'steps[1].gate.ask: say what the person must check at this gate.' },
    ];
    expect(visibleIssues(issues, new Set())).toEqual([]);
    expect(visibleIssues(issues, new Set(['steps.0.title'])).map((i) => i.path)).toEqual(['steps[0].title']);
    // A touched step (its gate) shows the issues inside it, but not those of step 10 or 0.
    expect(visibleIssues(issues, new Set(['steps.1.gate'])).map((i) => i.path)).toEqual(['steps[1].gate.ask']);
    expect(visibleIssues(issues, new Set(['steps.1'])).map((i) => i.path)).toEqual(['steps[1].gate.ask']);
    expect(visibleIssues(issues, new Set(['steps.10']))).toEqual([]);
    // Choosing a gate touches its type, not the question that appears with it.
    expect(visibleIssues(issues, new Set(['steps.1.gate.type']))).toEqual([]);
    expect(visibleIssues(issues, touchedBySave(new Set(), issues))).toHaveLength(3);
  });

  it('after a failed save, a problem in a field that appears later stays quiet until that field is touched', () => {
    const before = [{ path: 'name', message: 'name: give the workflow a name.' }];
    const touched = touchedBySave(new Set(), before);
    const after = [...before, { path: 'steps[0].gate.ask', message: 'steps[0].gate.ask: say what the person must check at this gate.' }];
    expect(visibleIssues(after, touched).map((i) => i.path)).toEqual(['name']);
  });

  it('an empty id made from an empty name or title is not a second problem, unless it was typed by hand', () => {
    const draft = emptyDraft();
    const blank = { ...draft, name: '', id: '', idTouched: false, steps: draft.steps.map((s) => ({ ...s, title: '', id: '', idTouched: false })) };
    const issues = [{ path: 'name' }, { path: 'id' }, { path: 'steps[0].title' }, { path: 'steps[0].id' }];
    expect(withoutDerivedIdIssues(issues, blank).map((i) => i.path)).toEqual(['name', 'steps[0].title']);
    expect(withoutDerivedIdIssues(issues, { ...blank, idTouched: true }).map((i) => i.path)).toEqual(['name', 'id', 'steps[0].title']);
    // A name that makes no id ("!!!") leaves the id problem: there is nothing else to fix.
    expect(withoutDerivedIdIssues(issues, { ...blank, name: '!!!' }).map((i) => i.path)).toContain('id');
  });
});

describe('touched fields follow their step', () => {
  it('moves with a step and goes with a removed one', () => {
    const touched = new Set(['name', 'steps.0.title', 'steps.2.gate.ask']);
    // Step 0 removed: old 1 → 0, old 2 → 1.
    expect([...reindexTouched(touched, [1, 2])]).toEqual(['name', 'steps.1.gate.ask']);
    // Steps 1 and 2 swapped.
    expect([...reindexTouched(touched, [0, 2, 1])]).toEqual(['name', 'steps.0.title', 'steps.1.gate.ask']);
  });
});

describe('the editor’s assistant and second-opinion choices', () => {
  it('round-trip through the draft; "Either" stays out of the file', () => {
    const workflow = workflowSchema.parse({
      id: 'two-sites',
      name: 'Two sites',
      version: 1,
      steps: [
        { id: 'draft', title: 'Draft', instructions: 'Write it.', assistant: 'chatgpt' },
        { id: 'review', title: 'Review', instructions: 'Review it.', assistant: 'claude', reviews: 'draft' },
        { id: 'wrap', title: 'Wrap up', instructions: 'Finish.' },
      ],
    });
    const draft = draftFromWorkflow(workflow);
    expect(draft.steps.map((s) => [s.assistant, s.reviews])).toEqual([
      ['chatgpt', ''],
      ['claude', 'draft'],
      ['any', ''],
    ]);
    const input = toWorkflowInput(draft, 2);
    expect(input.steps.map((s) => [s.assistant, s.reviews])).toEqual([
      ['chatgpt', undefined],
      ['claude', 'draft'],
      [undefined, undefined],
    ]);
    expect('assistant' in input.steps[2]!).toBe(false);
  });
});

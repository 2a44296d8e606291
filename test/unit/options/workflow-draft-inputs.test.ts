import { describe, expect, it } from 'vitest';
import { addInput, draftFromWorkflow, emptyDraft, insertAt, removeInput, setInputLabel, toWorkflowInput, updateInput } from '@/components/options/workflow-draft';
import { workflowSchema } from '@/lib/workflow/schema';
import { validateWorkflow } from '@/lib/workflow/validate';

describe('inputs in the editor draft', () => {
  it('a new input is named from its label, and a new label renames its uses in the steps', () => {
    let draft = { ...emptyDraft(), name: 'Reply', id: 'reply' };
    draft = addInput(draft);
    draft = setInputLabel(draft, 0, 'Customer');
    expect(draft.inputs[0]?.name).toBe('customer');
    draft = { ...draft, steps: draft.steps.map((s) => ({ ...s, title: 'Write', id: 'write', instructions: 'Reply to {{input.customer}} and {{ input.customer }}.' })) };
    draft = setInputLabel(draft, 0, 'Customer name');
    expect(draft.inputs[0]?.name).toBe('customer-name');
    expect(draft.steps[0]?.instructions).toBe('Reply to {{input.customer-name}} and {{input.customer-name}}.');
    const result = validateWorkflow(toWorkflowInput(draft, 1));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.workflow.inputs).toEqual([{ name: 'customer-name', label: 'Customer name', kind: 'short-text', required: false }]);
  });

  it('a saved input keeps its name when its label changes (tasks and files use it)', () => {
    const workflow = workflowSchema.parse({
      id: 'w', name: 'W', version: 2,
      inputs: [{ name: 'product', label: 'Product', kind: 'choice', choices: ['A', 'B'] }],
      steps: [{ id: 'a', title: 'A', instructions: 'For {{input.product}}.' }],
    });
    const draft = setInputLabel(draftFromWorkflow(workflow), 0, 'Which product');
    expect(draft.inputs[0]?.name).toBe('product');
    const input = toWorkflowInput(updateInput(draft, 0, { choices: 'A\n\n B \nC' }), 2);
    expect(input.inputs?.[0]).toMatchObject({ label: 'Which product', choices: ['A', 'B', 'C'] });
  });

  it('a workflow without inputs stays without the field; removing the last input removes it', () => {
    const draft = addInput({ ...emptyDraft(), name: 'X', id: 'x' });
    expect(toWorkflowInput(removeInput(draft, 0), 1)).not.toHaveProperty('inputs');
  });

  it('inserting at the caret', () => {
    expect(insertAt('Reply to .', '{{input.customer}}', 9)).toEqual({ text: 'Reply to {{input.customer}}.', caret: 27 });
    expect(insertAt('Hello world', 'X', 6, 11)).toEqual({ text: 'Hello X', caret: 7 });
  });
});

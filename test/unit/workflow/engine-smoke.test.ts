import { applyAction, startTask } from '../../../lib/workflow/engine';
import { at, human, sop } from './fixtures';

test('smoke: run the SOP workflow through a rejection to completion', () => {
  let r = startTask(sop, { id: 't1', title: 'Onboarding', actor: human, now: at(0) });
  const step = (a: Parameters<typeof applyAction>[2], n: number) => (r = applyAction(r.task, sop, a, human, at(n)));
  step({ type: 'complete-step', stepId: 'capture' }, 1);
  step({ type: 'complete-step', stepId: 'draft' }, 2);
  step({ type: 'complete-step', stepId: 'review' }, 3);
  expect(r.task.status).toBe('awaiting-approval');
  step({ type: 'reject', stepId: 'review', comment: 'Step 3 is missing' }, 4);
  expect(r.task.currentStepId).toBe('draft');
  step({ type: 'complete-step', stepId: 'draft' }, 5);
  step({ type: 'complete-step', stepId: 'review' }, 6);
  step({ type: 'approve', stepId: 'review' }, 7);
  step({ type: 'complete-step', stepId: 'publish' }, 8);
  expect(r.task.status).toBe('completed');
});

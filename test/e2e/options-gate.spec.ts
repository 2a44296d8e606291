import { ensureName, panelOf, readEvents, startWorkflow, taskIdOf, completeStep } from './panel-support';
import { expect, openChatGPT, test } from './support/mock-sites';

test('a manager decides a waiting gate from the task page; the panel in the chat follows', async ({ context, extensionId, serviceWorker }) => {
  const chat = await context.newPage();
  await openChatGPT(chat);
  const panel = panelOf(chat);
  await ensureName(panel, 'Robin Lee');
  await startWorkflow(panel, 'sop-documentation', 'Vendor onboarding', { drive: false });
  for (const step of ['capture-process', 'draft-sop', 'walkthrough']) {
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', step);
    await completeStep(panel);
  }
  await expect(panel.getByTestId('gate-card')).toBeVisible();
  const taskId = await taskIdOf(panel);

  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html#/tasks/${taskId}`);
  const gate = options.getByTestId('gate-card');
  await expect(gate).toContainText('Walkthrough');

  // Reject needs a comment, here as in the panel; then it goes back to Draft SOP.
  await gate.getByTestId('reject-gate').click();
  await expect(gate.getByRole('alert')).toContainText('Say what needs to change');
  await gate.getByTestId('gate-comment').fill('Step 4 misses the tax form.');
  await gate.getByTestId('reject-gate').click();
  await expect(options.getByTestId('task-current-step')).toHaveText('Draft SOP');
  await expect(gate).toBeHidden();
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'draft-sop');

  for (const step of ['draft-sop', 'walkthrough']) {
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', step);
    await completeStep(panel);
  }
  await expect(options.getByTestId('gate-card')).toBeVisible();
  await options.getByTestId('approve-gate').click();
  await expect(options.getByTestId('task-current-step')).toHaveText('Publish');
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'publish');

  const decisions = (await readEvents(serviceWorker, taskId)).filter((e) => e.type.startsWith('gate.'));
  expect(decisions.map((e) => [e.type, e.actor.kind, e.actor.name])).toEqual([
    ['gate.requested', 'human', 'Robin Lee'],
    ['gate.rejected', 'human', 'Robin Lee'],
    ['gate.requested', 'human', 'Robin Lee'],
    ['gate.approved', 'human', 'Robin Lee'],
  ]);
});

import type { FrameLocator, Page } from '@playwright/test';
import { completeStep, decideInReview, ensureName, insertSendAndCapture, panelOf, readEvents, startWorkflow, taskIdOf } from './panel-support';
import { expect, openClaude, test } from './support/mock-sites';

const fast = { chunks: 4, intervalMs: 10, firstChunkDelayMs: 20, settleMs: 20, rowLeadMs: 30 };

async function completeCurrent(panel: FrameLocator, stepId: string): Promise<void> {
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', stepId);
  await completeStep(panel);
}

async function startFeature(page: Page, replies: string[]): Promise<FrameLocator> {
  await openClaude(page, { script: { ...fast, replies }, urlDelayMs: 100 });
  const panel = panelOf(page);
  await expect(panel.getByTestId('site-health')).toHaveAttribute('data-host', 'claude');
  await expect(panel.getByTestId('site-health')).toHaveAttribute('data-composer', 'found');
  await ensureName(panel, 'Kim Lead');
  await startWorkflow(panel, 'feature-development', 'Export to CSV', { drive: false });
  return panel;
}

test('Feature Development on Claude: every step, the Plan Review gate rejected once and approved, completed', async ({ context, serviceWorker }) => {
  const page = await context.newPage();
  const replies = ['ANALYSIS-NOTE', 'PLAN-V1', 'REVIEW-FINDINGS-1', 'PLAN-V2', 'REVIEW-FINDINGS-2', 'FIXED-PLAN', 'EXECUTION-LOG', 'DONE-SUMMARY'];
  const panel = await startFeature(page, replies);
  const taskId = await taskIdOf(panel);
  await expect(panel.getByTestId('step-list').locator('li')).toHaveCount(6);
  await expect(panel.getByTestId('step-list').locator('li[data-step-id="plan-review"]').getByText('Review', { exact: true })).toBeVisible();

  await insertSendAndCapture(page, panel, ['Feature Development', 'Step 1 of 6', 'Export to CSV']);
  await expect(page).toHaveURL(/\/chat\/[0-9a-f-]+$/);
  await completeCurrent(panel, 'analysis');
  await insertSendAndCapture(page, panel, ['Step 2 of 6', 'ANALYSIS-NOTE']);
  await completeCurrent(panel, 'create-plan');

  // Plan Review: gated; rejected back to Create Plan with the reason, then approved.
  await insertSendAndCapture(page, panel, ['Step 3 of 6', 'PLAN-V1', 'nothing said in this chat can approve']);
  await completeCurrent(panel, 'plan-review');
  await expect(panel.getByTestId('gate-card')).toHaveAttribute('data-gate-type', 'review');
  await decideInReview(panel, 'reject', 'Stream rows, do not buffer the whole export.');
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'create-plan');
  await insertSendAndCapture(page, panel, ['Stream rows, do not buffer the whole export.', 'Kim Lead']);
  await completeCurrent(panel, 'create-plan');
  await insertSendAndCapture(page, panel, ['PLAN-V2']);
  await completeCurrent(panel, 'plan-review');
  await decideInReview(panel, 'approve');

  await insertSendAndCapture(page, panel, ['Step 4 of 6', 'REVIEW-FINDINGS-2']);
  await completeCurrent(panel, 'fix-plan');
  await insertSendAndCapture(page, panel, ['Step 5 of 6', 'FIXED-PLAN']);
  await completeCurrent(panel, 'execute-plan');
  await insertSendAndCapture(page, panel, ['Step 6 of 6', 'EXECUTION-LOG']);
  await completeCurrent(panel, 'done');

  await expect(panel.getByTestId('task-finished')).toBeVisible();
  await expect(panel.getByTestId('task-status')).toHaveText('Completed');
  await expect(panel.getByTestId('decision')).toHaveCount(2);
  await panel.getByTestId('verify-chain').click();
  await expect(panel.getByTestId('verify-result')).toHaveAttribute('data-ok', 'true');

  const events = await readEvents(serviceWorker, taskId);
  const decisions = events.filter((e) => e.type === 'gate.approved' || e.type === 'gate.rejected');
  expect(decisions.map((e) => [e.type, e.stepId, e.actor.name])).toEqual([
    ['gate.rejected', 'plan-review', 'Kim Lead'],
    ['gate.approved', 'plan-review', 'Kim Lead'],
  ]);
  expect(events.filter((e) => e.type === 'response.captured').map((e) => e.stepId)).toEqual([
    'analysis',
    'create-plan',
    'plan-review',
    'create-plan',
    'plan-review',
    'fix-plan',
    'execute-plan',
    'done',
  ]);
  expect(events.at(-1)).toMatchObject({ type: 'task.completed', actor: { kind: 'human', name: 'Kim Lead' } });
});

test('reload in the middle of a gated step: same task, same step, the gate still closed', async ({ context, serviceWorker }) => {
  const page = await context.newPage();
  const panel = await startFeature(page, ['ANALYSIS-NOTE', 'PLAN-V1', 'REVIEW-FINDINGS-1']);
  const taskId = await taskIdOf(panel);
  await insertSendAndCapture(page, panel);
  await completeCurrent(panel, 'analysis');
  await insertSendAndCapture(page, panel);
  await completeCurrent(panel, 'create-plan');
  await insertSendAndCapture(page, panel);
  await completeCurrent(panel, 'plan-review');
  await expect(panel.getByTestId('gate-card')).toBeVisible();
  const url = page.url();
  expect(url).toMatch(/\/chat\/[0-9a-f-]+$/);

  await page.reload();
  await page.waitForFunction(() => window.__mock?.ready === true);
  const again = panelOf(page);
  await expect(again.getByTestId('gate-card')).toBeVisible();
  await expect(again.getByTestId('current-step')).toHaveAttribute('data-step-id', 'plan-review');
  await expect(again.getByTestId('step-list').locator('li[data-step-id="plan-review"]')).toHaveAttribute('data-state', 'awaiting-approval');
  await expect(again.getByTestId('complete-step')).toBeDisabled();
  await expect(again.getByTestId('note')).toHaveCount(3);
  expect(await taskIdOf(again)).toBe(taskId);
  expect((await readEvents(serviceWorker, taskId)).some((e) => e.type === 'gate.approved')).toBe(false);

  // Also from a fresh tab on the same conversation (no tab binding): found by site + conversation id.
  const other = await context.newPage();
  await other.goto(url);
  await other.waitForFunction(() => window.__mock?.ready === true);
  await expect(panelOf(other).getByTestId('gate-card')).toBeVisible();
  expect(await taskIdOf(panelOf(other))).toBe(taskId);

  await decideInReview(again, 'approve');
  await expect(again.getByTestId('current-step')).toHaveAttribute('data-step-id', 'fix-plan');
  await expect(panelOf(other).getByTestId('current-step')).toHaveAttribute('data-step-id', 'fix-plan');
});

import type { Page } from '@playwright/test';
import { completeStep, confirmAndClose, decideInReview, ensureName, insertSendAndCapture, openReview, panelOf, readEvents, startWorkflow, taskIdOf } from './panel-support';
import { expect, openChatGPT, openClaude, test } from './support/mock-sites';

/** SOP Documentation up to its Walkthrough gate; `result` becomes the Walkthrough step's manual note. */
async function toTheGate(page: Page, site: 'chatgpt' | 'claude', result?: string) {
  if (site === 'chatgpt') await openChatGPT(page, { conversation: true });
  else await openClaude(page, { conversation: true });
  const panel = panelOf(page);
  await ensureName(panel, 'Lee Approver');
  await startWorkflow(panel, 'sop-documentation', `Review on ${site}`, { drive: false });
  for (const step of ['capture-process', 'draft-sop', 'walkthrough']) {
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', step);
    if (step === 'walkthrough' && result) {
      await panel.getByRole('button', { name: /Add a note to/ }).click();
      await panel.getByLabel(/New note for/).fill(result);
      await panel.getByRole('button', { name: 'Add note', exact: true }).click();
      await expect(panel.locator('[data-testid="note"][data-step-id="walkthrough"]')).toHaveCount(1);
    }
    await completeStep(panel);
  }
  await expect(panel.getByTestId('approve-gate')).toBeVisible();
  return { panel, taskId: await taskIdOf(panel) };
}

test('Approve opens the review window with the task, the step, what to check and the result; Enter does not approve, Escape closes, confirm approves once', async ({
  context,
  serviceWorker,
}) => {
  const page = await context.newPage();
  const result = 'Walked through **version 2** with the team.\n\n<img src=x onerror="window.__pwned=1">\n\n[bad](javascript:alert(1))';
  const { panel, taskId } = await toTheGate(page, 'chatgpt', result);

  const review = await openReview(panel);
  await expect(review.getByTestId('review-task-title')).toHaveText('Review on chatgpt');
  await expect(review.getByTestId('review-step-title')).toHaveText('Walkthrough');
  await expect(review.getByTestId('review-ask')).toContainText('Is the SOP complete and correct');
  // The result is rendered as Markdown, never as HTML.
  const rendered = review.getByTestId('review-result');
  await expect(rendered.locator('strong')).toHaveText('version 2');
  await expect(rendered.locator('img')).toHaveCount(0);
  await expect(rendered.getByRole('link', { name: 'bad' })).not.toHaveAttribute('href', /javascript:/);
  expect(await review.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

  // Focus starts in the comment: Enter makes a new line, it decides nothing.
  await expect(review.getByTestId('gate-comment')).toBeFocused();
  await review.keyboard.press('Enter');
  await review.keyboard.press('Enter');
  await expect(review.getByTestId('review-window')).toHaveAttribute('data-state', 'waiting');
  // Escape closes without deciding.
  await Promise.all([review.waitForEvent('close'), review.keyboard.press('Escape').catch(() => undefined)]);
  expect((await readEvents(serviceWorker, taskId)).filter((e) => e.type === 'gate.approved')).toHaveLength(0);
  await expect(panel.getByTestId('approve-gate')).toBeVisible();

  // The honest path: Approve, look, confirm. The window closes; one approval, by the named person.
  await decideInReview(panel, 'approve', 'Checked against the handbook.');
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'publish');
  const approvals = (await readEvents(serviceWorker, taskId)).filter((e) => e.type === 'gate.approved');
  expect(approvals.map((e) => [e.actor.kind, e.actor.name, e.data.comment])).toEqual([['human', 'Lee Approver', 'Checked against the handbook.']]);
});

test('Reject with a comment from the review window sends the task back, and the comment is in the next briefing (Claude)', async ({ context, serviceWorker }) => {
  const page = await context.newPage();
  const { panel, taskId } = await toTheGate(page, 'claude', 'Walked through v1.');

  const review = await openReview(panel, 'reject-gate');
  // Reject needs a comment, here as everywhere.
  await review.getByTestId('confirm-reject').click();
  await expect(review.getByRole('alert')).toContainText('Say what needs to change');
  await expect(review.getByTestId('review-window')).toHaveAttribute('data-state', 'waiting');
  await review.getByTestId('gate-comment').fill('Add the accrual cut-off time.');
  await confirmAndClose(review, 'reject');

  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'draft-sop');
  await expect(panel.getByTestId('rejection')).toContainText('Add the accrual cut-off time.');
  await panel.getByTestId('insert-briefing').click();
  await expect(panel.getByTestId('headline')).toHaveAttribute('data-moment', 'inserted');
  expect(await page.evaluate(() => window.__mock.editorText())).toContain('Add the accrual cut-off time.');
  const rejected = (await readEvents(serviceWorker, taskId)).filter((e) => e.type === 'gate.rejected');
  expect(rejected.map((e) => [e.actor.name, e.data.comment])).toEqual([['Lee Approver', 'Add the accrual cut-off time.']]);
});

test('one review window per gate; it says so when the gate was decided elsewhere meanwhile', async ({ context, serviceWorker, extensionId }) => {
  const page = await context.newPage();
  const { panel, taskId } = await toTheGate(page, 'chatgpt');
  const review = await openReview(panel);

  // Asking again (a second click, another panel on the same task) focuses the same window.
  const second = await context.newPage();
  await second.goto(page.url());
  await second.waitForFunction(() => window.__mock?.ready === true);
  const reviews: Page[] = [];
  const onPage = (p: Page) => void reviews.push(p);
  context.on('page', onPage);
  await panel.getByTestId('approve-gate').click();
  await panelOf(second).getByTestId('approve-gate').click();
  await page.waitForTimeout(500);
  context.off('page', onPage);
  expect(reviews).toHaveLength(0);
  expect(context.pages().filter((p) => p.url().endsWith('/review.html'))).toHaveLength(1);

  // A manager approves from the options page while the window is open.
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html#/tasks/${taskId}`);
  await options.getByTestId('approve-gate').click();
  await expect(options.getByTestId('task-current-step')).toHaveText('Publish');
  await expect(review.getByTestId('review-decided-elsewhere')).toContainText('approved by Lee Approver');
  await expect(review.getByTestId('confirm-approve')).toHaveCount(0);
  expect((await readEvents(serviceWorker, taskId)).filter((e) => e.type === 'gate.approved')).toHaveLength(1);
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'publish');
});

test('a capture-and-approve path still runs end to end with the AI reply as the result under review', async ({ context }) => {
  const page = await context.newPage();
  await openChatGPT(page, { script: { replies: ['WALK-RESULT: the walkthrough found **no gaps**.'], chunks: 3, intervalMs: 10, firstChunkDelayMs: 20, settleMs: 20 } });
  const panel = panelOf(page);
  await ensureName(panel, 'Lee Approver');
  await startWorkflow(panel, 'sop-documentation', 'Captured result', { drive: false });
  for (const step of ['capture-process', 'draft-sop']) {
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', step);
    await completeStep(panel);
  }
  await insertSendAndCapture(page, panel);
  await completeStep(panel);
  const review = await openReview(panel);
  await expect(review.getByTestId('review-result').locator('strong')).toHaveText('no gaps');
  await expect(review.getByTestId('review-result')).toContainText('Reply of ChatGPT');
});

import { completeStep, ensureName, insertSendAndCapture, panelOf, startWorkflow, taskIdOf } from './panel-support';
import { expect, openChatGPT, test } from './support/mock-sites';

/** The printable report a manager keeps, and the timeline it summarises, along a real task's path. */

test('a manager prints the task report: steps, results, every decision, the chain verdict; it renders as a PDF', async ({ context, extensionId }) => {
  const chat = await context.newPage();
  // The AI's reply carries text that looks like HTML: the report must show it as text.
  await openChatGPT(chat, { script: { replies: ['## Intake\n\nThe process has three parts; keep `<b>not bold</b>` as it is.', 'Here is the draft.'] } });
  const panel = panelOf(chat);
  await ensureName(panel, 'Robin Lee');
  await startWorkflow(panel, 'sop-documentation', 'Vendor onboarding', { drive: false });
  await insertSendAndCapture(chat, panel);
  // The new chat gets its address first (the task follows it); then the step is completed.
  await expect(chat).toHaveURL(/\/c\/[0-9a-f-]+$/);
  await expect(panel.getByTestId('site-health')).not.toHaveAttribute('data-conversation', '');
  for (const step of ['capture-process', 'draft-sop', 'walkthrough']) {
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', step);
    await completeStep(panel);
  }
  await expect(panel.getByTestId('gate-card')).toBeVisible();
  const taskId = await taskIdOf(panel);

  // One word per status: the panel and the options page say the same thing.
  await expect(panel.getByTestId('task-status')).toHaveText('Waiting for approval');
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html#/tasks/${taskId}`);
  await expect(options.getByTestId('task-status')).toHaveText('Waiting for approval');
  await options.goto(`chrome-extension://${extensionId}/options.html#/tasks`);
  await expect(options.getByTestId('task-row').filter({ hasText: 'Vendor onboarding' })).toContainText('Waiting for approval');
  await options.goto(`chrome-extension://${extensionId}/options.html#/tasks/${taskId}`);

  // As in the review window, the result being judged sits above the decision.
  await expect(options.getByTestId('gate-result')).toContainText('Result of “Walkthrough”');
  const gate = options.getByTestId('gate-card');
  await gate.getByTestId('gate-comment').fill('Step 4 misses the tax form.');
  await gate.getByTestId('reject-gate').click();
  await expect(options.getByTestId('task-current-step')).toHaveText('Draft SOP');
  for (const step of ['draft-sop', 'walkthrough']) {
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', step);
    await completeStep(panel);
  }
  await expect(options.getByTestId('gate-card')).toBeVisible();
  await options.getByTestId('approve-gate').click();
  await expect(options.getByTestId('task-current-step')).toHaveText('Publish');

  // The timeline, latest first: the approval comes before the rejection it followed, in view without scrolling.
  const timeline = options.getByTestId('timeline');
  await expect(timeline.locator(':scope > li[data-type^="gate."]').first()).toHaveAttribute('data-type', 'gate.approved');
  await expect(timeline.locator(':scope > li[data-testid="timeline-event"][data-type="gate.approved"]')).toBeVisible();
  await expect(timeline.locator(':scope > li[data-testid="timeline-event"][data-type="gate.rejected"]')).toContainText('Step 4 misses the tax form.');
  // The briefing, the sent message and the captured reply fold under their step, further down (the list draws only the rows on screen).
  await timeline.evaluate((el) => el.scrollIntoView({ block: 'end' }));
  const fold = timeline.locator('[data-testid="timeline-fold"][data-step-id="capture-process"]');
  await expect(fold).toBeVisible();
  await expect(fold).toContainText('Briefing inserted');
  await expect(fold).toContainText('reply captured');
  await expect(fold.locator('[data-testid="timeline-event"][data-type="response.captured"]')).toBeHidden();
  await fold.locator('summary').click();
  await expect(fold.locator('[data-testid="timeline-event"][data-type="response.captured"]')).toBeVisible();
  await expect(options.getByTestId('task-detail')).not.toContainText('url-assigned');
  await expect(options.getByTestId('task-detail')).not.toContainText('awaiting-approval');

  // The report, from the task page.
  await options.getByTestId('open-printable-report').click();
  await expect(options).toHaveURL(new RegExp(`#/tasks/${taskId}/report$`));
  const report = options.getByTestId('task-report');
  await expect(report.getByTestId('report-title')).toHaveText('Vendor onboarding');
  await expect(report.getByTestId('report-workflow')).toContainText(/SOP Documentation, version \d+/);
  await expect(report.getByTestId('report-status')).toHaveText('Active');
  await expect(report.getByTestId('report-started-by')).toContainText('Robin Lee');

  const steps = report.getByTestId('report-step');
  await expect(steps).toHaveCount(4);
  const capture = report.locator('[data-testid="report-step"][data-step-id="capture-process"]');
  await expect(capture.getByTestId('report-step-result')).toContainText('The process has three parts');
  await expect(capture.getByTestId('report-step-result')).toContainText('<b>not bold</b>');
  await expect(capture.getByTestId('report-step-result').locator('b')).toHaveCount(0);
  await expect(capture.getByTestId('report-step-completed-by')).toHaveText('Robin Lee (person)');
  await expect(report.locator('[data-testid="report-step"][data-step-id="walkthrough"]')).toContainText('gate: Approval');
  await expect(report.locator('[data-testid="report-step"][data-step-id="publish"] [data-testid="report-step-completed-by"]')).toHaveText('—');

  const decisions = report.getByTestId('report-decision');
  await expect(decisions).toHaveCount(2);
  await expect(decisions.nth(0)).toHaveAttribute('data-decision', 'rejected');
  await expect(decisions.nth(0)).toContainText('Walkthrough');
  await expect(decisions.nth(0)).toContainText('Step 4 misses the tax form.');
  await expect(decisions.nth(0)).toContainText('Robin Lee');
  await expect(decisions.nth(1)).toHaveAttribute('data-decision', 'approved');
  // Both decisions were signed in this browser with the person's own key, which verify knows.
  await expect(report.getByTestId('report-signature')).toHaveText(['signed by Robin Lee', 'signed by Robin Lee']);
  await expect(report.getByTestId('report-chain')).toHaveAttribute('data-ok', 'true');
  await expect(report.getByTestId('report-chain')).toContainText('The record is intact');

  // The button prints (window.print is the browser's dialog; record the call instead of opening it).
  await options.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => void ((window as unknown as { printed: number }).printed += 1);
  });
  await report.getByTestId('print-report').click();
  expect(await options.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

  // On paper, even from a dark screen: no navigation, no buttons, black on white.
  await options.emulateMedia({ colorScheme: 'dark', media: 'print' });
  await expect(options.getByRole('navigation', { name: 'Sections' })).toBeHidden();
  await expect(report.getByTestId('print-report')).toBeHidden();
  await expect(report.getByTestId('report-title')).toBeVisible();
  const colours = await options.evaluate(() => {
    const title = document.querySelector('[data-testid="report-title"]')!;
    const root = document.querySelector('[data-testid="convops-options"]')!;
    return { title: getComputedStyle(title).color, root: getComputedStyle(root).backgroundColor, body: getComputedStyle(document.body).backgroundColor };
  });
  expect(colours.title).toBe('rgb(0, 0, 0)');
  expect(colours.root).toBe('rgb(255, 255, 255)');
  const pdf = await options.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(5_000);
});

test('the panel opens the report of a waiting task', async ({ context, extensionId }) => {
  const chat = await context.newPage();
  await openChatGPT(chat);
  const panel = panelOf(chat);
  await ensureName(panel, 'Robin Lee');
  await startWorkflow(panel, 'sop-documentation', 'Quarterly close', { drive: false });
  const taskId = await taskIdOf(panel);
  // A fresh chat: the task shows in the start view's list of waiting tasks, with "Open report".
  const other = await context.newPage();
  await openChatGPT(other);
  const otherPanel = panelOf(other);
  const row = otherPanel.locator(`[data-testid="open-task"][data-task-id="${taskId}"]`);
  await expect(row).toContainText('Active');
  const opened = context.waitForEvent('page');
  await row.getByRole('button', { name: 'Open report' }).click();
  const tab = await opened;
  await expect(tab).toHaveURL(`chrome-extension://${extensionId}/options.html#/tasks/${taskId}/report`);
  await expect(tab.getByTestId('report-title')).toHaveText('Quarterly close');
});

import type { Page } from '@playwright/test';
import { openOptions } from './options-support';
import { completeStep, decideInReview, ensureName, insertSendAndCapture, panelOf, readEvents, taskIdOf } from './panel-support';
import { expect, openChatGPT, openClaude, test } from './support/mock-sites';

/**
 * Workflow inputs, on both mocks: a Bug Fix started from its form (a required field left empty is
 * refused beside it and nothing starts), the first briefing carries the values, a value changed
 * mid-task is recorded and the next briefing uses it, the report shows the inputs and their history.
 */

const fast = { chunks: 4, intervalMs: 10, firstChunkDelayMs: 20, settleMs: 20, rowLeadMs: 30 };
const sites = [
  { name: 'ChatGPT', open: (page: Page) => openChatGPT(page, { script: { ...fast, replies: ['REPRO-NOTE', 'FIX-NOTE'] }, urlDelayMs: 100 }) },
  { name: 'Claude', open: (page: Page) => openClaude(page, { script: { ...fast, replies: ['REPRO-NOTE', 'FIX-NOTE'] }, urlDelayMs: 100 }) },
];

for (const site of sites) {
  test(`Bug Fix on ${site.name}: started from its form, values in the briefing, a change recorded and used, the report shows them`, async ({
    context,
    serviceWorker,
    extensionId,
  }) => {
    const page = await context.newPage();
    await site.open(page);
    const panel = panelOf(page);
    await expect(panel.getByTestId('site-health')).toHaveAttribute('data-composer', 'found');
    await ensureName(panel, 'Rosa Reporter');

    // The first screen says what ConvOps does and why Start is grey.
    await expect(panel.getByTestId('convops-intro')).toContainText('ConvOps runs this chat');
    await expect(panel.getByTestId('start-disabled-reason')).toHaveText('Choose a workflow to start.');
    await panel.getByTestId('workflow-picker').selectOption('bug-fix');
    await expect(panel.getByTestId('workflow-description')).toContainText('Fix a bug the reliable way');
    await expect(panel.getByTestId('workflow-steps').locator('li')).toHaveCount(3);
    await expect(panel.getByTestId('start-disabled-reason')).toHaveText('Give the task a title to start.');
    await panel.getByTestId('task-title').fill('Export button does nothing');

    const field = (name: string) => panel.locator(`[data-testid="task-input"][data-name="${name}"]`);
    await field('product').locator('input').fill('Billing 4.2');
    await field('expected-vs-actual').locator('textarea').fill('Expected a CSV file; nothing happens.');
    // Required "Steps to reproduce" left empty: a sentence beside it, nothing started.
    await panel.getByTestId('start-task').click();
    await expect(field('steps-to-reproduce').getByTestId('task-input-error')).toHaveText('Fill in “Steps to reproduce”: this workflow needs it to start.');
    await expect(panel.getByTestId('task-input-error')).toHaveCount(1);
    await expect(panel.getByTestId('step-list')).toHaveCount(0);
    expect(await serviceWorker.evaluate(() => new Promise<number>((resolve) => {
      const open = indexedDB.open('convops');
      open.onsuccess = () => {
        const request = open.result.transaction('tasks').objectStore('tasks').count();
        request.onsuccess = () => resolve(request.result);
      };
    }))).toBe(0);

    await field('steps-to-reproduce').locator('textarea').fill('1. Open invoices\n2. Click Export');
    await expect(panel.getByTestId('task-input-error')).toHaveCount(0);
    await panel.getByTestId('start-task').click();
    await expect(panel.getByTestId('step-list')).toBeVisible();
    const taskId = await taskIdOf(panel);

    // The first briefing carries the values (the severity is the form's default).
    await insertSendAndCapture(page, panel, ['Billing 4.2', 'severity: Medium', '> 1. Open invoices', 'Expected a CSV file; nothing happens.']);
    await completeStep(panel);
    await decideInReview(panel, 'approve');
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'fix');

    // Mid-task, the product is corrected on the task page: recorded with who, when, old and new.
    const options = await openOptions(context, extensionId, `#/tasks/${taskId}`);
    const product = options.locator('[data-testid="task-input-value"][data-name="product"]');
    await product.getByTestId('edit-input').click();
    await product.locator('input').fill('Billing 4.3');
    await product.getByTestId('save-input').click();
    await expect(product.getByTestId('input-current')).toHaveText('Billing 4.3');
    await expect(product.getByTestId('input-history')).toContainText('Rosa Reporter changed it');
    await expect(product.getByTestId('input-history')).toContainText('from “Billing 4.2” to “Billing 4.3”');
    const events = await readEvents(serviceWorker, taskId);
    expect(events.filter((e) => e.type === 'input.changed').map((e) => [e.actor.name, e.data['from'], e.data['to']])).toEqual([
      ['Rosa Reporter', 'Billing 4.2', 'Billing 4.3'],
    ]);

    // The next briefing uses the new value, and names the long answer instead of pasting it again.
    await page.bringToFront();
    const second = await insertSendAndCapture(page, panel, ['**Product or app:** Billing 4.3', "given in full in step 1's briefing earlier in this chat"]);
    expect(second).not.toContain('Billing 4.2');
    expect(second).not.toContain('Click Export');

    // The report shows the inputs and their history.
    await options.goto(`chrome-extension://${extensionId}/options.html#/tasks/${taskId}/report`);
    const reported = options.locator('[data-testid="report-input"][data-name="product"]');
    await expect(reported).toContainText('Billing 4.3');
    await expect(reported.getByTestId('report-input-history')).toContainText('Changed by Rosa Reporter');
    await expect(reported.getByTestId('report-input-history')).toContainText('“Billing 4.2” → “Billing 4.3”');
    await expect(options.locator('[data-testid="report-input"][data-name="steps-to-reproduce"]')).toContainText('Click Export');
  });
}

test('Enter in the title field does the highlighted action: Start and send', async ({ context }) => {
  const page = await context.newPage();
  await openChatGPT(page, { script: { ...fast, replies: ['INTAKE-NOTE'] }, urlDelayMs: 100 });
  const panel = panelOf(page);
  await expect(panel.getByTestId('site-health')).toHaveAttribute('data-composer', 'found');
  await ensureName(panel, 'Rosa Reporter');
  await panel.getByTestId('workflow-picker').selectOption('task');
  await panel.locator('[data-testid="task-input"][data-name="goal"] textarea').fill('A short checklist');
  await panel.getByTestId('task-title').fill('Tidy the shared drive');
  await panel.getByTestId('task-title').press('Enter');
  await expect(panel.getByTestId('step-list')).toBeVisible();
  // Sent, not only started: the first briefing went to the chat with the value from the form.
  await expect.poll(() => page.evaluate(() => window.__mock.repliesFinished), { timeout: 15_000 }).toBeGreaterThan(0);
  await expect(page.getByText('A short checklist').first()).toBeVisible();
});

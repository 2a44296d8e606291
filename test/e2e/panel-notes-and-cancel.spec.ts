import { ensureName, insertSendAndCapture, panelOf, readEvents, startWorkflow, taskIdOf } from './panel-support';
import { expect, openChatGPT, test } from './support/mock-sites';

test('notes: a captured reply renders as safe Markdown; add, edit and delete are recorded; cancel asks first', async ({ context, serviceWorker }) => {
  const page = await context.newPage();
  const reply = '**Bold** step\n\n- one\n- two\n\n<img src=x onerror="window.__pwned=1"> [link](javascript:alert(1))';
  await openChatGPT(page, { conversation: true, script: { replies: [reply], chunks: 2, intervalMs: 10, firstChunkDelayMs: 20, settleMs: 20 } });
  const panel = panelOf(page);
  await ensureName(panel, 'Ria Writer');
  await startWorkflow(panel, 'task', 'Notes check');
  const taskId = await taskIdOf(panel);
  await insertSendAndCapture(page, panel);

  const captured = panel.getByTestId('note').first();
  await expect(captured).toHaveAttribute('data-source', 'captured');
  await expect(captured.locator('strong')).toHaveText('Bold');
  await expect(captured.locator('li')).toHaveCount(2);
  await expect(captured.locator('img')).toHaveCount(0);
  await expect(captured.locator('a[href^="javascript:"]')).toHaveCount(0);

  // Add a manual note, edit it, delete the captured one (after confirming).
  await panel.getByRole('button', { name: /Add a note to/ }).click();
  await panel.getByLabel(/New note for/).fill('Checked with *finance*.');
  await panel.getByRole('button', { name: 'Add note', exact: true }).click();
  const manual = panel.locator('[data-testid="note"][data-source="manual"]');
  await expect(manual.locator('em')).toHaveText('finance');
  await manual.getByRole('button', { name: 'Edit' }).click();
  await manual.getByLabel('Edit note').fill('Checked with finance and legal.');
  await manual.getByRole('button', { name: 'Save' }).click();
  await expect(manual).toContainText('Checked with finance and legal.');
  await captured.getByRole('button', { name: 'Delete' }).click();
  await expect(captured).toContainText('Delete this note?');
  await captured.getByRole('button', { name: 'Delete' }).click();
  await expect(panel.getByTestId('note')).toHaveCount(1);

  // Cancel needs a confirmation, then the task is over and recorded.
  await panel.getByTestId('cancel-task').click();
  await expect(panel.getByTestId('confirm-cancel')).toBeVisible();
  await panel.getByRole('button', { name: 'Keep going' }).click();
  await expect(panel.getByTestId('current-step')).toBeVisible();
  await panel.getByTestId('cancel-task').click();
  await panel.getByTestId('confirm-cancel').click();
  await expect(panel.getByTestId('task-finished')).toHaveAttribute('data-task-status', 'cancelled');

  const events = await readEvents(serviceWorker, taskId);
  const types = events.map((e) => e.type);
  expect(types).toEqual(expect.arrayContaining(['response.captured', 'note.added', 'note.edited', 'note.deleted', 'task.cancelled']));
  expect(events.filter((e) => ['note.edited', 'note.deleted', 'task.cancelled'].includes(e.type)).every((e) => e.actor.name === 'Ria Writer')).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test('when the prompt box is missing the panel says why and offers the briefing on the clipboard', async ({ context }) => {
  const page = await context.newPage();
  await openChatGPT(page, { conversation: true, composer: 'missing' });
  const panel = panelOf(page);
  await expect(panel.getByTestId('site-health')).toHaveAttribute('data-composer', 'missing');
  await ensureName(panel, 'Ria Writer');
  await startWorkflow(panel, 'sop-documentation', 'No composer');
  await panel.getByTestId('insert-briefing').click();
  await expect(panel.getByTestId('insert-failed')).toContainText('prompt box was not found');
  await panel.getByTestId('copy-briefing').click();
  await expect(panel.getByTestId('insert-failed')).toContainText('Copied.');
  // Read the clipboard back from the page (it needs the permission; the panel's copy did not).
  await context.grantPermissions(['clipboard-read'], { origin: 'https://chatgpt.com' });
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain('# SOP Documentation — Step 1 of 4: Capture Process');
  expect(copied).toContain('No composer');
});

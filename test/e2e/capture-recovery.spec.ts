import { ensureName, panelOf, readEvents, sendWithPageButton, startWorkflow, taskIdOf } from './panel-support';
import { expect, openChatGPT, test, typeIntoComposer } from './support/mock-sites';

test('a tab closed right after a reply finished: reopening the chat keeps the reply, once', async ({ context, serviceWorker }) => {
  const page = await context.newPage();
  const script = { replies: ['LATE-REPLY: the close has four parts.'], chunks: 2, intervalMs: 10, firstChunkDelayMs: 20, settleMs: 10 };
  await openChatGPT(page, { conversation: true, persist: true, script });
  const panel = panelOf(page);
  await ensureName(panel, 'Kai Closer');
  await startWorkflow(panel, 'sop-documentation', 'Closed too soon');
  const taskId = await taskIdOf(panel);
  const url = page.url();

  await typeIntoComposer(page, 'classic', 'Describe the month-end close');
  await sendWithPageButton(page);
  await page.waitForFunction(() => window.__mock.repliesFinished >= 1, undefined, { polling: 'raf' });
  await page.close();
  const before = (await readEvents(serviceWorker, taskId)).filter((e) => e.type === 'response.captured').length;
  test.info().annotations.push({ type: 'captured before the tab closed', description: String(before) });

  const again = await context.newPage();
  await again.goto(url);
  await again.waitForFunction(() => window.__mock?.ready === true);
  const reopened = panelOf(again);
  await expect(reopened.locator('[data-testid="note"][data-source="captured"]')).toContainText('LATE-REPLY');

  // Opened once more: still one note, one capture.
  await again.reload();
  await again.waitForFunction(() => window.__mock?.ready === true);
  await expect(reopened.getByTestId('current-step')).toHaveAttribute('data-step-id', 'capture-process');
  await again.waitForTimeout(1_500);
  await expect(reopened.locator('[data-testid="note"][data-source="captured"]')).toHaveCount(1);
  expect((await readEvents(serviceWorker, taskId)).filter((e) => e.type === 'response.captured')).toHaveLength(1);
});

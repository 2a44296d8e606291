import { openOptions } from './options-support';
import { ensureName, panelOf, startWorkflow } from './panel-support';
import { expect, mockState, openChatGPT, openClaude, test } from './support/mock-sites';

const fast = { chunks: 4, intervalMs: 10, firstChunkDelayMs: 20, settleMs: 20 };

test('settings reach the chat: Send sends through the site, auto-capture off keeps no note, a site switched off has no panel', async ({ context, extensionId }) => {
  const options = await openOptions(context, extensionId, '#/settings');
  await options.getByTestId('setting-auto-capture').uncheck();
  await options.getByTestId('setting-site-claude').uncheck();
  await expect(options.getByTestId('setting-auto-capture')).not.toBeChecked();

  const chat = await context.newPage();
  await openChatGPT(chat, { script: { ...fast, replies: ['Captured process: three steps.'] }, urlDelayMs: 100 });
  const panel = panelOf(chat);
  await ensureName(panel, 'Sam Rivera');
  await startWorkflow(panel, 'sop-documentation', 'Expense claims');
  await panel.getByTestId('send-step').click();

  // Sent by the extension itself, through the site's own send button: the mock records what it sent.
  await expect.poll(async () => (await mockState(chat)).sentMessages.length).toBe(1);
  expect((await mockState(chat)).sentMessages[0]).toContain('Capture Process');
  await expect.poll(async () => (await mockState(chat)).repliesFinished).toBe(1);
  // Auto-capture is off: the reply stays in the chat only.
  await chat.waitForTimeout(1_000);
  await expect(panel.getByTestId('note')).toHaveCount(0);

  const claude = await context.newPage();
  await openClaude(claude);
  await claude.waitForTimeout(1_000);
  await expect(claude.locator('#convops-panel-host')).toHaveCount(0);
  expect(claude.frames().some((f) => f.url().endsWith('/panel.html'))).toBe(false);
});

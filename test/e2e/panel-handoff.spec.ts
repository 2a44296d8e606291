import { ensureName, insertSendAndCapture, panelOf, readEvents, startWorkflow, taskIdOf, completeStep } from './panel-support';
import { expect, openChatGPT, test } from './support/mock-sites';

test('Continue in a new chat: the handoff briefing lands in a fresh chat and the task continues there with its notes', async ({ context, serviceWorker }) => {
  const page = await context.newPage();
  await openChatGPT(page, {
    script: { replies: ['CAPTURE-REPLY: three parts.', 'DRAFT-IN-NEW-CHAT'], chunks: 3, intervalMs: 10, firstChunkDelayMs: 20, settleMs: 20 },
    urlDelayMs: 100,
  });
  const panel = panelOf(page);
  await ensureName(panel, 'Sam Operator');
  await startWorkflow(panel, 'sop-documentation', 'Onboarding checklist', { drive: false });
  const taskId = await taskIdOf(panel);
  await insertSendAndCapture(page, panel);
  await expect(page).toHaveURL(/\/c\/[0-9a-f-]+$/);
  const firstChat = new URL(page.url()).pathname.split('/').at(-1)!;
  await completeStep(panel);
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'draft-sop');

  await panel.getByTestId('handoff').click();
  // The tab goes to a new chat and the handoff briefing is put into its prompt box.
  await expect(page).toHaveURL('https://chatgpt.com/');
  await expect.poll(() => page.evaluate(() => window.__mock?.ready && window.__mock.editorText()), { timeout: 15_000 }).toContain('Continuing a task: Onboarding checklist');
  const handoff = await page.evaluate(() => window.__mock.editorText());
  expect(handoff).toContain('CAPTURE-REPLY: three parts.');
  expect(handoff).toContain('Draft SOP — current step');
  expect(handoff).toContain('Step 2 of 4: Draft SOP');

  const again = panelOf(page);
  await expect(again.getByTestId('current-step')).toHaveAttribute('data-step-id', 'draft-sop');
  await expect(again.getByTestId('note')).toHaveCount(1);
  await page.locator('button[data-testid="send-button"]').click();
  await expect(page).toHaveURL(/\/c\/[0-9a-f-]+$/);
  const secondChat = new URL(page.url()).pathname.split('/').at(-1)!;
  expect(secondChat).not.toBe(firstChat);
  // The reply in the new chat is kept on the task's current step.
  await expect(again.locator('[data-testid="note"][data-step-id="draft-sop"]')).toContainText('DRAFT-IN-NEW-CHAT');
  await expect(again.getByTestId('site-health')).toHaveAttribute('data-conversation', secondChat);
  expect(await taskIdOf(again)).toBe(taskId);

  // The panel records the inserted handoff after the insert returns; with capture at the reply's
  // finish mark the new chat's note can be there first.
  await expect.poll(async () => (await readEvents(serviceWorker, taskId)).some((e) => e.type === 'briefing.inserted' && e.data.kind === 'handoff')).toBe(true);
  const events = await readEvents(serviceWorker, taskId);
  const moves = events.filter((e) => e.type === 'task.moved-conversation');
  expect(moves.map((e) => [e.data.reason, e.actor.name])).toEqual([
    ['url-assigned', 'ConvOps'],
    ['handoff', 'Sam Operator'],
    ['url-assigned', 'ConvOps'],
  ]);
  expect(moves[1]!.data).toMatchObject({ from: { conversationId: firstChat } });
  expect(moves[2]!.data).toMatchObject({ to: { conversationId: secondChat } });
  expect(events.some((e) => e.type === 'briefing.inserted' && e.data.kind === 'handoff')).toBe(true);

  // The old chat no longer shows the task as running there.
  const old = await context.newPage();
  await old.goto(`https://chatgpt.com/c/${firstChat}`);
  await old.waitForFunction(() => window.__mock?.ready === true);
  await expect(panelOf(old).getByTestId('workflow-picker')).toBeVisible();
  await expect(panelOf(old).getByTestId('open-task').filter({ hasText: 'Onboarding checklist' })).toBeVisible();
});

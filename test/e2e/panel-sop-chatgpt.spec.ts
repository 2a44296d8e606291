import { completeStep, decideInReview, ensureName, insertSendAndCapture, panelOf, readEvents, sendWithPageButton, startWorkflow, taskIdOf } from './panel-support';
import { expect, openChatGPT, test } from './support/mock-sites';

const replies = [
  'CAPTURE-REPLY: the close has **three** parts: reconcile, accrue, report.',
  'DRAFT-REPLY-1: SOP v1 with steps 1 to 3.',
  'WALKTHROUGH-REPLY-1: walked through v1.',
  'AI-SAYS: approved. Gate approved, moving on to Publish.',
  'DRAFT-REPLY-2: SOP v2 now covers the accrual cut-off.',
  'WALKTHROUGH-REPLY-2: walked through v2 with the team.',
  'PUBLISH-REPLY: published to the handbook.',
];

test('SOP Documentation on ChatGPT: briefings, captured notes, a rejected and an approved walkthrough, publish, audit trail', async ({ context, serviceWorker }) => {
  const page = await context.newPage();
  await openChatGPT(page, { script: { replies, chunks: 4, intervalMs: 10, firstChunkDelayMs: 20, settleMs: 20 }, urlDelayMs: 200 });
  const panel = panelOf(page);
  await expect(panel.getByTestId('site-health')).toHaveAttribute('data-composer', 'found');
  await expect(panel.getByTestId('site-health')).toHaveAttribute('data-host', 'chatgpt');
  await ensureName(panel, 'Dana Reviewer');
  await startWorkflow(panel, 'sop-documentation', 'Month-end close', { drive: false });
  const taskId = await taskIdOf(panel);
  // The person runs every step by hand here: drive mode off (switched as the task starts), so nothing goes into the prompt box unasked.

  const steps = panel.getByTestId('step-list');
  await expect(steps.locator('li')).toHaveCount(4);
  await expect(steps.locator('li[data-step-id="walkthrough"]')).toContainText('Approval');

  // 1. Capture Process.
  expect(await panel.getByTestId('current-step').getAttribute('data-step-id')).toBe('capture-process');
  const first = await insertSendAndCapture(page, panel, ['SOP Documentation', 'Step 1 of 4', 'Month-end close']);
  expect(first).not.toContain('CAPTURE-REPLY');
  await expect(panel.locator('[data-testid="note"][data-step-id="capture-process"]')).toContainText('three parts');
  // The new chat got its id: the task followed the URL and the panel still shows it.
  await expect(page).toHaveURL(/\/c\/[0-9a-f-]+$/);
  await expect(panel.getByTestId('site-health')).not.toHaveAttribute('data-conversation', '');
  await completeStep(panel);

  // 2. Draft SOP carries the Capture note.
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'draft-sop');
  await insertSendAndCapture(page, panel, ['Step 2 of 4', 'CAPTURE-REPLY']);
  await completeStep(panel);

  // 3. Walkthrough: the gate blocks until a person decides; the AI saying "approved" changes nothing.
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'walkthrough');
  await insertSendAndCapture(page, panel, ['Step 3 of 4', 'DRAFT-REPLY-1', 'nothing said in this chat can approve']);
  await expect(panel.getByTestId('approve-gate')).toHaveCount(0);
  await completeStep(panel);
  await expect(panel.getByTestId('gate-card')).toBeVisible();
  await expect(panel.getByTestId('gate-card')).toContainText('Is the SOP complete and correct');
  await expect(steps.locator('li[data-step-id="walkthrough"]')).toHaveAttribute('data-state', 'awaiting-approval');
  await expect(panel.getByTestId('complete-step')).toBeDisabled();
  // The AI's "approved" reply arrives while the gate waits: kept as a note, the gate stays closed.
  await page.locator('#prompt-textarea').click();
  await page.keyboard.type('Please confirm');
  await sendWithPageButton(page);
  await expect(panel.locator('[data-testid="note"][data-step-id="walkthrough"]')).toHaveCount(2);
  await expect(steps.locator('li[data-step-id="walkthrough"]')).toHaveAttribute('data-state', 'awaiting-approval');
  await expect(panel.getByTestId('task-status')).toHaveText('Waiting for approval');

  // Reject needs a comment; it sends the task back to Draft SOP with the comment in the next briefing.
  // (decided in the review window; see panel-review-window.spec.ts for the window itself)
  await decideInReview(panel, 'reject', 'Add the accrual cut-off time.');
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'draft-sop');
  await expect(panel.getByTestId('rejection')).toContainText('Add the accrual cut-off time.');
  await insertSendAndCapture(page, panel, ["Reviewer's feedback", 'Add the accrual cut-off time.', 'Dana Reviewer']);
  await completeStep(panel);

  // Walkthrough again, then approval.
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'walkthrough');
  await insertSendAndCapture(page, panel, ['DRAFT-REPLY-2']);
  await completeStep(panel);
  await decideInReview(panel, 'approve', 'Looks right now.');

  // 4. Publish, then completed.
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'publish');
  await insertSendAndCapture(page, panel, ['Step 4 of 4']);
  await completeStep(panel);
  await expect(panel.getByTestId('task-finished')).toBeVisible();
  await expect(panel.getByTestId('task-status')).toHaveText('Completed');
  await expect(panel.getByTestId('decision')).toHaveCount(2);
  await expect(panel.getByTestId('decision').first()).toContainText('Rejected');
  await expect(panel.getByTestId('decision').first()).toContainText('Dana Reviewer');
  await expect(panel.getByTestId('decision').nth(1)).toContainText('Approved');
  await expect(panel.getByTestId('open-report')).toHaveAttribute('href', new RegExp(`options\\.html#/tasks/${taskId}/report$`));

  // The audit trail: every event in order, with who did it, and an intact hash chain.
  await panel.getByTestId('verify-chain').click();
  await expect(panel.getByTestId('verify-result')).toHaveAttribute('data-ok', 'true');
  const events = await readEvents(serviceWorker, taskId);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  for (const [i, e] of events.entries()) if (i > 0) expect(e.prevHash).toBe(events[i - 1]!.hash);
  const flow = events
    .filter((e) => e.type !== 'note.added' && e.type !== 'message.sent' && e.type !== 'task.moved-conversation')
    .map((e) => `${e.type}${e.stepId ? `@${e.stepId}` : ''}`);
  expect(flow).toEqual([
    'task.started@capture-process',
    'task.drive-mode@capture-process',
    'briefing.inserted@capture-process',
    'response.captured@capture-process',
    'step.completed@capture-process',
    'briefing.inserted@draft-sop',
    'response.captured@draft-sop',
    'step.completed@draft-sop',
    'briefing.inserted@walkthrough',
    'response.captured@walkthrough',
    'gate.requested@walkthrough',
    'response.captured@walkthrough',
    'gate.rejected@walkthrough',
    'briefing.inserted@draft-sop',
    'response.captured@draft-sop',
    'step.completed@draft-sop',
    'briefing.inserted@walkthrough',
    'response.captured@walkthrough',
    'gate.requested@walkthrough',
    'gate.approved@walkthrough',
    'step.completed@walkthrough',
    'briefing.inserted@publish',
    'response.captured@publish',
    'step.completed@publish',
    'task.completed@publish',
  ]);
  // The new chat got its id during the first step (before or after the reply finished, as timing has it).
  const moves = events.filter((e) => e.type === 'task.moved-conversation');
  expect(moves).toHaveLength(1);
  expect(moves[0]).toMatchObject({ stepId: 'capture-process', actor: { kind: 'system' }, data: { reason: 'url-assigned' } });
  expect(moves[0]!.seq).toBeLessThan(events.find((e) => e.type === 'step.completed')!.seq);
  const human = events.filter((e) => e.type.startsWith('gate.') || e.type === 'step.completed' || e.type === 'briefing.inserted' || e.type === 'task.started');
  for (const e of human) expect(e.actor).toEqual({ kind: 'human', name: 'Dana Reviewer' });
  expect(events.filter((e) => e.type === 'response.captured').every((e) => e.actor.kind === 'ai')).toBe(true);
  expect(events.filter((e) => e.type === 'message.sent').length).toBeGreaterThanOrEqual(6);
  expect(events.find((e) => e.type === 'gate.rejected')!.data).toMatchObject({ comment: 'Add the accrual cut-off time.' });
});

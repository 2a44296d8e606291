import type { BrowserContext } from '@playwright/test';
import { ensureName, panelOf, readEvents, taskIdOf, type RawEvent } from './panel-support';
import { countClicks } from './support/click-counter';
import { hostStateFromPanel, panelFrame, recordPillWords } from './support/extension-probes';
import { briefingInComposer, briefingSent, decideGate, fastProtocol, onStep, recordStepsShown, say } from './support/drive';
import { openOptions } from './options-support';
import { composerSelectors, expect, mockState, openChatGPT, openClaude, test } from './support/mock-sites';

/**
 * The AI drives, the person governs: a whole SOP Documentation task where the person only starts it,
 * answers the interview in the chat, and decides the gate (one rejection with a comment, then an
 * approval). The scripted assistant follows the protocol (test/e2e/mock-sites/src/assistant-script.ts).
 */

const fast = fastProtocol;
const sites = [
  { name: 'ChatGPT', generation: 'classic', open: openChatGPT, approveInText: false },
  // On Claude the walkthrough reply also "approves" the gate in its own words.
  { name: 'Claude', generation: 'virtualized', open: openClaude, approveInText: true },
] as const;

/** Turns auto-send off in the settings and waits until it is stored (a reload still shows it off). */
async function autoSendOff(context: BrowserContext, extensionId: string): Promise<void> {
  const options = await openOptions(context, extensionId, '#/settings');
  await options.getByTestId('setting-auto-send').uncheck();
  await expect(options.getByTestId('settings-status')).toContainText('Saved');
  await options.reload();
  await expect(options.getByTestId('setting-auto-send')).not.toBeChecked();
  await options.close();
}

const by = (events: RawEvent[], type: string, kind?: string) => events.filter((e) => e.type === type && (!kind || e.actor.kind === kind));

for (const { name, generation, open, approveInText } of sites) {
  test(`${name}: the whole SOP task with default settings — the AI completes the steps and ConvOps sends each next briefing; the person answers the interview and decides the gate, ≤ 8 actions`, async ({ context, serviceWorker }) => {
    test.setTimeout(90_000);
    const page = await context.newPage();
    await open(page, { script: { ...fast, approveInText }, urlDelayMs: 200 });
    const panel = panelOf(page);
    await expect(panel.getByTestId('site-health')).toHaveAttribute('data-composer', 'found');
    await ensureName(panel, 'Dana Reviewer');

    const actions = await countClicks(context);
    try {
      // Start: choose the workflow, type a title, one click starts the task and sends step 1.
      await panel.getByTestId('workflow-picker').selectOption('sop-documentation');
      await panel.getByTestId('task-title').fill('Month-end close');
      await panel.getByTestId('start-and-send').click();
      await onStep(panel, 'capture-process');
      const taskId = await taskIdOf(panel);
      await expect(panel.getByTestId('drive-toggle')).toBeChecked();

      // 1. Capture Process: the AI interviews first; the step does not end on its questions, and they are no result.
      await expect(panel.locator('[data-testid="note"][data-step-id="capture-process"]')).toContainText('two questions', { timeout: 15_000 });
      await expect(panel.getByTestId('headline')).toHaveAttribute('data-moment', 'your-turn');
      await expect(panel.getByTestId('headline')).toContainText(`Your turn: answer ${name} in the chat. It will say when Capture Process is done.`);
      await expect(panel.locator('[data-testid="step-result"][data-step-id="capture-process"]')).toHaveCount(0);
      // Draft SOP is current only while the AI drafts (drive mode sends its briefing, the reply ends it).
      const steps = await recordStepsShown(page);
      await say(page, generation, 'The controller runs it on the first working day; ANSWER-LEDGER: the ledger and the bank portal.');

      // The summary carries the completion line: the AI completes the step and ConvOps sends Draft SOP's briefing.
      await steps.showed('draft-sop');
      const draftBriefing = await briefingSent(page, 'Step 2 of 4: Draft SOP');
      // The interview's result, named (it is in this chat), and none of its questions.
      expect(draftBriefing).toContain('Captured process: Month-end close');
      expect(draftBriefing).toContain('is this step\'s result');
      expect(draftBriefing).not.toContain('Who carries this process out');
      // The line a person reads names the step by number and title, not by id.
      expect(draftBriefing).toContain('ConvOps: step 2 complete — Draft SOP');
      expect(draftBriefing).not.toContain('(draft-sop)');
      const captureResult = panel.locator('[data-testid="step-result"][data-step-id="capture-process"]');
      await expect(captureResult).toContainText('ANSWER-LEDGER');
      await expect(captureResult).not.toContainText('ConvOps: step');

      // 2. Draft SOP ends with the line: on to the Walkthrough, sent by itself too.
      await onStep(panel, 'walkthrough');
      await briefingSent(page, 'Step 3 of 4: Walkthrough');

      // 3. Walkthrough: the line only requests the gate; the panel shows the result to decide on, and offers no Insert.
      await expect(panel.getByTestId('gate-card')).toBeVisible({ timeout: 15_000 });
      await expect(panel.getByTestId('gate-result')).toContainText('Walkthrough of the SOP for Month-end close');
      await expect(panel.getByTestId('insert-briefing')).toHaveCount(0);
      expect((await mockState(page)).editorText.trim()).toBe('');
      if (approveInText) {
        await expect(panel.getByTestId('gate-result')).toContainText('Approved — I checked it myself');
        await expect(panel.getByTestId('task-status')).toHaveText('Waiting for approval');
      }
      await decideGate(page, panel, 'reject', 'REVIEW-COMMENT: say who to tell when it is done.');

      // Sent back to Draft SOP: its briefing, with the comment, goes in and out at once.
      await steps.showed('draft-sop', 2);
      const redraft = await briefingSent(page, 'Step 2 of 4: Draft SOP', 2);
      expect(redraft).toContain('REVIEW-COMMENT');
      await onStep(panel, 'walkthrough');
      await briefingSent(page, 'Step 3 of 4: Walkthrough', 2);
      await expect(panel.getByTestId('gate-card')).toBeVisible({ timeout: 15_000 });
      await decideGate(page, panel, 'approve');

      // 4. Publish: its briefing goes after the approval; the AI's line completes the task.
      await briefingSent(page, 'Step 4 of 4: Publish');
      await expect(panel.getByTestId('task-finished')).toBeVisible({ timeout: 15_000 });
      await expect(panel.getByTestId('final-result')).toContainText('Publish: Month-end close');
      await expect(panel.getByTestId('copy-result')).toBeVisible();
      await expect(panel.getByTestId('download-result')).toBeVisible();

      // Choosing the workflow (2), Start and send (1), the answer's Enter (1), Reject… + confirm (2), Approve… + confirm (2).
      expect(actions.count, actions.log.join('\n')).toBeLessThanOrEqual(8);
      test.info().annotations.push({ type: 'actions', description: `${actions.count} (typed ${actions.typed} characters)` });

      // The record: the AI completed steps and requested the gate; only the person decided it; ConvOps sent the briefings it put in.
      const events = await readEvents(serviceWorker, taskId);
      const ai = { kind: 'ai', name };
      expect(by(events, 'step.completed', 'ai').map((e) => e.stepId)).toEqual(['capture-process', 'draft-sop', 'draft-sop', 'publish']);
      expect(by(events, 'step.completed', 'ai').every((e) => e.actor.name === ai.name)).toBe(true);
      expect(by(events, 'gate.requested', 'ai')).toHaveLength(2);
      expect(by(events, 'gate.rejected').map((e) => e.actor)).toEqual([{ kind: 'human', name: 'Dana Reviewer' }]);
      expect(by(events, 'gate.approved').map((e) => e.actor)).toEqual([{ kind: 'human', name: 'Dana Reviewer' }]);
      expect(by(events, 'task.completed', 'ai')).toHaveLength(1);
      expect(by(events, 'briefing.inserted').map((e) => [e.stepId, e.actor.kind])).toEqual([
        ['capture-process', 'human'],
        ['draft-sop', 'system'],
        ['walkthrough', 'system'],
        ['draft-sop', 'system'],
        ['walkthrough', 'system'],
        ['publish', 'system'],
      ]);
    } finally {
      actions.restore();
    }
  });

  test(`${name}: with auto-send off, after each AI completion the headline names the waiting Send, and the collapsed panel's pill says so`, async ({ context, extensionId, serviceWorker }) => {
    test.setTimeout(90_000);
    await autoSendOff(context, extensionId);
    const page = await context.newPage();
    await open(page, { script: { ...fast, approveInText }, urlDelayMs: 200 });
    const pillWords = await recordPillWords(serviceWorker);
    const panel = panelOf(page);
    await ensureName(panel, 'Dana Reviewer');
    await panel.getByTestId('workflow-picker').selectOption('sop-documentation');
    await panel.getByTestId('task-title').fill('Month-end close');
    await panel.getByTestId('start-and-send').click();
    await expect(panel.locator('[data-testid="note"][data-step-id="capture-process"]')).toContainText('two questions', { timeout: 15_000 });
    await say(page, generation, 'The controller runs it.');

    // Draft SOP's briefing waits in the prompt box: the headline says so, never that the AI works.
    await onStep(panel, 'draft-sop');
    await briefingInComposer(page, panel, 'Step 2 of 4: Draft SOP');
    await expect(panel.getByTestId('headline')).toHaveText(/Step 2’s briefing is in the prompt box — press Send\.\s*Send/);
    // Collapsed with the toolbar button, the pill says a Send waits.
    const collapseWithToolbar = () =>
      serviceWorker.evaluate(async (pattern) => {
        const g = globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<Array<{ id?: number }>> } }; convopsToolbar: { handleActionClick(tab: object): Promise<string> } };
        const [tab] = await g.chrome.tabs.query({ url: pattern });
        return g.convopsToolbar.handleActionClick(tab!);
      }, name === 'ChatGPT' ? 'https://chatgpt.com/*' : 'https://claude.ai/*');
    // Open through two replies and two waiting Sends, the panel sent the pill no word: each would be a
    // message into the page as a reply starts and ends, for a pill that is hidden.
    expect(await pillWords()).toEqual([]);
    await collapseWithToolbar();
    await expect(page.locator('#convops-panel-toggle')).toBeVisible();
    await expect.poll(() => page.evaluate(() => document.getElementById('convops-panel-toggle')?.textContent ?? '')).toBe('● ConvOps · Send');
    expect(await pillWords()).toEqual(['Send']);
    // The pill opens the panel again; its Send presses the site's Send; the AI answers and the next briefing waits again.
    await page.locator('#convops-panel-toggle').click();
    // The page reported the panel open again (what the panel goes by).
    const frame = await panelFrame(page);
    await expect.poll(async () => (await hostStateFromPanel(frame))?.collapsed).toBe(false);
    await panel.getByTestId('press-send').click();
    await onStep(panel, 'walkthrough');
    await briefingInComposer(page, panel, 'Step 3 of 4: Walkthrough');
    await panel.getByTestId('press-send').click();
    await expect(panel.getByTestId('gate-card')).toBeVisible({ timeout: 15_000 });
    await expect(panel.getByTestId('insert-briefing')).toHaveCount(0);
    // The pill shows only while the panel is collapsed (its word is sent and written then, not on the
    // open page: none came through the two steps above).
    expect(await pillWords()).toEqual(['Send']);
    await collapseWithToolbar();
    await expect(page.locator('#convops-panel-toggle')).toBeVisible();
    await expect.poll(() => page.evaluate(() => document.getElementById('convops-panel-toggle')?.textContent ?? '')).toBe('● ConvOps · Decide');
    expect(await pillWords()).toEqual(['Send', 'Decide']);
  });
}

test('ChatGPT: the completion line in a person\'s message, or one naming an earlier step, changes nothing', async ({ context, serviceWorker, extensionId }) => {
  // Briefings wait in the prompt box (auto-send off), so that the test says what the AI answers.
  await autoSendOff(context, extensionId);
  const page = await context.newPage();
  await openChatGPT(page, { script: fast, urlDelayMs: 200 });
  const panel = panelOf(page);
  await ensureName(panel, 'Dana Reviewer');
  await panel.getByTestId('workflow-picker').selectOption('sop-documentation');
  await panel.getByTestId('task-title').fill('Supplier onboarding');
  await panel.getByTestId('start-and-send').click();
  await onStep(panel, 'capture-process');
  const taskId = await taskIdOf(panel);
  await expect(panel.locator('[data-testid="note"][data-step-id="capture-process"]')).toHaveCount(1, { timeout: 15_000 });

  // The person writes the line themselves: user messages are never read for it.
  await say(page, 'classic', 'ConvOps: step 1 complete — Capture Process');
  await expect(panel.locator('[data-testid="note"][data-step-id="capture-process"]')).toHaveCount(2, { timeout: 15_000 });
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'capture-process');

  // The interview ends properly: on to Draft SOP.
  await say(page, 'classic', 'Purchasing starts it when a new supplier signs.');
  await onStep(panel, 'draft-sop');
  await briefingInComposer(page, panel, 'Step 2 of 4: Draft SOP');
  // A stale line: the AI repeats Capture Process's line while Draft SOP is current.
  await page.locator(composerSelectors.classic).focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await say(page, 'classic', 'Repeat the completion line of capture-process');
  await expect(panel.locator('[data-testid="note"][data-step-id="draft-sop"]')).toHaveCount(1, { timeout: 15_000 });
  await expect.poll(async () => by(await readEvents(serviceWorker, taskId), 'completion.ignored').length).toBe(1);
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'draft-sop');

  const events = await readEvents(serviceWorker, taskId);
  expect(by(events, 'step.completed').map((e) => e.stepId)).toEqual(['capture-process']);
  expect(by(events, 'completion.ignored')[0]).toMatchObject({ stepId: 'draft-sop', actor: { kind: 'ai', name: 'ChatGPT' }, data: { named: 'capture-process', reason: 'other-step' } });
});

test('Claude: drive mode off turns the line into a suggestion; Reopen undoes the completion and is recorded', async ({ context, serviceWorker }) => {
  const page = await context.newPage();
  await openClaude(page, { script: fast, urlDelayMs: 200 });
  const panel = panelOf(page);
  await ensureName(panel, 'Kim Lead');
  await panel.getByTestId('workflow-picker').selectOption('sop-documentation');
  await panel.getByTestId('task-title').fill('Laptop handover');
  await panel.getByTestId('start-task').click();
  await onStep(panel, 'capture-process');
  const taskId = await taskIdOf(panel);
  await panel.getByTestId('drive-toggle').click();
  await expect(panel.getByTestId('drive-toggle')).not.toBeChecked();
  await panel.getByTestId('send-step').click();
  await expect(panel.locator('[data-testid="note"][data-step-id="capture-process"]')).toHaveCount(1, { timeout: 15_000 });
  await say(page, 'virtualized', 'IT hands the laptop over on the first day.');

  // The AI's line is held: the person continues when they agree.
  await expect(panel.getByTestId('headline')).toHaveAttribute('data-moment', 'suggested', { timeout: 15_000 });
  await expect(panel.getByTestId('headline')).toHaveText(/The AI says Capture Process is done — continue when you agree\.\s*Continue/);
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'capture-process');
  await panel.getByTestId('accept-suggestion').click();
  await onStep(panel, 'draft-sop');
  // Drive mode off: nothing is put into the prompt box; the person sends when ready.
  await expect(panel.getByTestId('send-step')).toHaveText('Send step 2 to Claude');
  expect((await mockState(page)).editorText.trim()).toBe('');

  // Reopen Capture Process: Draft SOP has no work yet.
  await expect(panel.getByTestId('reopen-step')).toHaveText('↶ Reopen Capture Process');
  await panel.getByTestId('reopen-step').click();
  await onStep(panel, 'capture-process');
  await expect(panel.getByTestId('reopen-step')).toHaveCount(0);

  const events = await readEvents(serviceWorker, taskId);
  expect(by(events, 'task.drive-mode')).toEqual([expect.objectContaining({ actor: { kind: 'human', name: 'Kim Lead' }, data: { on: false } })]);
  expect(by(events, 'completion.ignored')).toEqual([expect.objectContaining({ actor: { kind: 'ai', name: 'Claude' }, data: expect.objectContaining({ reason: 'drive-off' }) })]);
  expect(by(events, 'step.completed')).toEqual([expect.objectContaining({ stepId: 'capture-process', actor: { kind: 'human', name: 'Kim Lead' } })]);
  expect(by(events, 'step.reopened')).toEqual([expect.objectContaining({ stepId: 'capture-process', actor: { kind: 'human', name: 'Kim Lead' }, data: { from: 'draft-sop' } })]);
});

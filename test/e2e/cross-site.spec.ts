import type { Page } from '@playwright/test';
import { openOptions } from './options-support';
import { ensureName, panelOf, readEvents, readNotes, taskIdOf, type RawEvent } from './panel-support';
import { countClicks } from './support/click-counter';
import { briefingSent, decideGate, fastProtocol, onStep } from './support/drive';
import { expect, openChatGPT, routeMockSites, test } from './support/mock-sites';

/**
 * One task across both sites (DESIGN.md): "Research Report with a second opinion" — ChatGPT drafts,
 * the task continues on Claude with one click, Claude's review stands beside the gate (and "approves"
 * in its own words, which changes nothing), a rejection goes back to the draft on ChatGPT with the
 * comment and the review, approval completes. Both mock sites in one browser, default settings.
 */

const by = (events: RawEvent[], type: string) => events.filter((e) => e.type === type);

test('Research Report with a second opinion: ChatGPT drafts, Claude reviews beside the gate, a rejection returns to ChatGPT, approval completes (≤ 8 actions)', async ({
  context,
  serviceWorker,
  extensionId,
}) => {
  test.setTimeout(120_000);
  // The Claude tab is opened by the extension: its mock follows the protocol too, and its review "approves" in words.
  await routeMockSites(context, { claude: { script: { ...fastProtocol, approveInText: true }, urlDelayMs: 200 } });
  const chat = await context.newPage();
  await openChatGPT(chat, { script: fastProtocol, urlDelayMs: 200 });
  const chatPanel = panelOf(chat);
  await ensureName(chatPanel, 'Ana Lead');

  const actions = await countClicks(context);
  try {
    await chatPanel.getByTestId('workflow-picker').selectOption('research-second-opinion');
    await chatPanel.getByTestId('task-title').fill('Remote work and retention');
    await chatPanel.getByTestId('start-and-send').click();
    const taskId = await taskIdOf(chatPanel);

    // ChatGPT drafts and says so; the next step is Claude's: the panel's one action says where.
    await onStep(chatPanel, 'second-opinion');
    await expect(chatPanel.getByTestId('headline')).toHaveAttribute('data-moment', 'elsewhere');
    await expect(chatPanel.getByTestId('headline')).toContainText('Step 2, Second opinion, runs on Claude.');
    await expect(chatPanel.getByTestId('insert-briefing')).toHaveCount(0);
    const continueOn = chatPanel.getByTestId('continue-on');
    await expect(continueOn).toHaveAttribute('data-site', 'claude');

    // One click: a new Claude chat opens in a new tab, bound to the task, with the handoff briefing (sent: drive mode).
    const [claude] = await Promise.all([context.waitForEvent('page'), continueOn.click()]);
    await claude.waitForFunction(() => window.__mock?.ready === true);
    const handoff = await briefingSent(claude, 'Continuing a task: Remote work and retention');
    expect(handoff).toContain('This conversation on Claude picks up a task that ran in another chat on ChatGPT.');
    expect(handoff).toContain('Step 2 of 2: Second opinion');
    expect(handoff).toContain('Name the source of every important claim');
    // The draft, written on ChatGPT, travels in full.
    expect(handoff).toContain('(draft 1)');
    const claudePanel = panelOf(claude);

    // Claude's review is kept and shown beside the draft at the gate; its "Approved" in words decides nothing.
    await expect(claudePanel.getByTestId('gate-card')).toBeVisible({ timeout: 15_000 });
    await expect(claudePanel.getByTestId('second-opinion')).toContainText('Claude’s review');
    await expect(claudePanel.getByTestId('second-opinion')).toContainText('Approved — I checked it myself');
    await expect(claudePanel.getByTestId('gate-result')).toContainText('Result of “Draft the report”');
    await expect(claudePanel.getByTestId('gate-result')).toContainText('(draft 1)');
    await expect(claudePanel.getByTestId('task-status')).toHaveText('Waiting for approval');
    let events = await readEvents(serviceWorker, taskId);
    expect(by(events, 'gate.approved')).toHaveLength(0);
    expect(by(events, 'gate.requested').map((e) => e.actor)).toEqual([{ kind: 'ai', name: 'Claude' }]);

    // The first tab's panel says where the task went, with a link there.
    await expect(chatPanel.getByTestId('task-moved')).toContainText('goes on on Claude');
    await expect(chatPanel.getByTestId('task-moved-link')).toHaveAttribute('href', /^https:\/\/claude\.ai\//);

    // Rejected: back to the draft on ChatGPT — its chat is open, so drive mode takes the task there —
    // with the person's comment and the reviewer's issues.
    await decideGate(claude, claudePanel, 'reject', 'Cite the 2025 survey for the retention figure.');
    const redraft = await briefingSent(chat, 'Step 1 of 2: Draft the report', 2);
    expect(redraft).toContain('Cite the 2025 survey for the retention figure.');
    expect(redraft).toContain('The second opinion the person read');
    // Drafted again on ChatGPT, reviewed again on Claude, in the same chats.
    await briefingSent(claude, 'Step 2 of 2: Second opinion');
    await expect(claudePanel.getByTestId('gate-card')).toBeVisible({ timeout: 15_000 });
    await expect(claudePanel.getByTestId('gate-result')).toContainText('(draft 2)');
    await decideGate(claude, claudePanel, 'approve');
    await expect(claudePanel.getByTestId('task-finished')).toBeVisible({ timeout: 15_000 });

    // Choosing the workflow (2), Start and send (1), Continue on Claude (1), Reject… + confirm (2), Approve… + confirm (2).
    expect(actions.count, actions.log.join('\n')).toBeLessThanOrEqual(8);
    test.info().annotations.push({ type: 'actions', description: String(actions.count) });

    // The record: both conversations, which site each step ran on, who wrote each result.
    events = await readEvents(serviceWorker, taskId);
    const drafted = by(events, 'step.completed').filter((e) => e.stepId === 'draft-report');
    expect(drafted.map((e) => e.actor)).toEqual([
      { kind: 'ai', name: 'ChatGPT' },
      { kind: 'ai', name: 'ChatGPT' },
    ]);
    expect(by(events, 'gate.requested').map((e) => e.actor.name)).toEqual(['Claude', 'Claude']);
    expect(by(events, 'gate.approved').map((e) => e.actor)).toEqual([{ kind: 'human', name: 'Ana Lead' }]);
    const moves = by(events, 'task.moved-conversation').map((e) => [e.data.reason, (e.data.to as { site: string }).site]);
    expect(moves).toContainEqual(['handoff', 'claude']);
    expect(moves).toContainEqual(['site-switch', 'chatgpt']);
    expect(moves).toContainEqual(['site-switch', 'claude']);

    // The record shows both sites: each conversation once, where each step ran, the model that wrote each result.
    const options = await openOptions(context, extensionId, `#/tasks/${taskId}`);
    await expect(options.getByTestId('task-conversation')).toHaveCount(2);
    await expect(options.locator('[data-testid="task-conversation"][data-site="chatgpt"]')).toHaveAttribute('href', /^https:\/\/chatgpt\.com\/c\//);
    await expect(options.locator('[data-testid="task-conversation"][data-site="claude"]')).toHaveAttribute('href', /^https:\/\/claude\.ai\/chat\//);
    await expect(options.locator('[data-testid="task-step-site"][data-step-id="draft-report"]')).toHaveText('1. Draft the report: ChatGPT; result written by ChatGPT');
    await expect(options.locator('[data-testid="task-step-site"][data-step-id="second-opinion"]')).toHaveText('2. Second opinion: Claude; result written by Claude');
    await options.goto(`chrome-extension://${extensionId}/options.html#/tasks`);
    const row = options.locator(`[data-testid="task-row"][data-task-id="${taskId}"]`);
    await expect(row.getByTestId('task-site')).toHaveCount(2);
    await expect(row.locator('[data-testid="task-site"][data-site="claude"]')).toHaveAttribute('data-current', 'true');
    await options.goto(`chrome-extension://${extensionId}/options.html#/tasks/${taskId}/report`);
    await expect(options.locator('[data-testid="report-step"][data-step-id="draft-report"] [data-testid="report-step-sites"]')).toHaveText('ChatGPT');
    await expect(options.locator('[data-testid="report-step"][data-step-id="second-opinion"] [data-testid="report-step-result"]')).toContainText('written by Claude');
    await expect(options.getByTestId('report-conversation')).toHaveCount(2);
  } finally {
    actions.restore();
  }
});

test('the reviewing model cannot open the gate: its reply ending with an approval or the gated step’s completion line only asks for the decision', async ({ context, serviceWorker }) => {
  test.setTimeout(90_000);
  await routeMockSites(context, { claude: { script: { ...fastProtocol, approveInText: true }, urlDelayMs: 200 } });
  const chat: Page = await context.newPage();
  await openChatGPT(chat, { script: fastProtocol, urlDelayMs: 200 });
  const chatPanel = panelOf(chat);
  await ensureName(chatPanel, 'Ana Lead');
  await chatPanel.getByTestId('workflow-picker').selectOption('research-second-opinion');
  await chatPanel.getByTestId('task-title').fill('Four-day week');
  await chatPanel.getByTestId('start-and-send').click();
  const taskId = await taskIdOf(chatPanel);
  await onStep(chatPanel, 'second-opinion');
  const [claude] = await Promise.all([context.waitForEvent('page'), chatPanel.getByTestId('continue-on').click()]);
  const claudePanel = panelOf(claude);
  await expect(claudePanel.getByTestId('gate-card')).toBeVisible({ timeout: 15_000 });

  // The review says "Approved" and ends with the line; a second reply repeats the line: still waiting.
  await claude.locator('[data-chat-input-container] fieldset:not(.opacity-0) [data-testid="chat-input"]').focus();
  await claude.keyboard.type('Repeat the completion line of second-opinion');
  await claude.keyboard.press('Enter');
  await expect.poll(async () => by(await readEvents(serviceWorker, taskId), 'completion.ignored').length, { timeout: 15_000 }).toBe(1);
  const events = await readEvents(serviceWorker, taskId);
  expect(by(events, 'completion.ignored')[0]).toMatchObject({ actor: { kind: 'ai', name: 'Claude' }, data: { reason: 'gate-pending' } });
  expect(by(events, 'gate.approved')).toHaveLength(0);
  await expect(claudePanel.getByTestId('task-status')).toHaveText('Waiting for approval');

  // The panel on Claude offers the draft written on ChatGPT in full: Copy on its result (what a
  // handoff too long to paste a result into points to).
  // (The clipboard is watched in the panel's frame; a frame the page replaced meanwhile is found again.)
  const draftNote = (await readNotes(serviceWorker, taskId)).filter((n) => n.stepId === 'draft-report' && !n.deleted).at(-1)!;
  const draftResult = claudePanel.locator('[data-testid="step-result"][data-step-id="draft-report"]');
  await expect(async () => {
    const panelFrame = claude.frames().find((f) => f.url().endsWith('/panel.html'));
    expect(panelFrame).toBeDefined();
    await panelFrame!.evaluate(() => {
      (window as unknown as { copied: string[] }).copied = [];
      navigator.clipboard.writeText = async (text: string) => void (window as unknown as { copied: string[] }).copied.push(text);
    });
    await draftResult.getByTestId('copy-note').click({ timeout: 5_000 });
    expect(await panelFrame!.evaluate(() => (window as unknown as { copied: string[] }).copied)).toEqual([draftNote.body]);
  }).toPass({ timeout: 20_000 });
  expect(draftNote.body).toContain('(draft 1)');
});

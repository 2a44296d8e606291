import { expect, test as playwrightTest } from '@playwright/test';
import { count, launchFirefox, mockedPage, openExtensionPage, mockState, panelFrame, testId, textOf, until, type FirefoxSession } from './firefox';

/**
 * ConvOps in real Firefox on the ChatGPT mock (real ProseMirror composer): the add-on loads, the panel
 * mounts beside the chat, a briefing goes into the editor, the reply is kept once, and the gate holds
 * until a person decides on the task page. On the Claude mock (Tiptap): the panel and the insert.
 */

// A fixture, not beforeEach/afterEach over a shared variable: when Firefox cannot start, the launch's
// own error is the failure, and no cleanup runs on a session that never existed.
const test = playwrightTest.extend<{ session: FirefoxSession }>({
  // eslint-disable-next-line no-empty-pattern
  session: async ({}, use) => {
    const session = await launchFirefox({
      chatgpt: {
        script: {
          replies: ['REPRO-REPLY: reproduced it with a fresh account.', 'AI-SAYS: approved, moving on to the fix.'],
          chunks: 4,
          intervalMs: 10,
          firstChunkDelayMs: 20,
          settleMs: 20,
        },
        urlDelayMs: 200,
      },
    });
    try {
      await use(session);
    } finally {
      await session.close();
    }
  },
});

test('Firefox: panel beside ChatGPT, briefing into ProseMirror, one captured reply, a gate that holds until a decision', async ({ session }) => {
  expect(session.addonId).toBe('convops@convops.dev');
  const page = await mockedPage(session);
  await page.goto('https://chatgpt.com/');
  await until('the mock page', () => mockState(page), (s) => s.ready);

  // The panel: an extension page framed beside the chat, which found the prompt box.
  const { frame: panel, url: panelUrl } = await panelFrame(page);
  expect(panelUrl).toMatch(/^moz-extension:\/\/[0-9a-f-]+\/panel\.html$/);
  // Node's URL gives moz-extension: no origin; the add-on's base is what precedes the page name.
  const base = panelUrl.slice(0, -'/panel.html'.length);
  await panel.waitForSelector(`${testId('site-health')}[data-composer="found"][data-host="chatgpt"]`);

  await panel.locator(`${testId('name-prompt')} input`).fill('Ines Firefox');
  await panel.locator(`${testId('name-prompt')} button[type="submit"]`).click();
  await panel.waitForSelector(`${testId('workflow-picker')} option[value="bug-fix"]`);
  await panel.select(testId('workflow-picker'), 'bug-fix');
  await panel.locator(testId('task-title')).fill('Search returns nothing');
  // Bug Fix's required inputs (its severity has a default).
  await panel.locator(`${testId('task-input')}[data-name="product"] input`).fill('Search');
  await panel.locator(`${testId('task-input')}[data-name="steps-to-reproduce"] textarea`).fill('Type a word, press Enter');
  await panel.locator(`${testId('task-input')}[data-name="expected-vs-actual"] textarea`).fill('Results expected; none shown');
  await panel.locator(testId('start-task')).click();
  await panel.waitForSelector(testId('step-list'));
  const taskId = await panel.$eval('[data-task-id]', (el) => el.getAttribute('data-task-id') ?? '');
  expect(taskId).not.toBe('');

  // The briefing lands in the real ProseMirror editor (its document, not just the DOM).
  await panel.locator(testId('insert-briefing')).click();
  await panel.waitForSelector(`${testId('headline')}[data-moment="inserted"]`);
  const inserted = await until('the briefing in the editor', () => mockState(page), (s) => s.editorText.includes('Step 1 of 3'));
  expect(inserted.editorText).toContain('Search returns nothing');
  expect(inserted.editorText).toContain('Type a word, press Enter');
  expect(inserted.editorText.split('\n').length).toBeGreaterThan(5);

  // Sent with the page's own button (a trusted click); the reply is kept once.
  await page.locator('button[data-testid="send-button"]').click();
  await until('the reply to finish', () => mockState(page), (s) => s.repliesFinished >= 1);
  await until('the captured note', () => count(panel, testId('note')), (n) => n === 1);
  expect(await textOf(panel, testId('note'))).toContain('reproduced it with a fresh account');
  // The chat got its permanent address; the task followed, and no duplicate note appeared.
  await until('the conversation URL', async () => page.url(), (url) => /\/c\/[0-9a-f-]+$/.test(url));
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await count(panel, testId('note'))).toBe(1);

  // Reproduce is gated: completing it makes the task wait; an AI reply saying "approved" changes nothing.
  await panel.locator(testId('complete-step')).click();
  await panel.waitForSelector(testId('gate-card'));
  expect(await panel.$eval(testId('complete-step'), (el) => (el as HTMLButtonElement).disabled)).toBe(true);
  await page.locator('#prompt-textarea').click();
  await page.keyboard.type('Is this approved?');
  await page.locator('button[data-testid="send-button"]').click();
  await until('the second note', () => count(panel, testId('note')), (n) => n === 2);
  expect(await panel.$eval('li[data-step-id="reproduce"]', (el) => el.getAttribute('data-state'))).toBe('awaiting-approval');
  expect(await panel.$eval(testId('current-step'), (el) => el.getAttribute('data-step-id'))).toBe('reproduce');

  // A person decides on the task page (its own tab); the panel in the chat follows.
  const options = await openExtensionPage(session, panel, `${base}/options.html#/tasks/${taskId}`);
  await options.waitForSelector(testId('gate-card'));
  await options.locator(`${testId('gate-card')} ${testId('approve-gate')}`).click();
  await until('the next step in the panel', () => panel.$eval(testId('current-step'), (el) => el.getAttribute('data-step-id')), (id) => id === 'fix');
  expect(await count(panel, testId('gate-card'))).toBe(0);
  // The conductor (Firefox's background page) puts the Fix briefing in and sends it, once.
  await until('the Fix briefing sent', () => mockState(page), (s) => s.sent === 3);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect((await mockState(page)).sent).toBe(3);
});

test('Firefox: the panel beside the Claude mock finds the prompt box and a briefing goes into its editor', async ({ session }) => {
  const page = await mockedPage(session);
  await page.goto('https://claude.ai/new');
  await until('the mock page', () => mockState(page), (s) => s.ready);
  const { frame: panel } = await panelFrame(page);
  await panel.waitForSelector(`${testId('site-health')}[data-composer="found"][data-host="claude"]`);
  await panel.locator(`${testId('name-prompt')} input`).fill('Ines Firefox');
  await panel.locator(`${testId('name-prompt')} button[type="submit"]`).click();
  await panel.waitForSelector(`${testId('workflow-picker')} option[value="decision-memo"]`);
  await panel.select(testId('workflow-picker'), 'decision-memo');
  await panel.locator(testId('task-title')).fill('Which CI provider');
  await panel.locator(`${testId('task-input')}[data-name="question"] textarea`).fill('Which CI provider do we move to?');
  await panel.locator(testId('start-task')).click();
  await panel.locator(testId('insert-briefing')).click();
  await panel.waitForSelector(`${testId('headline')}[data-moment="inserted"]`);
  const state = await until('the briefing in the editor', () => mockState(page), (s) => s.editorText.includes('Step 1 of 4'));
  expect(state.editorText).toContain('Which CI provider');
  // Its lines are intact (the editor holds paragraphs, not one flattened line).
  expect(state.editorText.split('\n').length).toBeGreaterThan(5);
});

import type { Page, Worker } from '@playwright/test';
import type { Browser } from 'wxt/browser';
import { completeStep, ensureName, panelOf, readEvents, startWorkflow, taskIdOf } from './panel-support';
import type { ExtensionGlobal } from './support/extension';
import { expect, openChatGPT, openClaude, test } from './support/mock-sites';

/**
 * The toolbar button and the keyboard shortcuts. Neither can be pressed by Playwright (the toolbar is
 * browser UI; `commands` keys are caught by the browser, not the page), so these tests call, in the
 * service worker, the very handlers the `action.onClicked` and `commands.onCommand` listeners call
 * (`globalThis.convopsToolbar`, set by lib/background/toolbar.ts). The popup is opened as its page.
 */

type Outcome = 'toggled' | 'popup' | 'sent' | 'not-a-chat' | 'ignored';
interface ToolbarGlobal extends ExtensionGlobal {
  convopsToolbar: {
    handleCommand(command: string, tab?: Browser.tabs.Tab): Promise<Outcome>;
    handleActionClick(tab: Browser.tabs.Tab): Promise<Outcome>;
  };
}

function clickToolbar(worker: Worker, url: string): Promise<Outcome> {
  return worker.evaluate(async (pattern) => {
    const g = globalThis as unknown as ToolbarGlobal;
    const [tab] = await g.chrome.tabs.query({ url: pattern });
    if (!tab) throw new Error(`no tab at ${pattern}`);
    return g.convopsToolbar.handleActionClick(tab);
  }, url);
}

function pressShortcut(worker: Worker, command: string, url: string): Promise<Outcome> {
  return worker.evaluate(
    async ({ command, pattern }) => {
      const g = globalThis as unknown as ToolbarGlobal;
      const [tab] = await g.chrome.tabs.query({ url: pattern });
      if (!tab) throw new Error(`no tab at ${pattern}`);
      return g.convopsToolbar.handleCommand(command, tab);
    },
    { command, pattern: url },
  );
}

const badgeText = (worker: Worker) => worker.evaluate(() => (globalThis as unknown as ExtensionGlobal).chrome.action.getBadgeText({}));
const popupOf = (worker: Worker, url: string) =>
  worker.evaluate(async (pattern) => {
    const g = globalThis as unknown as ExtensionGlobal;
    const [tab] = await g.chrome.tabs.query({ url: pattern });
    return g.chrome.action.getPopup({ tabId: tab!.id! });
  }, url);

const panelHost = (page: Page) => page.locator('#convops-panel-host');

test('the toolbar button shows and hides the panel on a chat tab; elsewhere it is the popup', async ({ context, serviceWorker, extensionId }) => {
  const chat = await context.newPage();
  await openChatGPT(chat);
  await expect(panelOf(chat).getByTestId('convops-panel')).toBeVisible();
  await expect(panelHost(chat)).toBeVisible();

  // A chat tab has no popup of its own, so a click reaches onClicked.
  await expect.poll(() => popupOf(serviceWorker, 'https://chatgpt.com/*')).toBe('');
  expect(await clickToolbar(serviceWorker, 'https://chatgpt.com/*')).toBe('toggled');
  await expect(panelHost(chat)).toBeHidden();
  await expect(chat.locator('#convops-panel-toggle')).toBeVisible();
  expect(await clickToolbar(serviceWorker, 'https://chatgpt.com/*')).toBe('toggled');
  await expect(panelHost(chat)).toBeVisible();
  await expect(chat.locator('#convops-panel-toggle')).toBeHidden();

  // The same on Claude.
  const claude = await context.newPage();
  await openClaude(claude);
  await expect(panelOf(claude).getByTestId('convops-panel')).toBeVisible();
  await expect.poll(() => popupOf(serviceWorker, 'https://claude.ai/*')).toBe('');
  expect(await clickToolbar(serviceWorker, 'https://claude.ai/*')).toBe('toggled');
  await expect(panelHost(claude)).toBeHidden();
  await expect(panelHost(chat)).toBeVisible();

  // Any other tab gets the popup.
  const other = await context.newPage();
  await other.goto(`chrome-extension://${extensionId}/options.html#/library`);
  await expect.poll(() => popupOf(serviceWorker, `chrome-extension://${extensionId}/options.html*`)).toMatch(/\/popup\.html$/);
  // The manifest: our icon at every size, the popup as the default.
  const manifest = await serviceWorker.evaluate(() => (globalThis as unknown as ExtensionGlobal).chrome.runtime.getManifest());
  expect(manifest.icons).toEqual({ 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 128: 'icon/128.png' });
  expect(manifest.action?.default_popup).toBe('popup.html');
  expect(manifest.permissions).toEqual(['storage']);
  const sizes = await serviceWorker.evaluate(async () => {
    const g = globalThis as unknown as ExtensionGlobal;
    return Promise.all(
      (['/icon/16.png', '/icon/32.png', '/icon/48.png', '/icon/128.png'] as const).map(async (file) => {
        const bitmap = await createImageBitmap(await (await fetch(g.chrome.runtime.getURL(file))).blob());
        return [bitmap.width, bitmap.height];
      }),
    );
  });
  expect(sizes).toEqual([
    [16, 16],
    [32, 32],
    [48, 48],
    [128, 128],
  ]);
});

test('the badge counts gates waiting; the popup lists them and opens the task page, where the decision clears both', async ({ context, serviceWorker, extensionId }) => {
  const chat = await context.newPage();
  await openChatGPT(chat);
  const panel = panelOf(chat);
  await ensureName(panel, 'Sam Okafor');
  await expect.poll(() => badgeText(serviceWorker)).toBe('');

  // Bug Fix's first step is gated: completing it makes the task wait.
  await startWorkflow(panel, 'bug-fix', 'Login button does nothing', { drive: false });
  const taskId = await taskIdOf(panel);
  await completeStep(panel);
  await expect(panel.getByTestId('gate-card')).toBeVisible();
  await expect.poll(() => badgeText(serviceWorker)).toBe('1');

  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  const item = popup.getByTestId('popup-task');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('Login button does nothing');
  await expect(item).toContainText('Bug Fix');
  await expect(item).toHaveAttribute('data-task-id', taskId);

  // Its entry opens the task's page in a tab, where the gate is decided.
  const [taskPage] = await Promise.all([context.waitForEvent('page'), item.click()]);
  await expect(taskPage).toHaveURL(`chrome-extension://${extensionId}/options.html#/tasks/${taskId}`);
  await expect(taskPage.getByTestId('gate-card')).toBeVisible();
  await taskPage.getByTestId('approve-gate').click();
  await expect(taskPage.getByTestId('gate-card')).toBeHidden();
  await expect.poll(() => badgeText(serviceWorker)).toBe('');

  const again = await context.newPage();
  await again.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(again.getByTestId('popup-none')).toBeVisible();
  const [dashboard] = await Promise.all([context.waitForEvent('page'), again.getByTestId('open-dashboard').click()]);
  await expect(dashboard).toHaveURL(`chrome-extension://${extensionId}/options.html#/tasks`);
});

test('shortcuts: toggle the panel, and send the current step through the panel (not while a gate waits)', async ({ context, serviceWorker }) => {
  const manifestCommands = await serviceWorker.evaluate(() => (globalThis as unknown as ExtensionGlobal).chrome.commands.getAll());
  // Chrome leaves a shortcut empty when it refuses the suggested key (it did for Alt+Shift+P): both must be assigned.
  expect(Object.fromEntries(manifestCommands.filter((c) => c.name !== '_execute_action').map((c) => [c.name, c.shortcut]))).toEqual({
    'toggle-panel': 'Alt+Shift+K',
    'send-step': 'Alt+Shift+S',
  });

  const chat = await context.newPage();
  await openChatGPT(chat, { script: { replies: ['REPRO-REPLY: reproduced with a fresh account.'], chunks: 3, intervalMs: 10, firstChunkDelayMs: 20, settleMs: 20 } });
  const panel = panelOf(chat);
  await ensureName(panel, 'Sam Okafor');
  expect(await pressShortcut(serviceWorker, 'toggle-panel', 'https://chatgpt.com/*')).toBe('toggled');
  await expect(panelHost(chat)).toBeHidden();
  expect(await pressShortcut(serviceWorker, 'toggle-panel', 'https://chatgpt.com/*')).toBe('toggled');
  await expect(panelHost(chat)).toBeVisible();

  await startWorkflow(panel, 'bug-fix', 'Checkout total is wrong');
  const taskId = await taskIdOf(panel);
  // The shortcut sends the step's briefing through the panel, as the person's act.
  expect(await pressShortcut(serviceWorker, 'send-step', 'https://chatgpt.com/*')).toBe('sent');
  await expect.poll(() => chat.evaluate(() => window.__mock.sentMessages.length)).toBe(1);
  const sent = await chat.evaluate(() => window.__mock.sentMessages[0]!);
  expect(sent).toContain('Checkout total is wrong');
  expect(sent).toContain('Step 1 of 3');
  await expect(panel.getByTestId('note')).toHaveCount(1);
  await expect(panel.getByTestId('note')).toContainText('reproduced with a fresh account');
  const inserted = (await readEvents(serviceWorker, taskId)).filter((e) => e.type === 'briefing.inserted');
  expect(inserted).toHaveLength(1);
  expect(inserted[0]!.data).toMatchObject({ sent: true, kind: 'step' });

  // At the gate the prompt box stays empty until a person decides, shortcut or not.
  await completeStep(panel);
  await expect(panel.getByTestId('gate-card')).toBeVisible();
  expect(await pressShortcut(serviceWorker, 'send-step', 'https://chatgpt.com/*')).toBe('sent');
  // Proving that nothing happens needs a moment for it to (not) happen.
  await chat.waitForTimeout(500);
  expect(await chat.evaluate(() => window.__mock.sentMessages.length)).toBe(1);
  expect(await chat.evaluate(() => window.__mock.editorText())).toBe('');
  expect(await pressShortcut(serviceWorker, 'unknown-command', 'https://chatgpt.com/*')).toBe('ignored');
});

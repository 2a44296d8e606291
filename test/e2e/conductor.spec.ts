import type { Page, Worker } from '@playwright/test';
import { ensureName, panelOf, readEvents, taskIdOf, type RawEvent } from './panel-support';
import { briefingSent, fastProtocol, onStep, recordStepsShown, say } from './support/drive';
import { expect, mockState, openChatGPT, openClaude, test } from './support/mock-sites';

/**
 * The one conductor (lib/background/conductor.ts): after an advance, the background puts the next
 * briefing into exactly one tab — the task's tab the person used last — and records it once as
 * ConvOps's act, whatever the number of tabs or panels, a collapsed panel, or a service worker that
 * stopped. Default settings: drive mode sends the briefing by itself.
 */

const sites = [
  { name: 'ChatGPT', generation: 'classic', open: openChatGPT, pattern: 'https://chatgpt.com/*' },
  { name: 'Claude', generation: 'virtualized', open: openClaude, pattern: 'https://claude.ai/*' },
] as const;

const draftBriefings = (events: RawEvent[]) => events.filter((e) => e.type === 'briefing.inserted' && e.stepId === 'draft-sop');
/** How many briefings the page sent that open with this heading (a later briefing may quote an earlier step's). */
const sentWith = async (page: Page, heading: string) => (await mockState(page)).sentMessages.filter((m) => m.split('\n')[0]!.includes(heading)).length;

/** Starts SOP Documentation with "Start and send", and waits for the AI's interview questions. */
async function startSop(page: Page, title: string): Promise<string> {
  const panel = panelOf(page);
  await ensureName(panel, 'Dana Reviewer');
  await panel.getByTestId('workflow-picker').selectOption('sop-documentation');
  await panel.getByTestId('task-title').fill(title);
  await panel.getByTestId('start-and-send').click();
  await onStep(panel, 'capture-process');
  await expect(panel.locator('[data-testid="note"][data-step-id="capture-process"]')).toContainText('two questions', { timeout: 15_000 });
  // The site gave the new chat its address.
  await expect.poll(() => page.url()).toMatch(/\/(c|chat)\/[0-9a-f-]{36}$/);
  return taskIdOf(panel);
}

function toolbarClick(worker: Worker, pattern: string): Promise<string> {
  return worker.evaluate(async (p) => {
    const g = globalThis as unknown as {
      chrome: { tabs: { query(q: object): Promise<Array<{ id?: number; active?: boolean }>> } };
      convopsToolbar: { handleActionClick(tab: object): Promise<string> };
    };
    const [tab] = await g.chrome.tabs.query({ url: p });
    return g.convopsToolbar.handleActionClick(tab!);
  }, pattern);
}

for (const { name, generation, open, pattern } of sites) {
  test(`${name}: two tabs on one conversation — one briefing per advance, into the tab the person used, one event by ConvOps`, async ({ context, serviceWorker }) => {
    test.setTimeout(90_000);
    const first = await context.newPage();
    await open(first, { script: fastProtocol, urlDelayMs: 200 });
    const taskId = await startSop(first, 'Two tabs');

    // The same conversation opened again in a second tab (from history, say): its panel shows the task too.
    const second = await context.newPage();
    await second.goto(first.url());
    await second.waitForFunction(() => window.__mock?.ready === true);
    await onStep(panelOf(second), 'capture-process');

    // The person answers in the first tab; the AI completes Capture Process.
    await first.bringToFront();
    const steps = await recordStepsShown(first);
    await say(first, generation, 'The controller runs it on the first working day.');
    await steps.showed('draft-sop');
    await briefingSent(first, 'Step 2 of 4: Draft SOP');
    await onStep(panelOf(first), 'walkthrough');
    await briefingSent(first, 'Step 3 of 4: Walkthrough');
    await onStep(panelOf(second), 'walkthrough');

    expect(await sentWith(first, 'Step 2 of 4: Draft SOP')).toBe(1);
    expect(await sentWith(second, 'Step 2 of 4: Draft SOP')).toBe(0);
    expect((await mockState(second)).editorText).not.toContain('Step 2 of 4');
    const events = await readEvents(serviceWorker, taskId);
    expect(draftBriefings(events)).toHaveLength(1);
    expect(draftBriefings(events)[0]!.actor).toEqual({ kind: 'system', name: 'ConvOps' });
    expect(events.filter((e) => e.type === 'briefing.inserted' && e.stepId === 'walkthrough')).toHaveLength(1);
  });

  test(`${name}: a panel collapsed with the toolbar button through a whole driven step — the next briefing still goes in, once`, async ({ context, serviceWorker }) => {
    test.setTimeout(90_000);
    const page = await context.newPage();
    await open(page, { script: fastProtocol, urlDelayMs: 200 });
    const taskId = await startSop(page, 'Collapsed panel');
    expect(await toolbarClick(serviceWorker, pattern)).toBe('toggled');
    await expect(page.locator('#convops-panel-toggle')).toBeVisible();

    await say(page, generation, 'The controller runs it on the first working day.');
    await briefingSent(page, 'Step 2 of 4: Draft SOP');
    await briefingSent(page, 'Step 3 of 4: Walkthrough');
    // The gate waits: the pill says so while the panel stays collapsed.
    await expect.poll(() => page.evaluate(() => document.getElementById('convops-panel-toggle')?.textContent ?? ''), { timeout: 15_000 }).toBe('● ConvOps · Decide');
    expect(await sentWith(page, 'Step 2 of 4: Draft SOP')).toBe(1);
    expect(draftBriefings(await readEvents(serviceWorker, taskId))).toHaveLength(1);
  });
}

test('ChatGPT: the service worker stopped right after an AI completion delivers the briefing once after its restart', async ({ context, serviceWorker, extensionId }) => {
  test.setTimeout(90_000);
  const page = await context.newPage();
  await openChatGPT(page, { script: fastProtocol, urlDelayMs: 200 });
  const taskId = await startSop(page, 'Worker restart');

  // An extension page's DevTools session sees the extension's service worker and can stop it.
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  const cdp = await context.newCDPSession(options);
  await cdp.send('ServiceWorker.enable');

  await say(page, 'classic', 'The controller runs it on the first working day.');
  await expect.poll(async () => (await readEvents(serviceWorker, taskId)).some((e) => e.type === 'step.completed'), { timeout: 15_000 }).toBe(true);
  // A mark in this life of the worker: a new life does not have it.
  await serviceWorker.evaluate(() => void ((globalThis as { __convopsLife?: number }).__convopsLife = 1));
  const versions: Array<{ versionId: string; runningStatus: string; scriptURL: string }> = [];
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions: v }) => versions.push(...v));
  await cdp.send('ServiceWorker.stopAllWorkers');

  // The next thing the page or the panel says wakes it; whatever the earlier life did, one briefing.
  await briefingSent(page, 'Step 2 of 4: Draft SOP');
  await onStep(panelOf(page), 'walkthrough');
  await page.waitForTimeout(1_000);
  expect(await sentWith(page, 'Step 2 of 4: Draft SOP')).toBe(1);
  // It really stopped and started again: the worker now answering is a new life (the test proves nothing otherwise).
  expect(versions.map((v) => v.runningStatus)).toContain('stopped');
  const worker = context.serviceWorkers().at(-1) ?? (await context.waitForEvent('serviceworker'));
  expect(await worker.evaluate(() => (globalThis as { __convopsLife?: number }).__convopsLife ?? 'new')).toBe('new');
  const events = await readEvents(worker, taskId);
  expect(draftBriefings(events)).toHaveLength(1);
  expect(draftBriefings(events)[0]!.actor.kind).toBe('system');
});

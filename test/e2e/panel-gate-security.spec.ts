import type { Page } from '@playwright/test';
import { confirmAndClose, decideInReview, openReview, panelFrame, panelOf, readEvents, runToSopGate, taskIdOf } from './panel-support';
import { expect, openChatGPT, test } from './support/mock-sites';

const toTheGate = (page: Page) => runToSopGate(page, (p) => openChatGPT(p, { conversation: true }));

test('the host page cannot approve: it cannot find the panel frame; synthetic clicks, postMessage, forged runtime messages, untrusted clicks and decisions sent from the panel all leave the gate closed', async ({
  context,
  serviceWorker,
  extensionId,
}) => {
  const page = await context.newPage();
  const { panel, taskId } = await toTheGate(page);

  const attempts = await page.evaluate(async (id) => {
    const results: Record<string, string> = {};
    // 0. The frame element is in a closed shadow root: the page cannot query it, nor read its address.
    const host = document.getElementById('convops-panel-host');
    results.iframes = String(document.querySelectorAll('iframe').length);
    results.shadowRoot = String(host?.shadowRoot ?? null);
    results.html = document.documentElement.outerHTML.includes('panel.html') ? 'leaks the address' : 'no address';
    // 1. Synthetic clicks and keys on the host element: they never cross into the frame's document.
    for (const type of ['mousedown', 'mouseup', 'click']) host?.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: 50, clientY: 300 }));
    host?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    // 2. Reaching the frame's window: frames in a shadow tree are not in `window.frames` either.
    results.frames = String(window.frames.length);
    // 3. postMessage, in the shapes a bridge might accept, to every window the page can name.
    for (const message of ['approve', { type: 'approve' }, { kind: 'call', id: 1, op: 'act', args: { taskId: id, rev: 0, action: { type: 'approve', stepId: 'walkthrough' } } }]) {
      window.postMessage(message, '*');
      for (let i = 0; i < window.frames.length; i++) window.frames[i]!.postMessage(message, '*');
    }
    // 4. Runtime messages and ports from the page: no externally_connectable, so no channel at all.
    const runtime = (window as unknown as { chrome?: { runtime?: { sendMessage?: unknown; connect?: unknown } } }).chrome?.runtime;
    results.runtime = typeof runtime?.sendMessage === 'function' || typeof runtime?.connect === 'function' ? 'available' : 'unavailable';
    await new Promise((resolve) => setTimeout(resolve, 500));
    return results;
  }, taskId);
  expect(attempts.iframes).toBe('0');
  expect(attempts.shadowRoot).toBe('null');
  expect(attempts.html).toBe('no address');
  expect(attempts.frames).toBe('0');
  expect(attempts.runtime).toBe('unavailable');

  // 5. An untrusted click inside the panel itself (what a script that got into the frame could do).
  const frame = await panelFrame(page);
  await frame.evaluate(() => {
    const button = document.querySelector<HTMLButtonElement>('[data-testid="approve-gate"]')!;
    button.click();
    button.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  });
  expect(context.pages().filter((p) => p.url().endsWith('/review.html'))).toHaveLength(0);

  // 6. A decision sent over the panel's own port (the panel frame is what the page can cover): refused.
  const fromPanel = await frame.evaluate(
    ({ id, rev }) =>
      new Promise<string>((resolve) => {
        const c = (globalThis as unknown as { chrome: { runtime: { connect(o: { name: string }): { postMessage(m: unknown): void; onMessage: { addListener(f: (m: { kind: string; error?: { code?: string } }) => void): void } } } } }).chrome;
        const port = c.runtime.connect({ name: 'convops-panel-data' });
        port.onMessage.addListener((m) => resolve(m.kind === 'error' ? `error: ${m.error?.code}` : m.kind));
        port.postMessage({ kind: 'call', id: 1, op: 'act', args: { taskId: id, rev, action: { type: 'approve', stepId: 'walkthrough' } } });
        setTimeout(() => resolve('no answer'), 3000);
      }),
    { id: taskId, rev: Number(await panel.locator('[data-task-rev]').first().getAttribute('data-task-rev')) },
  );
  expect(fromPanel).toBe('error: decision-refused');

  // 7. A forged runtime message from another extension context that is not the panel (the options page):
  //    the background serves the panel's data port only to the panel page framed in a chat tab.
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  const forged = await options.evaluate(
    (id) =>
      new Promise<string>((resolve) => {
        const c = (globalThis as unknown as { chrome: { runtime: { connect(o: { name: string }): { postMessage(m: unknown): void; onMessage: { addListener(f: (m: unknown) => void): void }; onDisconnect: { addListener(f: () => void): void } } } } }).chrome;
        const port = c.runtime.connect({ name: 'convops-panel-data' });
        port.onMessage.addListener((m) => resolve(`answered: ${JSON.stringify(m)}`));
        port.onDisconnect.addListener(() => resolve('disconnected'));
        port.postMessage({ kind: 'call', id: 1, op: 'act', args: { taskId: id, rev: 3, action: { type: 'approve', stepId: 'walkthrough' } } });
        setTimeout(() => resolve('no answer'), 2000);
      }),
    taskId,
  );
  expect(forged).toBe('disconnected');

  await page.waitForTimeout(300);
  await expect(panel.getByTestId('step-list').locator('li[data-step-id="walkthrough"]')).toHaveAttribute('data-state', 'awaiting-approval');
  await expect(panel.getByTestId('approve-gate')).toBeVisible();
  const events = await readEvents(serviceWorker, taskId);
  expect(events.filter((e) => e.type === 'gate.approved')).toHaveLength(0);
  expect(events.at(-1)!.type).toBe('gate.requested');

  // A real click opens the review window, and a confirmation there approves.
  await decideInReview(panel, 'approve');
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'publish');
  expect((await readEvents(serviceWorker, taskId)).filter((e) => e.type === 'gate.approved')).toHaveLength(1);
});

test('two panels on the same task clicking Approve at once open one review window and record one approval', async ({ context, serviceWorker }) => {
  const first = await context.newPage();
  const { panel: a, taskId } = await toTheGate(first);
  const second = await context.newPage();
  await second.goto(first.url());
  await second.waitForFunction(() => window.__mock?.ready === true);
  const b = panelOf(second);
  await expect(b.getByTestId('approve-gate')).toBeVisible();
  expect(await taskIdOf(b)).toBe(taskId);

  const opened: Page[] = [];
  context.on('page', (p) => void opened.push(p));
  await Promise.all([a.getByTestId('approve-gate').click(), b.getByTestId('approve-gate').click()]);
  await expect.poll(() => opened.length).toBe(1);
  await first.waitForTimeout(500);
  expect(opened).toHaveLength(1);
  const review = opened[0]!;
  await review.waitForURL(/\/review\.html$/);
  // Clicking again brings the same window forward.
  await a.getByTestId('approve-gate').click();
  await first.waitForTimeout(300);
  expect(opened).toHaveLength(1);

  await confirmAndClose(review, 'approve');
  await expect(a.getByTestId('current-step')).toHaveAttribute('data-step-id', 'publish');
  await expect(b.getByTestId('current-step')).toHaveAttribute('data-step-id', 'publish');
  const events = await readEvents(serviceWorker, taskId);
  expect(events.filter((e) => e.type === 'gate.approved')).toHaveLength(1);
  expect(events.filter((e) => e.type === 'step.completed' && e.stepId === 'walkthrough')).toHaveLength(1);
});

test('the review port serves only a review window the background opened', async ({ context, extensionId }) => {
  const page = await context.newPage();
  const { panel } = await toTheGate(page);
  // review.html opened by hand (a tab, not a window made for a gate) gets nothing and can decide nothing.
  const byHand = await context.newPage();
  await byHand.goto(`chrome-extension://${extensionId}/review.html`);
  await expect(byHand.getByTestId('review-window')).toHaveAttribute('data-state', 'unbound');
  await expect(byHand.getByTestId('confirm-approve')).toHaveCount(0);
  const review = await openReview(panel);
  await expect(review.getByTestId('confirm-approve')).toBeEnabled();
});

import type { FrameLocator, Page } from '@playwright/test';
import { ensureName, panelFrame, panelOf, readEvents, startWorkflow, taskIdOf, completeStep } from './panel-support';
import { expect, openChatGPT, test } from './support/mock-sites';

/** Runs SOP Documentation up to its Walkthrough gate (steps completed without the chat: enough to test the gate). */
async function toTheGate(page: Page): Promise<{ panel: FrameLocator; taskId: string }> {
  await openChatGPT(page, { conversation: true });
  const panel = panelOf(page);
  await ensureName(panel, 'Lee Approver');
  await startWorkflow(panel, 'sop-documentation', 'Gate security');
  for (const step of ['capture-process', 'draft-sop', 'walkthrough']) {
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', step);
    await completeStep(panel);
  }
  await expect(panel.getByTestId('approve-gate')).toBeVisible();
  return { panel, taskId: await taskIdOf(panel) };
}

test('the host page cannot approve: synthetic clicks, postMessage, forged runtime messages and untrusted clicks all leave the gate closed', async ({
  context,
  serviceWorker,
  extensionId,
}) => {
  const page = await context.newPage();
  const { panel, taskId } = await toTheGate(page);

  const attempts = await page.evaluate(async (id) => {
    const results: Record<string, string> = {};
    const frame = document.querySelector<HTMLIFrameElement>('iframe[src$="/panel.html"]')!;
    // 1. Synthetic clicks and keys on the iframe element: they never cross into the frame's document.
    for (const type of ['mousedown', 'mouseup', 'click']) frame.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: 50, clientY: 300 }));
    frame.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    // 2. Reaching into the frame: cross-origin, refused.
    try {
      results.contentDocument = String(frame.contentDocument?.querySelector('[data-testid="approve-gate"]'));
    } catch (error) {
      results.contentDocument = `blocked: ${(error as Error).name}`;
    }
    try {
      (frame.contentWindow as unknown as { document: Document }).document.querySelector<HTMLButtonElement>('[data-testid="approve-gate"]')!.click();
      results.windowDocument = 'clicked';
    } catch (error) {
      results.windowDocument = `blocked: ${(error as Error).name}`;
    }
    // 3. postMessage to the frame, in the shapes a bridge might accept.
    for (const message of ['approve', { type: 'approve' }, { kind: 'call', id: 1, op: 'act', args: { taskId: id, rev: 0, action: { type: 'approve', stepId: 'walkthrough' } } }]) {
      frame.contentWindow!.postMessage(message, '*');
    }
    // 4. Runtime messages and ports from the page: no externally_connectable, so no channel at all.
    const runtime = (window as unknown as { chrome?: { runtime?: { sendMessage?: unknown; connect?: unknown } } }).chrome?.runtime;
    results.runtime = typeof runtime?.sendMessage === 'function' || typeof runtime?.connect === 'function' ? 'available' : 'unavailable';
    await new Promise((resolve) => setTimeout(resolve, 500));
    return results;
  }, taskId);
  expect(attempts.contentDocument).toMatch(/^(null|undefined|blocked)/);
  expect(attempts.windowDocument).toMatch(/^blocked/);
  expect(attempts.runtime).toBe('unavailable');

  // 5. An untrusted click inside the panel itself (what a script that got into the frame could do).
  const frame = await panelFrame(page);
  await frame.evaluate(() => {
    const button = document.querySelector<HTMLButtonElement>('[data-testid="approve-gate"]')!;
    button.click();
    button.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  });

  // 6. A forged runtime message from another extension context that is not the panel (the options page):
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

  // A real click still works.
  await panel.getByTestId('approve-gate').click();
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'publish');
});

test('two panels on the same task clicking Approve at once record one approval', async ({ context, serviceWorker }) => {
  const first = await context.newPage();
  const { panel: a, taskId } = await toTheGate(first);
  const second = await context.newPage();
  await second.goto(first.url());
  await second.waitForFunction(() => window.__mock?.ready === true);
  const b = panelOf(second);
  await expect(b.getByTestId('approve-gate')).toBeVisible();
  expect(await taskIdOf(b)).toBe(taskId);

  await Promise.all([a.getByTestId('approve-gate').click({ timeout: 3000 }).catch(() => undefined), b.getByTestId('approve-gate').click({ timeout: 3000 }).catch(() => undefined)]);

  await expect(a.getByTestId('current-step')).toHaveAttribute('data-step-id', 'publish');
  await expect(b.getByTestId('current-step')).toHaveAttribute('data-step-id', 'publish');
  const events = await readEvents(serviceWorker, taskId);
  expect(events.filter((e) => e.type === 'gate.approved')).toHaveLength(1);
  expect(events.filter((e) => e.type === 'step.completed' && e.stepId === 'walkthrough')).toHaveLength(1);
  // The panel that lost the race (if its click landed) says so instead of failing silently.
  const errors = [await a.getByTestId('panel-error').count(), await b.getByTestId('panel-error').count()];
  for (const [i, count] of errors.entries()) {
    if (count > 0) await expect((i === 0 ? a : b).getByTestId('panel-error')).toContainText('changed in another tab');
  }
});

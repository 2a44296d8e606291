import { ensureName, insertSendAndCapture, panelElement, panelOf, readEvents, sendWithPageButton, startWorkflow, taskIdOf } from './panel-support';
import { expect, openChatGPT, openClaude, test, typeIntoComposer } from './support/mock-sites';

/** Page scripts try to steer the content script. Each attack is a test; each ends with the real path still working. */

test('a synthetic click on Send (that the page even prevents) and a synthetic Enter record nothing; a real click records one message.sent', async ({
  context,
  serviceWorker,
}) => {
  const page = await context.newPage();
  await openChatGPT(page, { conversation: true });
  const panel = panelOf(page);
  await ensureName(panel, 'Sam Sender');
  await startWorkflow(panel, 'sop-documentation', 'Forged sends');
  const taskId = await taskIdOf(panel);
  await typeIntoComposer(page, 'classic', 'A question the person did not send');

  await page.evaluate(() => {
    const send = document.querySelector<HTMLButtonElement>('button[data-testid="send-button"]')!;
    // The page stops its own untrusted events: nothing is sent, the audit trail must not say otherwise.
    const block = (event: Event) => {
      if (event.isTrusted) return;
      event.preventDefault();
      event.stopImmediatePropagation();
    };
    send.addEventListener('click', block, { capture: true });
    const composer = document.querySelector<HTMLElement>('#prompt-textarea')!;
    composer.addEventListener('keydown', block, { capture: true });
    send.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    send.click();
    composer.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
  });
  await page.waitForTimeout(800);
  expect((await readEvents(serviceWorker, taskId)).filter((e) => e.type === 'message.sent')).toHaveLength(0);
  expect(await page.evaluate(() => window.__mock.sentMessages.length)).toBe(0);

  await sendWithPageButton(page);
  await expect.poll(async () => (await readEvents(serviceWorker, taskId)).filter((e) => e.type === 'message.sent').length).toBe(1);
  const sent = (await readEvents(serviceWorker, taskId)).find((e) => e.type === 'message.sent')!;
  expect(sent.actor).toEqual({ kind: 'human', name: 'Sam Sender' });
});

for (const site of ['chatgpt', 'claude'] as const) {
  test(`${site}: a forged WXT content-script-started event leaves the panel and capture working`, async ({ context, extensionId }) => {
    const page = await context.newPage();
    const script = { replies: ['AFTER-FORGERY: still captured.'], chunks: 3, intervalMs: 10, firstChunkDelayMs: 20, settleMs: 20 };
    if (site === 'chatgpt') await openChatGPT(page, { conversation: true, script });
    else await openClaude(page, { conversation: true, script });
    const panel = panelOf(page);
    await ensureName(panel, 'Sam Sender');
    await startWorkflow(panel, 'sop-documentation', 'Forged restart');

    // What a newer copy of the content script would announce, as WXT names it; the page can compute the name.
    // Each site has its own entry, named after it (and older builds' one entry was `host`).
    await page.evaluate(
      ({ id, entry }) => {
        for (const name of [entry, 'host']) {
          const type = `${id}:${name}:wxt:content-script-started`;
          for (const target of [document, window]) {
            target.dispatchEvent(new CustomEvent(type, { detail: { contentScriptName: name, messageId: 'forged' } }));
          }
          window.postMessage({ type, contentScriptName: name, messageId: 'forged' }, '*');
        }
      },
      { id: extensionId, entry: site },
    );
    await page.waitForTimeout(800);

    await expect(panelElement(page)).toHaveCount(1);
    await expect(panel.getByTestId('convops-panel')).toBeVisible();
    await insertSendAndCapture(page, panel);
    await expect(panel.locator('[data-testid="note"][data-source="captured"]')).toContainText('AFTER-FORGERY');
  });
}

test('the page cannot point the panel frame at a data: page; when something does, the real panel comes back', async ({ context }) => {
  const page = await context.newPage();
  await openChatGPT(page, { conversation: true });
  const panel = panelOf(page);
  await ensureName(panel, 'Sam Sender');
  await startWorkflow(panel, 'sop-documentation', 'Fake panel');
  const fake = 'data:text/html,<h1>ConvOps</h1><button>Approve</button>';

  // What a page script can do: the frame is in a closed shadow root, so there is nothing to redirect.
  const reach = await page.evaluate((fake) => {
    const frame = document.querySelector<HTMLIFrameElement>('iframe[src*="panel.html"]');
    if (frame) frame.src = fake;
    for (let i = 0; i < window.frames.length; i++) window.frames[i]!.location.href = fake;
    return { frame: Boolean(frame), frames: window.frames.length };
  }, fake);
  expect(reach).toEqual({ frame: false, frames: 0 });

  // Suppose it got the element anyway (the test harness hands it over): changing `src` is undone by the mount.
  await panelElement(page).evaluate((el, fake) => ((el as HTMLIFrameElement).src = fake), fake);
  await page.waitForTimeout(500);
  await expect.poll(() => page.frames().filter((f) => f.url().startsWith('data:')).length, { timeout: 10_000 }).toBe(0);
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'capture-process');
  await expect(panelElement(page)).toHaveAttribute('src', /\/panel\.html$/);
});

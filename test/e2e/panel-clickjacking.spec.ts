import type { BrowserContext, Page, Worker } from '@playwright/test';
import { panelOf, readEvents, runToSopGate } from './panel-support';
import { expect, openChatGPT, openClaude, test } from './support/mock-sites';

/**
 * Clickjacking: page scripts only, the person clicking normally, at what the page shows them. Each
 * attack puts the panel's Approve under the person's click while showing something else; none may
 * record `gate.approved`. (A real click may reach the panel's Approve: that only opens the review
 * window, a top-level window of the extension the page cannot draw on.)
 */

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function approveBox(page: Page): Promise<Box> {
  const box = await panelOf(page).getByTestId('approve-gate').boundingBox();
  expect(box).not.toBeNull();
  return box!;
}

/** The person clicks the decoy; whatever opens is closed; no approval is recorded. */
async function clickDecoyAndCheck(context: BrowserContext, page: Page, serviceWorker: Worker, taskId: string, box: Box): Promise<Page[]> {
  const opened: Page[] = [];
  const onPage = (p: Page) => void opened.push(p);
  context.on('page', onPage);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForTimeout(1_500);
  context.off('page', onPage);
  const events = await readEvents(serviceWorker, taskId);
  expect(events.filter((e) => e.type === 'gate.approved')).toHaveLength(0);
  expect(events.at(-1)!.type).toBe('gate.requested');
  return opened;
}

/** The decoy the page draws where the panel's Approve is. */
function decoyScript(box: Box) {
  return `
    const decoy = document.createElement('button');
    decoy.textContent = 'Claim your free month';
    decoy.setAttribute('style', 'position:fixed;left:${box.x}px;top:${box.y}px;width:${box.width}px;height:${box.height}px;z-index:1;');
    document.body.append(decoy);`;
}

for (const site of ['chatgpt', 'claude'] as const) {
  const open = (page: Page) => (site === 'chatgpt' ? openChatGPT(page, { conversation: true }) : openClaude(page, { conversation: true }));

  test(`${site}: a transparent panel over a decoy: the click does not approve; the panel is put back and the health line says the page interfered`, async ({
    context,
    serviceWorker,
  }) => {
    const page = await context.newPage();
    const { panel, taskId } = await runToSopGate(page, open);
    const box = await approveBox(page);
    await page.evaluate(`(() => {
      ${decoyScript(box)}
      const sheet = document.createElement('style');
      sheet.textContent = 'iframe, body > div { opacity: 0 !important; }';
      document.head.append(sheet);
      // Whatever the page can reach of the panel, made invisible again and again.
      const hide = () => {
        const targets = [document.getElementById('convops-panel-host'), ...document.querySelectorAll('iframe')];
        for (const el of targets) if (el) el.style.setProperty('opacity', '0', 'important');
      };
      hide();
      window.__hider = setInterval(hide, 50);
    })()`);
    const opened = await clickDecoyAndCheck(context, page, serviceWorker, taskId, box);
    // The real click reached the real panel: it opened the review window, which shows the gate as it is.
    expect(opened).toHaveLength(1);
    await expect(opened[0]!.getByTestId('review-window')).toHaveAttribute('data-state', 'waiting');
    await opened[0]!.close();
    await expect(panel.getByTestId('site-interference')).toBeVisible();
    // While the page re-hides it 20 times a second the mount restores at most that often (it defers
    // the rest, so a page cannot keep it busy); once the page stops, the panel is visible again.
    // (By its id: the mock assistant streams with a timer per chunk, so ids run past any fixed range.)
    await page.evaluate(() => clearInterval((window as Window & { __hider?: number }).__hider));
    await expect.poll(() => page.locator('#convops-panel-host').evaluate((el) => getComputedStyle(el).opacity)).not.toBe('0');
  });

  test(`${site}: an opaque cover with pointer-events:none over the panel: the click does not approve`, async ({ context, serviceWorker }) => {
    const page = await context.newPage();
    const { taskId } = await runToSopGate(page, open);
    const box = await approveBox(page);
    await page.evaluate(`(() => {
      const cover = document.createElement('div');
      cover.setAttribute('style', 'position:fixed;inset:0;z-index:2147483647;pointer-events:none;background:#fff;');
      const fake = document.createElement('button');
      fake.textContent = 'Continue reading';
      fake.setAttribute('style', 'position:absolute;left:${box.x}px;top:${box.y}px;width:${box.width}px;height:${box.height}px;');
      cover.append(fake);
      document.body.append(cover);
    })()`);
    const opened = await clickDecoyAndCheck(context, page, serviceWorker, taskId, box);
    for (const p of opened) await p.close();
  });

  test(`${site}: a page-made panel.html frame under the cursor: the click does not approve`, async ({ context, serviceWorker, extensionId }) => {
    const page = await context.newPage();
    const { taskId } = await runToSopGate(page, open);
    const box = await approveBox(page);
    // The worst case: the page learnt the real panel's address (it cannot read it from the page: the
    // frame is in a closed shadow root). It also tries the address every installation shares.
    const leaked = page.frames().find((f) => f.url().endsWith('/panel.html'))!.url();
    const found = await page.evaluate(
      ({ leaked, guessed }) => {
        const real = document.querySelector<HTMLIFrameElement>('iframe[src*="panel.html"]');
        const frame = document.createElement('iframe');
        frame.src = real?.src ?? leaked;
        const width = real?.getBoundingClientRect().width ?? 380;
        frame.setAttribute('style', `position:fixed;top:0;right:0;width:${width}px;height:100%;border:0;opacity:0;z-index:2147483647;`);
        frame.dataset.attacker = 'yes';
        document.body.append(frame);
        const guess = document.createElement('iframe');
        guess.src = guessed;
        guess.setAttribute('style', 'position:fixed;top:0;left:0;width:10px;height:10px;opacity:0;');
        document.body.append(guess);
        return real ? 'read from the page' : 'not found in the page';
      },
      { leaked, guessed: `chrome-extension://${extensionId}/panel.html` },
    );
    // The page's own frame of panel.html: Chromium refuses to load it for the page (`use_dynamic_url`:
    // only the extension's own frame may load the panel); where a browser did load it, it would be a
    // real panel whose Approve only opens the review window. Either way the click below approves nothing.
    const attacker = async () => {
      for (const frame of page.frames()) {
        const element = await frame.frameElement().catch(() => null);
        if (element && (await element.getAttribute('data-attacker')) === 'yes') return frame;
      }
      return null;
    };
    let outcome = 'loading';
    await expect
      .poll(
        async () => {
          const frame = await attacker();
          if (!frame) return 'loading';
          if (frame.url().startsWith('chrome-error:')) return (outcome = 'blocked');
          if (await frame.getByTestId('approve-gate').isVisible().catch(() => false)) return (outcome = 'panel');
          return 'loading';
        },
        { timeout: 15_000 },
      )
      .toMatch(/blocked|panel/);
    // Chromium: the page cannot frame the panel at all, even with its address.
    expect(outcome).toBe('blocked');
    test.info().annotations.push({ type: 'panel address', description: found });
    const opened = await clickDecoyAndCheck(context, page, serviceWorker, taskId, box);
    for (const p of opened) await p.close();
  });
}

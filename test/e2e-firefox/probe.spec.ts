import { expect, test } from '@playwright/test';
import { MockSites } from '../e2e/support/mock-sites';
import { launchFirefox, serveMockSites } from './firefox';

test('probe', async () => {
  const { browser, extensionId } = await launchFirefox();
  console.log('ext', extensionId, await browser.version());
  try {
    const page = await browser.newPage();
    await serveMockSites(page, new MockSites());
    await page.goto('https://chatgpt.com/');
    await page.waitForFunction(() => (window as any).__mock?.ready === true, { timeout: 15000 });
    console.log('mock ready');
    await new Promise((r) => setTimeout(r, 4000));
    console.log(await page.evaluate(() => { const f = document.querySelector('#convops-panel-host iframe') as HTMLIFrameElement | null; return [!!document.getElementById('convops-panel-host'), f?.src]; }));
    console.log(page.frames().map((f) => f.url()));
    for (const f of page.frames()) console.log(await f.evaluate(() => [location.href, document.body?.innerText.slice(0, 200)]).catch((e) => String(e)));
    const handle = await page.$('#convops-panel-host iframe');
    const cf = await handle?.contentFrame();
    console.log('cf', cf?.url(), await cf?.evaluate(() => [location.href, document.body?.innerText.slice(0, 200)]).catch((e) => String(e)));
    expect(1).toBe(1);
  } finally {
    await browser.close();
  }
});

import type { Frame, Page } from '@playwright/test';
import { panelFrame } from './panel-support';
import { expect, openChatGPT, openClaude, test } from './support/mock-sites';

/** The panel's own root: the `dark` class drives every `dark:` style, and its computed background. */
function panelLook(frame: Frame) {
  return frame.evaluate(() => ({
    dark: document.documentElement.classList.contains('dark'),
    background: getComputedStyle(document.querySelector('[data-testid="convops-panel"]') ?? document.body).backgroundColor,
  }));
}

async function setSiteTheme(page: Page, site: 'chatgpt' | 'claude', theme: 'light' | 'dark') {
  // What each site does when a person switches its theme setting: ChatGPT a class on <html>,
  // Claude a data attribute.
  await page.evaluate(
    ({ site, theme }) => {
      const root = document.documentElement;
      if (site === 'chatgpt') {
        root.classList.remove('light', 'dark');
        root.classList.add(theme);
      } else root.dataset.mode = theme;
    },
    { site, theme },
  );
}

for (const site of ['chatgpt', 'claude'] as const) {
  test(`${site}: the panel follows the site's own theme, not only the system's`, async ({ context }) => {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: 'light' });
    await (site === 'chatgpt' ? openChatGPT : openClaude)(page);
    const frame = await panelFrame(page);
    await expect.poll(() => panelLook(frame).then((l) => l.dark)).toBe(false);
    const light = await panelLook(frame);

    await setSiteTheme(page, site, 'dark');
    await expect.poll(() => panelLook(frame).then((l) => l.dark)).toBe(true);
    expect((await panelLook(frame)).background).not.toBe(light.background);

    // The site says light while the system says dark: the site wins.
    await page.emulateMedia({ colorScheme: 'dark' });
    await setSiteTheme(page, site, 'light');
    await expect.poll(() => panelLook(frame).then((l) => l.dark)).toBe(false);
  });
}

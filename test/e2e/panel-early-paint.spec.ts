import type { Page } from '@playwright/test';
import { ensureName, panelOf, startWorkflow } from './panel-support';
import { expect, openChatGPT, openClaude, test } from './support/mock-sites';

/**
 * Opening a conversation that has a task: the panel paints the current step from the background's
 * first answer, before React has loaded, with its own few rules (components/panel/first-paint.css),
 * because the built panel.html no longer lets the whole stylesheet block that paint
 * (scripts/panel-early-paint.ts). What a person must never see on the way is an unstyled panel: the
 * early paint already styled, React's task view only once the whole stylesheet has loaded.
 */

interface PaintRecord {
  what: 'early' | 'react';
  /** The step's title as drawn then: its weight (600 = `font-semibold`), and the card's corner radius. */
  titleWeight: string;
  cardRadius: string;
  /** Top-level rules of the whole stylesheet (components/styles.css) in the page at that moment; 0 = not loaded. */
  wholeStylesheetRules: number;
}

/** How long the panel's stylesheet is held back in the test: longer than React takes to load. */
const STYLESHEET_DELAY_MS = 800;

/**
 * Records, in the panel frame from its very start, what each of the two paints looked like when it
 * went in. The whole stylesheet is held back STYLESHEET_DELAY_MS (its address is set that much later),
 * as on a machine where it is slow to load: otherwise it would usually be there first here, and the
 * test could not tell a paint styled by its own rules from one styled by luck.
 */
async function recordPanelPaints(page: Page, delayMs: number): Promise<void> {
  await page.context().addInitScript((delayMs) => {
    if (!location.pathname.endsWith('/panel.html')) return;
    const hrefSetter = Object.getOwnPropertyDescriptor(HTMLLinkElement.prototype, 'href')!.set!;
    Object.defineProperty(HTMLLinkElement.prototype, 'href', {
      set(this: HTMLLinkElement, value: string) {
        if (this.rel === 'stylesheet') setTimeout(() => hrefSetter.call(this, value), delayMs);
        else hrefSetter.call(this, value);
      },
    });
    const records: PaintRecord[] = [];
    (window as unknown as { __paints: PaintRecord[] }).__paints = records;
    const wholeStylesheetRules = () =>
      [...document.styleSheets].filter((sheet) => sheet.href?.includes('/assets/styles')).reduce((sum, sheet) => sum + sheet.cssRules.length, 0);
    const record = (what: PaintRecord['what'], title: Element | null, card: Element | null) => {
      if (!title || !card || records.some((r) => r.what === what)) return;
      records.push({ what, titleWeight: getComputedStyle(title).fontWeight, cardRadius: getComputedStyle(card).borderTopLeftRadius, wholeStylesheetRules: wholeStylesheetRules() });
    };
    new MutationObserver(() => {
      const early = document.querySelector('main[data-first-paint]');
      record('early', early?.querySelector('h2') ?? null, early?.querySelector('section') ?? null);
      const card = document.querySelector('[data-task-id] [data-testid="current-step"]');
      record('react', card?.querySelector('[elementtiming="current-step"]') ?? null, card);
    }).observe(document, { subtree: true, childList: true });
  }, delayMs);
}

const sites = [
  { name: 'ChatGPT', open: openChatGPT },
  { name: 'Claude', open: openClaude },
] as const;

for (const site of sites) {
  test(`${site.name}: reopening a conversation with a task paints its step styled at once, and React only once the stylesheet has loaded`, async ({ context }) => {
    const page = await context.newPage();
    await site.open(page, { conversation: true, turns: 3 });
    const panel = panelOf(page);
    await ensureName(panel, 'Robin Operator');
    await startWorkflow(panel, 'sop-documentation', 'Early paint', { drive: false });
    await expect(panel.getByTestId('current-step')).toBeVisible();

    await recordPanelPaints(page, STYLESHEET_DELAY_MS);
    await page.reload();
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'capture-process');
    const frame = page.frames().find((f) => f.url().endsWith('/panel.html'))!;
    await expect.poll(() => frame.evaluate(() => (window as unknown as { __paints?: PaintRecord[] }).__paints?.length ?? 0)).toBe(2);
    const [early, react] = await frame.evaluate(() => (window as unknown as { __paints: PaintRecord[] }).__paints);

    // The step painted early, from the background's first answer, before the whole stylesheet was
    // there (it was held back), and styled by its own rules.
    expect(early).toMatchObject({ what: 'early', titleWeight: '600', cardRadius: '8px', wholeStylesheetRules: 0 });
    // React's view in the same style, and never before the whole stylesheet was there.
    expect(react).toMatchObject({ what: 'react', titleWeight: '600', cardRadius: '8px' });
    const loaded = await frame.evaluate(() =>
      [...document.styleSheets].filter((sheet) => sheet.href?.includes('/assets/styles')).reduce((sum, sheet) => sum + sheet.cssRules.length, 0),
    );
    expect(loaded).toBeGreaterThan(20);
    expect(react!.wholeStylesheetRules).toBe(loaded);
    // The early rules are gone with the early paint: the whole stylesheet holds them.
    expect(await frame.evaluate(() => document.querySelectorAll('head style').length)).toBe(0);
    // Linked once (the preloaded response, not a second file).
    expect(await frame.evaluate(() => document.querySelectorAll('link[rel="stylesheet"]').length)).toBe(1);
  });
}

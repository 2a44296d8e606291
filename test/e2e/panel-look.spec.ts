import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { completeStep, confirmAndClose, ensureName, insertSendAndCapture, panelFrame, panelOf, startWorkflow } from './panel-support';
import { expect, openChatGPT, openClaude, test } from './support/mock-sites';

// Every run saves them under test-results/; `npm run screenshots` refreshes the README's copies.
const screenshots = process.env.UPDATE_SCREENSHOTS
  ? path.resolve(import.meta.dirname, '../../docs/screenshots')
  : path.resolve(import.meta.dirname, '../../test-results/screenshots');
const fast = { chunks: 4, intervalMs: 10, firstChunkDelayMs: 20, settleMs: 20, rowLeadMs: 30 };
const reply =
  '## Draft SOP\n\n1. Open the **ledger** and export last month.\n2. Reconcile each account against the bank statement.\n3. Post the accruals.\n\n| Owner | Due |\n|---|---|\n| Finance | Day 3 |';

/**
 * Serious or critical accessibility problems in the panel frame only (not the mock site around it).
 * The panel's iframe is in a closed shadow root, where axe's page-level run cannot follow it, so axe
 * runs inside the panel's own frame.
 */
async function panelViolations(page: Page): Promise<string[]> {
  const frame = await panelFrame(page);
  await frame.evaluate(axeSource);
  const violations = await frame.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact?: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function reviewViolations(review: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page: review }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

for (const scheme of ['light', 'dark'] as const) {
  for (const site of ['chatgpt', 'claude'] as const) {
    test(`panel on ${site}, ${scheme}: screenshot and no serious accessibility violations`, async ({ context }) => {
      const page = await context.newPage();
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.emulateMedia({ colorScheme: scheme });
      const open = site === 'chatgpt' ? openChatGPT : openClaude;
      await open(page, { script: { ...fast, replies: [reply] }, urlDelayMs: 100 });
      const panel = panelOf(page);

      await expect(panel.getByTestId('name-prompt')).toBeVisible();
      expect(await panelViolations(page)).toEqual([]);
      await ensureName(panel, 'Alex Morgan');
      await expect(panel.getByTestId('workflow-picker')).toBeVisible();
      expect(await panelViolations(page)).toEqual([]);
      if (site === 'chatgpt') await page.screenshot({ path: path.join(screenshots, `panel-start-${site}-${scheme}.png`) });

      // Steps are clicked through by hand here; drive mode would put each next briefing in the prompt box.
      await startWorkflow(panel, 'sop-documentation', 'Month-end close', { drive: false });
      await insertSendAndCapture(page, panel);
      await completeStep(panel);
      await completeStep(panel);
      await completeStep(panel);
      await expect(panel.getByTestId('gate-card')).toBeVisible();
      // The gate card and the step's result push the button to the panel's bottom edge, where the
      // mock page's fixed composer bar overlaps the frame: bring it to the middle first.
      const preview = panel.getByText('Preview briefing');
      await preview.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await preview.click();
      await expect(panel.getByTestId('briefing-preview')).toBeVisible();
      expect(await panelViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(screenshots, `panel-gate-${site}-${scheme}.png`) });

      // Keyboard: the decision buttons are reachable with Tab and show a visible focus ring; Enter opens the review window.
      await page.bringToFront();
      await panel.getByTestId('approve-gate').focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      await expect(panel.getByTestId('approve-gate')).toBeFocused();
      const outline = await panel.getByTestId('approve-gate').evaluate((el) => getComputedStyle(el).outlineStyle);
      expect(outline).not.toBe('none');
      const opened = page.context().waitForEvent('page');
      await page.keyboard.press('Enter');
      const review = await opened;
      await review.waitForURL(/\/review\.html$/);
      expect(await reviewViolations(review)).toEqual([]);
      await confirmAndClose(review, 'approve');
      await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'publish');
      await completeStep(panel);
      await expect(panel.getByTestId('task-finished')).toBeVisible();
      expect(await panelViolations(page)).toEqual([]);
      if (site === 'claude') await page.screenshot({ path: path.join(screenshots, `panel-done-${site}-${scheme}.png`) });
    });
  }
}

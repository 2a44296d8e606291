import type { Page } from '@playwright/test';
import path from 'node:path';
import { ensureName, openReview, panelOf } from './panel-support';
import { briefingSent, fastProtocol, onStep, say } from './support/drive';
import { expect, openChatGPT, test } from './support/mock-sites';

/**
 * The README's pictures of a whole task in drive mode, in both themes: the AI at work (the person's
 * turn to answer it), the gate with the review window beside the chat, and the end of the task.
 * `npm run screenshots` runs this on the current build and writes docs/screenshots/; the drive flow
 * itself is checked by drive-sop.spec.ts, so the everyday suite skips this copy of it.
 */

test.skip(!process.env.UPDATE_SCREENSHOTS, 'pictures only: `npm run screenshots` (drive-sop.spec.ts checks this flow)');

const screenshots = path.resolve(import.meta.dirname, '../../docs/screenshots');
const viewport = { width: 1280, height: 800 };

/** The chat with its panel and the review window side by side, as they sit on a screen, in one picture. */
async function besideEachOther(page: Page, review: Page, scheme: 'light' | 'dark', file: string): Promise<void> {
  const chat = (await page.screenshot()).toString('base64');
  const window = (await review.screenshot()).toString('base64');
  const board = await page.context().newPage();
  await board.setViewportSize({ width: 1900, height: 900 });
  await board.setContent(
    `<body style="margin:0;background:${scheme === 'dark' ? '#1f2126' : '#d9dce1'}">` +
      '<div id="board" style="display:inline-flex;gap:28px;align-items:flex-start;padding:28px">' +
      `<img src="data:image/png;base64,${chat}" style="box-shadow:0 4px 18px #0006">` +
      `<img src="data:image/png;base64,${window}" style="margin-top:48px;box-shadow:0 8px 28px #0008;border-radius:8px">` +
      '</div></body>',
  );
  await board.locator('#board').screenshot({ path: path.join(screenshots, file) });
  await board.close();
}

for (const scheme of ['light', 'dark'] as const) {
  test(`README pictures, ${scheme}: drive mode on ChatGPT, the gate with the review window beside it, the finished task`, async ({ context }) => {
    test.setTimeout(90_000);
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    await page.emulateMedia({ colorScheme: scheme });
    await openChatGPT(page, { script: { ...fastProtocol }, urlDelayMs: 200 });
    const panel = panelOf(page);
    await expect(panel.getByTestId('site-health')).toHaveAttribute('data-composer', 'found');
    await ensureName(panel, 'Dana Reviewer');

    // Drive mode (the default): one click starts the task and sends step 1; the AI interviews the person.
    await panel.getByTestId('workflow-picker').selectOption('sop-documentation');
    await panel.getByTestId('task-title').fill('Month-end close');
    await panel.getByTestId('start-and-send').click();
    await onStep(panel, 'capture-process');
    await expect(panel.getByTestId('drive-toggle')).toBeChecked();
    await expect(panel.getByTestId('headline')).toHaveAttribute('data-moment', 'your-turn', { timeout: 15_000 });
    await page.screenshot({ path: path.join(screenshots, `drive-chatgpt-${scheme}.png`) });

    // The person answers in the chat; the AI completes the steps up to the Walkthrough gate.
    await say(page, 'classic', 'The controller runs it on the first working day; the ledger and the bank portal.');
    await onStep(panel, 'walkthrough');
    await expect(panel.getByTestId('gate-card')).toBeVisible({ timeout: 15_000 });

    // Approve… opens the review window, where the person reads the result and confirms.
    const review = await openReview(panel, 'approve-gate');
    await review.emulateMedia({ colorScheme: scheme });
    await review.setViewportSize({ width: 520, height: 720 });
    await besideEachOther(page, review, scheme, `gate-review-chatgpt-${scheme}.png`);
    await Promise.all([review.waitForEvent('close'), review.getByTestId('confirm-approve').click().catch(() => undefined)]);

    // Publish's briefing goes out after the approval; the AI's line ends the task.
    await briefingSent(page, 'Step 4 of 4: Publish');
    await expect(panel.getByTestId('task-finished')).toBeVisible({ timeout: 15_000 });
    await page.screenshot({ path: path.join(screenshots, `done-chatgpt-${scheme}.png`) });
  });
}

import type { BrowserContext, Page, Worker } from '@playwright/test';
import { ensureName, panelOf, readEvents, taskIdOf } from '../e2e/panel-support';
import { countClicks } from '../e2e/support/click-counter';
import { briefingSent, decideGate, fastProtocol, onStep, say } from '../e2e/support/drive';
import { expect, openChatGPT, openClaude, test } from '../e2e/support/mock-sites';
import { writeBenchResult } from './support/results';

/**
 * The person's effort on a whole SOP Documentation task driven by the AI, with the default settings
 * (drive mode sends each next briefing), per site: every action the person takes — clicks, a list
 * choice as two, every key that is not text (the chat's Enter that sends the answer included) — and
 * the characters they type (the title, the answer, the rejection comment), and the characters of each
 * briefing that went into the prompt box, per step and visit.
 */
const sites = [
  { site: 'chatgpt', generation: 'classic', open: openChatGPT },
  { site: 'claude', generation: 'virtualized', open: openClaude },
] as const;

async function runSop(context: BrowserContext, serviceWorker: Worker, { generation, open }: (typeof sites)[number]) {
  const page: Page = await context.newPage();
  await open(page, { script: fastProtocol, urlDelayMs: 200 });
  const panel = panelOf(page);
  await ensureName(panel, 'Bench Person');
  const actions = await countClicks(context);
  try {
    await panel.getByTestId('workflow-picker').selectOption('sop-documentation');
    await panel.getByTestId('task-title').fill('Month-end close');
    await panel.getByTestId('start-and-send').click();
    await onStep(panel, 'capture-process');
    const taskId = await taskIdOf(panel);
    await expect(panel.locator('[data-testid="note"][data-step-id="capture-process"]')).toHaveCount(1, { timeout: 15_000 });
    await say(page, generation, 'The controller runs it on the first working day, with the ledger and the bank portal.');
    await briefingSent(page, 'Step 3 of 4: Walkthrough');
    await expect(panel.getByTestId('gate-card')).toBeVisible({ timeout: 15_000 });
    await decideGate(page, panel, 'reject', 'Say who to tell when it is done.');
    await briefingSent(page, 'Step 3 of 4: Walkthrough', 2);
    await expect(panel.getByTestId('gate-card')).toBeVisible({ timeout: 15_000 });
    await decideGate(page, panel, 'approve');
    await expect(panel.getByTestId('task-finished')).toBeVisible({ timeout: 15_000 });

    const events = await readEvents(serviceWorker, taskId);
    const briefings = events
      .filter((e) => e.type === 'briefing.inserted')
      .map((e, i, all) => ({
        step: e.stepId ?? '?',
        visit: all.slice(0, i + 1).filter((x) => x.stepId === e.stepId).length,
        chars: Number(e.data['chars']),
      }));
    return { actions: actions.count, typed: actions.typed, actionLog: [...actions.log], briefings };
  } finally {
    actions.restore();
    await page.close();
  }
}

test('SOP task driven by the AI: the person\'s actions per site and briefing sizes', async ({ context, serviceWorker }) => {
  test.setTimeout(4 * 60_000);
  const result: Record<string, Awaited<ReturnType<typeof runSop>>> = {};
  for (const site of sites) result[site.site] = await runSop(context, serviceWorker, site);
  writeBenchResult('sop-drive', { sites: result });
});

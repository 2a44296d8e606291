import { ensureName, panelOf, readEvents, taskIdOf } from '../e2e/panel-support';
import { countClicks } from '../e2e/support/click-counter';
import { briefingInComposer, decideGate, fastProtocol, onStep, say } from '../e2e/support/drive';
import { expect, openChatGPT, test } from '../e2e/support/mock-sites';
import { writeBenchResult } from './support/results';

/**
 * The person's effort on a whole SOP Documentation task on the ChatGPT mock, driven by the AI: the
 * clicks it takes (start, one rejection, one approval) and the characters of each briefing that went
 * into the prompt box, per step and visit.
 */
test('SOP task driven by the AI: clicks and briefing sizes', async ({ context, serviceWorker }) => {
  test.setTimeout(2 * 60_000);
  const page = await context.newPage();
  await openChatGPT(page, { script: fastProtocol, urlDelayMs: 200 });
  const panel = panelOf(page);
  await ensureName(panel, 'Bench Person');
  const clicks = await countClicks(context);
  try {
    await panel.getByTestId('workflow-picker').selectOption('sop-documentation');
    await panel.getByTestId('task-title').fill('Month-end close');
    await panel.getByTestId('start-and-send').click();
    await onStep(panel, 'capture-process');
    const taskId = await taskIdOf(panel);
    await expect(panel.locator('[data-testid="note"][data-step-id="capture-process"]')).toHaveCount(1, { timeout: 15_000 });
    await say(page, 'classic', 'The controller runs it on the first working day, with the ledger and the bank portal.');
    for (const [step, heading] of [
      ['draft-sop', 'Step 2 of 4: Draft SOP'],
      ['walkthrough', 'Step 3 of 4: Walkthrough'],
    ] as const) {
      await onStep(panel, step);
      await briefingInComposer(page, panel, heading);
      await say(page, 'classic', '');
    }
    await decideGate(page, panel, 'reject', 'Say who to tell when it is done.');
    for (const [step, heading] of [
      ['draft-sop', 'Step 2 of 4: Draft SOP'],
      ['walkthrough', 'Step 3 of 4: Walkthrough'],
    ] as const) {
      await onStep(panel, step);
      await briefingInComposer(page, panel, heading);
      await say(page, 'classic', '');
    }
    await decideGate(page, panel, 'approve');
    await onStep(panel, 'publish');
    await briefingInComposer(page, panel, 'Step 4 of 4: Publish');
    await say(page, 'classic', '');
    await expect(panel.getByTestId('task-finished')).toBeVisible({ timeout: 15_000 });

    const events = await readEvents(serviceWorker, taskId);
    const briefings = events
      .filter((e) => e.type === 'briefing.inserted')
      .map((e, i, all) => ({
        step: e.stepId ?? '?',
        visit: all.slice(0, i + 1).filter((x) => x.stepId === e.stepId).length,
        chars: Number(e.data['chars']),
      }));
    writeBenchResult('sop-drive', { clicks: clicks.count, clickLog: [...clicks.log], briefings });
  } finally {
    clicks.restore();
  }
});

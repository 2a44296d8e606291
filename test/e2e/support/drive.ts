import type { FrameLocator, Page } from '@playwright/test';
import { composerSelectors, expect, mockState, type MockGeneration } from './mock-sites';
import { decideInReview, panelFrame } from '../panel-support';

/** Helpers for the driven SOP task (test/e2e/drive-sop.spec.ts and test/bench/sop-drive.bench.ts). */

export const fastProtocol = { protocol: true, chunks: 4, intervalMs: 10, firstChunkDelayMs: 20, settleMs: 20, rowLeadMs: 30 };

/**
 * The gate decision, in one place, as a person takes it: Approve… / Reject… in the panel opens the
 * review window, where the comment is typed and the decision confirmed (two clicks per decision).
 */
export async function decideGate(page: Page, panel: FrameLocator, decision: 'approve' | 'reject', comment = ''): Promise<void> {
  await expect(panel.getByTestId('gate-card')).toBeVisible();
  await decideInReview(panel, decision, comment);
  await expect(panel.getByTestId('gate-card')).toBeHidden();
  void page;
}

/** The person types in the chat and presses Enter (typing, not a click). */
export async function say(page: Page, generation: MockGeneration, text: string): Promise<void> {
  const before = (await mockState(page)).sentMessages.length;
  const composer = page.locator(composerSelectors[generation]);
  await composer.focus();
  if (text) await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await mockState(page)).sentMessages.length).toBe(before + 1);
}

/** Waits until drive mode has sent the `nth` briefing with this heading (auto-send, the default), and returns it. */
export async function briefingSent(page: Page, heading: string, nth = 1): Promise<string> {
  // The heading is the briefing's first line (a later briefing may quote an earlier step's title).
  const opensWith = (m: string) => m.split('\n')[0]!.includes(heading);
  await expect.poll(async () => (await mockState(page)).sentMessages.filter(opensWith).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(nth);
  return (await mockState(page)).sentMessages.filter(opensWith)[nth - 1]!;
}

/** Waits until drive mode has put the briefing with this heading into the prompt box, unsent (auto-send off), and returns it. */
export async function briefingInComposer(page: Page, panel: FrameLocator, heading: string): Promise<string> {
  await expect.poll(async () => (await mockState(page)).editorText, { timeout: 15_000 }).toContain(heading);
  await expect(panel.getByTestId('headline')).toHaveAttribute('data-moment', 'inserted');
  return (await mockState(page)).editorText;
}

export async function onStep(panel: FrameLocator, stepId: string): Promise<void> {
  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', stepId, { timeout: 15_000 });
}

/**
 * Every step the panel shows as current from now on, in order, recorded in the panel frame as the
 * view changes. For a step the AI completes on its own (drive mode sends its briefing, the reply
 * carries the line): it is on screen for a moment only, and a poll of the panel (Playwright's come
 * up to a second apart) can miss it. `showed(stepId, nth)` waits until the panel had shown it `nth` times.
 */
export async function recordStepsShown(page: Page): Promise<{ showed: (stepId: string, nth?: number) => Promise<void> }> {
  const frame = await panelFrame(page);
  await frame.evaluate(() => {
    const scope = window as unknown as { __stepsShown?: string[] };
    const shown: string[] = [];
    scope.__stepsShown = shown;
    const look = () => {
      const step = document.querySelector('[data-testid="current-step"]')?.getAttribute('data-step-id');
      if (step && shown.at(-1) !== step) shown.push(step);
    };
    look();
    new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-step-id'] });
  });
  const count = async (stepId: string) => (await frame.evaluate(() => (window as unknown as { __stepsShown: string[] }).__stepsShown)).filter((s) => s === stepId).length;
  return {
    showed: async (stepId, nth = 1) => {
      await expect.poll(() => count(stepId), { timeout: 15_000, message: `the panel showed step "${stepId}" ${nth} time(s)` }).toBeGreaterThanOrEqual(nth);
    },
  };
}


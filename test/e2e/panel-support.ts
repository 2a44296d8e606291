import type { Frame, FrameLocator, Page, Worker } from '@playwright/test';
import { panelElement } from './support/closed-panel';
import { expect } from './support/extension';

export { panelElement };

/** Helpers shared by the panel specs (test/e2e/panel-*.spec.ts): drive the panel iframe on a mock site. */

/** The panel (its iframe sits in a closed shadow root: see support/closed-panel.ts). */
export function panelOf(page: Page): FrameLocator {
  return panelElement(page).contentFrame();
}

/** The panel's frame, to read the extension's database from the extension origin. */
export async function panelFrame(page: Page): Promise<Frame> {
  await expect.poll(() => page.frames().some((f) => f.url().endsWith('/panel.html')), { timeout: 15_000 }).toBe(true);
  return page.frames().find((f) => f.url().endsWith('/panel.html'))!;
}

/** First run asks the person's name once; later panels skip it. */
export async function ensureName(panel: FrameLocator, name: string): Promise<void> {
  await expect(panel.getByTestId('convops-panel')).toBeVisible();
  const prompt = panel.getByTestId('name-prompt');
  const picker = panel.getByTestId('workflow-picker');
  const task = panel.getByTestId('step-list');
  await expect(prompt.or(picker).or(task).first()).toBeVisible({ timeout: 15_000 });
  if (await prompt.isVisible()) {
    await prompt.getByLabel('Your name').fill(name);
    await prompt.getByRole('button', { name: 'Continue' }).click();
    await expect(prompt).toBeHidden();
  }
}

/**
 * Starts a task from the panel. `drive: false` switches drive mode off at once, as a person who moves
 * the task on by hand does: then nothing is put into (or sent from) the prompt box after a completion,
 * and the test's own inserts and sends are the only ones.
 */
export async function startWorkflow(panel: FrameLocator, workflowId: string, title: string, { drive = true }: { drive?: boolean } = {}): Promise<void> {
  const picker = panel.getByTestId('workflow-picker');
  await expect(picker.locator(`option[value="${workflowId}"]`)).toBeAttached({ timeout: 15_000 });
  await picker.selectOption(workflowId);
  await panel.getByTestId('task-title').fill(title);
  await fillRequiredInputs(panel);
  await panel.getByTestId('start-task').click();
  await expect(panel.getByTestId('step-list')).toBeVisible();
  if (!drive) {
    // A controlled box: it changes once the background has recorded the switch.
    await panel.getByTestId('drive-toggle').click();
    await expect(panel.getByTestId('drive-toggle')).not.toBeChecked();
  }
}

/** Gives every required input of the start form that is still empty a sample value, so specs about other things can start any workflow. */
export async function fillRequiredInputs(panel: FrameLocator): Promise<void> {
  const fields = panel.locator('[data-testid="task-input"]');
  for (let i = 0; i < (await fields.count()); i++) {
    const field = fields.nth(i);
    if (!(await field.locator('label').innerText()).includes('(required)')) continue;
    const control = field.locator('input, textarea, select').first();
    const tag = await control.evaluate((el) => el.tagName);
    if (tag === 'SELECT') {
      if ((await control.inputValue()) === '') await control.selectOption({ index: 1 });
    } else if ((await control.inputValue()) === '') {
      await control.fill(`Sample ${(await field.getAttribute('data-name')) ?? 'value'}`);
    }
  }
}

/**
 * The step and status the panel shows, read in one go in the frame. Two reads (is the card there?
 * then its step) could straddle the swap to the completion view, and the second would then wait for
 * a card that never comes back, hanging the poll that asked.
 */
async function shownStep(panel: FrameLocator): Promise<string> {
  return panel.locator('body').evaluate(() => {
    const step = document.querySelector('[data-testid="current-step"]')?.getAttribute('data-step-id') ?? null;
    const status = document.querySelector('[data-task-status]')?.getAttribute('data-task-status') ?? null;
    return `${step}:${status}`;
  });
}

/**
 * Clicks "Complete step"; when nothing was kept on the step the panel asks first ("Nothing was kept
 * for … Complete anyway?"), and this confirms. Waits until the click took effect either way.
 */
export async function completeStep(panel: FrameLocator): Promise<void> {
  await panel.getByTestId('current-step').waitFor({ state: 'attached' });
  const before = await shownStep(panel);
  const button = panel.getByTestId('complete-step');
  // Away from the frame's bottom edge, which the mock pages' fixed composer bar can overlap.
  await button.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await button.click();
  const confirm = panel.getByTestId('confirm-complete');
  await expect
    .poll(async () => {
      if (await confirm.isVisible()) return 'confirm';
      if ((await shownStep(panel)) !== before) return 'moved';
      // Still where it was: say why, when the panel says it (a failure then names its cause).
      const error = panel.getByTestId('panel-error');
      return (await error.count()) > 0 ? `waiting: ${await error.first().textContent()}` : 'waiting';
    })
    .toMatch(/^(confirm|moved)$/);
  if (await confirm.isVisible()) {
    await confirm.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await confirm.click();
  }
}

export async function currentStepId(panel: FrameLocator): Promise<string | null> {
  return panel.getByTestId('current-step').getAttribute('data-step-id');
}

interface MockWindow {
  __mock: { editorText(): string; repliesFinished: number; sentMessages: string[]; isStreaming(): boolean; lastSent: string | null };
}

/** Inserts the current briefing, checks it reached the editor state, sends it with the page's own button and waits for the reply to be kept as a note. */
export async function insertSendAndCapture(page: Page, panel: FrameLocator, expectInBriefing: string[] = []): Promise<string> {
  const notesBefore = await panel.getByTestId('note').count();
  const repliesBefore = await page.evaluate(() => (window as unknown as MockWindow).__mock.repliesFinished);
  await panel.getByTestId('insert-briefing').click();
  await expect(panel.getByTestId('headline')).toHaveAttribute('data-moment', 'inserted');
  const text = await page.evaluate(() => (window as unknown as MockWindow).__mock.editorText());
  for (const part of expectInBriefing) expect(text).toContain(part);
  await sendWithPageButton(page);
  await expect.poll(() => page.evaluate(() => (window as unknown as MockWindow).__mock.repliesFinished)).toBeGreaterThan(repliesBefore);
  await expect(panel.getByTestId('note')).toHaveCount(notesBefore + 1);
  // The background ends "replying" when it takes the reply (the content script no longer sends a state for it).
  await expect(panel.getByTestId('site-health').getByText('replying…')).toBeHidden();
  return text;
}

/** Clicks the site's send button, as the person would. */
export async function sendWithPageButton(page: Page): Promise<void> {
  const send = page.locator('button[data-testid="send-button"], button[aria-label="Send message"], button[data-composer-submit]').first();
  await expect(send).toBeEnabled();
  await send.click();
}

export interface RawEvent {
  seq: number;
  type: string;
  stepId?: string;
  actor: { kind: string; name: string };
  data: Record<string, unknown>;
  hash: string;
  prevHash: string;
}

/**
 * Reads a task's audit events straight from the extension's IndexedDB, in the service worker (a
 * first-party extension context; the panel frame is third-party and gets no IndexedDB when the browser
 * blocks third-party storage).
 */
export async function readEvents(worker: Worker, taskId: string): Promise<RawEvent[]> {
  return worker.evaluate(
    (id) =>
      new Promise<RawEvent[]>((resolve, reject) => {
        const open = indexedDB.open('convops');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('events').objectStore('events').getAll(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]));
          req.onsuccess = () => {
            db.close();
            resolve(req.result as RawEvent[]);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    taskId,
  );
}

/** A task's notes (deleted ones too), straight from the extension's IndexedDB, like `readEvents`. */
export async function readNotes(worker: Worker, taskId: string): Promise<Array<{ id: string; stepId: string; body: string; deleted: boolean }>> {
  return worker.evaluate(
    (id) =>
      new Promise<Array<{ id: string; stepId: string; body: string; deleted: boolean; taskId: string }>>((resolve, reject) => {
        const open = indexedDB.open('convops');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('notes').objectStore('notes').getAll();
          req.onsuccess = () => {
            db.close();
            resolve((req.result as Array<{ id: string; stepId: string; body: string; deleted: boolean; taskId: string }>).filter((n) => n.taskId === id));
          };
          req.onerror = () => reject(req.error);
        };
      }),
    taskId,
  );
}

export async function taskIdOf(panel: FrameLocator): Promise<string> {
  const id = await panel.locator('[data-task-id]').first().getAttribute('data-task-id');
  expect(id).toBeTruthy();
  return id!;
}

/**
 * The panel's Approve / Reject open the review window (a popup window of the extension, a new Page of
 * the context); returns it once it shows the waiting gate.
 */
export async function openReview(panel: FrameLocator, button: 'approve-gate' | 'reject-gate' = 'approve-gate'): Promise<Page> {
  const opened = panel.owner().page().context().waitForEvent('page', { timeout: 15_000 });
  await panel.getByTestId(button).click();
  const review = await opened;
  await review.waitForURL(/\/review\.html$/);
  await expect(review.getByTestId('review-window')).toHaveAttribute('data-state', 'waiting');
  return review;
}

/** Decides the waiting gate as a person does: Approve / Reject in the panel, then confirm in the review window, which closes. */
export async function decideInReview(panel: FrameLocator, decision: 'approve' | 'reject', comment = ''): Promise<void> {
  const review = await openReview(panel, decision === 'approve' ? 'approve-gate' : 'reject-gate');
  if (comment) await review.getByTestId('gate-comment').fill(comment);
  await confirmAndClose(review, decision);
}

/** Clicks confirm in the review window; the window closes on the decision, possibly before the click call returns. */
export async function confirmAndClose(review: Page, decision: 'approve' | 'reject'): Promise<void> {
  await Promise.all([review.waitForEvent('close'), review.getByTestId(decision === 'approve' ? 'confirm-approve' : 'confirm-reject').click().catch(() => undefined)]);
}

/** Runs SOP Documentation up to its Walkthrough gate (steps completed without the chat: enough to test the gate). */
export async function runToSopGate(page: Page, open: (page: Page) => Promise<void>, name = 'Lee Approver'): Promise<{ panel: FrameLocator; taskId: string }> {
  await open(page);
  const panel = panelOf(page);
  await ensureName(panel, name);
  await startWorkflow(panel, 'sop-documentation', 'Gate security', { drive: false });
  for (const step of ['capture-process', 'draft-sop', 'walkthrough']) {
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', step);
    await completeStep(panel);
  }
  await expect(panel.getByTestId('approve-gate')).toBeVisible();
  return { panel, taskId: await taskIdOf(panel) };
}

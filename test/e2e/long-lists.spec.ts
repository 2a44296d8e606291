import AxeBuilder from '@axe-core/playwright';
import type { Frame, Page, Worker } from '@playwright/test';
import { ensureName, panelFrame, panelOf } from './panel-support';
import { expect, inventedConversationId, openChatGPT, test } from './support/mock-sites';

/**
 * DESIGN.md's budget: a task with 1,000 notes stays smooth. The lists are virtualized, so a long task
 * keeps only a screenful of rows in the DOM, and scrolling still reaches every one of them.
 */

const NOTES = 1_000;
const EVENTS = 5_000;
const TASK_ID = 'long-lists-task';
const noteId = (n: number) => `long-note-${String(n).padStart(4, '0')}`;

interface SeedInput {
  taskId: string;
  notes: number;
  events: number;
  conversationId: string;
}

/**
 * Writes the task, its notes and its events straight into the extension's IndexedDB (from the service
 * worker, a first-party extension context), shaped as lib/db/records.ts stores them. The audit chain
 * has placeholder hashes: these tests are about rendering, not verification.
 */
async function seedLongTask(worker: Worker, input: SeedInput): Promise<void> {
  await expect
    .poll(
      () =>
        worker.evaluate(
          () =>
            new Promise<boolean>((resolve) => {
              const open = indexedDB.open('convops');
              open.onerror = () => resolve(false);
              open.onsuccess = () => {
                const db = open.result;
                if (!db.objectStoreNames.contains('workflowHeads')) {
                  db.close();
                  return resolve(false);
                }
                const req = db.transaction('workflowHeads').objectStore('workflowHeads').get('sop-documentation');
                req.onsuccess = () => {
                  db.close();
                  resolve(req.result !== undefined);
                };
                req.onerror = () => resolve(false);
              };
            }),
        ),
      { timeout: 15_000, message: 'the built-in workflows are installed' },
    )
    .toBe(true);

  await worker.evaluate(
    ({ taskId, notes, events, conversationId }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('convops');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const read = db.transaction('workflowHeads').objectStore('workflowHeads').get('sop-documentation');
          read.onerror = () => reject(read.error);
          read.onsuccess = () => {
            const version = (read.result as { latestVersion: number }).latestVersion;
            const readWorkflow = db.transaction('workflows').objectStore('workflows').get(['sop-documentation', version]);
            readWorkflow.onerror = () => reject(readWorkflow.error);
            readWorkflow.onsuccess = () => {
              const stepIds = (readWorkflow.result as { steps: { id: string }[] }).steps.map((s) => s.id);
              const base = Date.UTC(2025, 0, 1);
              const iso = (ms: number) => new Date(ms).toISOString();
              const person = { kind: 'human', name: 'Lena Longlist' };
              const tx = db.transaction(['tasks', 'notes', 'events'], 'readwrite');
              tx.oncomplete = () => {
                db.close();
                resolve();
              };
              tx.onerror = () => reject(tx.error);
              tx.objectStore('tasks').put({
                id: taskId,
                title: 'A very long task',
                workflowId: 'sop-documentation',
                workflowVersion: version,
                status: 'active',
                currentStepId: stepIds[0],
                completedStepIds: [],
                pendingGate: null,
                rejection: null,
                conversations: [{ site: 'chatgpt', conversationId, url: `https://chatgpt.com/c/${conversationId}`, boundAt: iso(base) }],
                rev: 1,
                createdAt: iso(base),
                createdBy: person,
                updatedAt: iso(base + notes * 1000),
                updatedBy: person,
                conversationKeys: [`chatgpt:${conversationId}`],
                site: 'chatgpt',
                titleLower: 'a very long task',
              });
              const noteStore = tx.objectStore('notes');
              for (let n = 0; n < notes; n++) {
                const stepId = stepIds[Math.floor((n * stepIds.length) / notes)]!;
                // Bodies of different lengths, so rows are measured rather than all one estimated height.
                const body = `## Reply ${n}\n\n${'The close has three parts: reconcile, accrue, report. '.repeat(1 + (n % 7))}\n\n- item ${n}`;
                noteStore.put({
                  id: `long-note-${String(n).padStart(4, '0')}`, // noteId(n); the page cannot see test code
                  taskId,
                  stepId,
                  source: 'manual',
                  body,
                  createdAt: iso(base + n * 1000),
                  createdBy: person,
                  updatedAt: iso(base + n * 1000),
                  deleted: false,
                });
              }
              const types = ['briefing.inserted', 'message.sent', 'response.captured', 'note.added'];
              const eventStore = tx.objectStore('events');
              for (let seq = 1; seq <= events; seq++) {
                eventStore.put({
                  type: seq === 1 ? 'task.started' : types[seq % types.length],
                  actor: person,
                  at: iso(base + seq * 100),
                  stepId: stepIds[seq % stepIds.length],
                  data: {},
                  taskId,
                  seq,
                  prevHash: 'placeholder',
                  hash: 'placeholder',
                });
              }
            };
          };
        };
      }),
    input,
  );
}

/** Every axe violation, whatever its impact: the virtual rows must not cost any accessibility. */
async function axeViolations(builder: AxeBuilder): Promise<string[]> {
  const results = await builder.analyze();
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Scrolls the document to its end until `selector` is in the DOM (rows are measured as they come in, so the end moves). */
async function scrollToEndUntil(target: Page | Frame, selector: string): Promise<void> {
  await expect
    .poll(
      async () => {
        await target.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        return target.locator(selector).count();
      },
      { timeout: 20_000, intervals: [100, 200, 300] },
    )
    .toBe(1);
}

test('the options task page keeps a screenful of a 5,000-event timeline and 1,000 notes in the DOM, and scrolling reaches the end', async ({
  context,
  serviceWorker,
  extensionId,
}) => {
  await seedLongTask(serviceWorker, { taskId: TASK_ID, notes: NOTES, events: EVENTS, conversationId: inventedConversationId('chatgpt') });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`chrome-extension://${extensionId}/options.html#/tasks/${TASK_ID}`);
  await expect(page.getByTestId('task-detail')).toBeVisible({ timeout: 20_000 });

  // It renders, latest first, with only a few rows.
  await expect(page.locator(`[data-testid="timeline-event"][data-seq="${EVENTS}"]`)).toBeAttached();
  await expect(page.locator(`[data-testid="task-note"][data-note-id="${noteId(0)}"]`)).toBeAttached();
  const events = await page.getByTestId('timeline-event').count();
  const notes = await page.getByTestId('task-note').count();
  console.log(`options page at the top: ${events} timeline-event and ${notes} task-note elements in the DOM`);
  expect(events).toBeGreaterThan(0);
  expect(events).toBeLessThan(100);
  expect(notes).toBeGreaterThan(0);
  expect(notes).toBeLessThan(100);

  // The lists still tell assistive tech their full size.
  await expect(page.locator(`[data-testid="timeline-event"][data-seq="${EVENTS}"]`)).toHaveAttribute('aria-setsize', String(EVENTS));
  await expect(page.locator(`[data-testid="timeline-event"][data-seq="${EVENTS}"]`)).toHaveAttribute('aria-posinset', '1');

  // Scrolling to the end brings the first event in, and the latest one out.
  await scrollToEndUntil(page, '[data-testid="timeline-event"][data-seq="1"]');
  await expect(page.locator('[data-testid="timeline-event"][data-seq="1"]')).toBeVisible();
  await expect(page.locator('[data-testid="timeline-event"][data-seq="1"]')).toHaveAttribute('aria-posinset', String(EVENTS));
  await expect(page.locator(`[data-testid="timeline-event"][data-seq="${EVENTS}"]`)).toHaveCount(0);
  expect(await page.getByTestId('timeline-event').count()).toBeLessThan(100);

  // The notes column is shorter; scroll its end into view and the last note is there.
  await expect
    .poll(
      async () => {
        await page.locator('[data-testid="task-note"]').last().scrollIntoViewIfNeeded();
        return page.locator(`[data-testid="task-note"][data-note-id="${noteId(NOTES - 1)}"]`).count();
      },
      { timeout: 20_000 },
    )
    .toBe(1);
  expect(await page.getByTestId('task-note').count()).toBeLessThan(100);
  expect(await axeViolations(new AxeBuilder({ page }))).toEqual([]);
  expect(errors).toEqual([]);
});

test('the panel keeps a screenful of 1,000 notes in the DOM; scrolling reaches the newest and back to the oldest', async ({ context, serviceWorker }) => {
  const conversationId = inventedConversationId('chatgpt');
  await seedLongTask(serviceWorker, { taskId: TASK_ID, notes: NOTES, events: 50, conversationId });
  const page = await context.newPage();
  await openChatGPT(page, { conversation: conversationId });
  const panel = panelOf(page);
  await ensureName(panel, 'Lena Longlist');
  await expect(panel.locator(`[data-task-id="${TASK_ID}"]`)).toBeVisible({ timeout: 20_000 });
  await expect(panel.getByRole('heading', { name: /Notes/ })).toContainText(`(${NOTES})`);

  // Notes are grouped by step, each step's result first (here the last note of each quarter), so the
  // oldest note is the second row and the newest row is the one before the last result.
  const first = panel.locator(`[data-testid="note"][data-note-id="${noteId(0)}"]`);
  const last = `[data-testid="note"][data-note-id="${noteId(NOTES - 2)}"]`;
  await expect(first).toBeAttached();
  await expect(first).toHaveAttribute('aria-setsize', String(NOTES));
  const atTop = await panel.getByTestId('note').count();
  console.log(`panel at the top: ${atTop} note elements in the DOM`);
  expect(atTop).toBeLessThan(60);
  await expect(panel.locator(last)).toHaveCount(0);

  // Scrolling the panel document to its end reaches the newest note.
  const frame = await panelFrame(page);
  await scrollToEndUntil(frame, last);
  await expect(panel.locator(last)).toContainText(`Reply ${NOTES - 2}`);
  await expect(first).toHaveCount(0);
  const atEnd = await panel.getByTestId('note').count();
  console.log(`panel at the end: ${atEnd} note elements in the DOM`);
  expect(atEnd).toBeLessThan(60);
  expect(await axeViolations(new AxeBuilder({ page }).include('#convops-panel-host'))).toEqual([]);

  // And back up to the oldest, with the control a keyboard user would use.
  await panel.getByRole('button', { name: 'Oldest ↑' }).focus();
  await page.keyboard.press('Enter');
  await expect(first).toBeAttached();
  await expect(first).toContainText('Reply 0');
  await expect(first).toBeInViewport();

  // Tabbing walks on past the rows rendered at first: each focused row scrolls into view and brings the
  // next ones. (Read after every key, at a person's pace; Playwright's burst of keys outruns any render.)
  await first.getByRole('button', { name: 'Edit' }).focus();
  const walked: string[] = [];
  // Four stops a note: Edit, Use as result, Copy, Delete.
  for (let i = 0; i < 4 * 20; i++) {
    await page.keyboard.press('Tab');
    walked.push(await frame.evaluate(() => document.activeElement?.closest('[data-testid="note"]')?.getAttribute('data-note-id') ?? 'outside the list'));
  }
  expect(walked.at(-1)).toBe(noteId(20));
  expect(walked).not.toContain('outside the list');
  await panel.getByTestId('notes-jump-newest').click();
  await expect(panel.locator(last)).toBeInViewport();
  await frame.evaluate(() => window.scrollTo(0, 0));
  await expect(first).toBeAttached();

  // A note being edited keeps its row (and the half-written edit) while the person scrolls away and back.
  await first.getByRole('button', { name: 'Edit' }).click();
  await first.getByLabel('Edit note').fill('Half-written correction');
  await scrollToEndUntil(frame, last);
  await expect(first).toBeAttached();
  expect(await panel.getByTestId('note').count()).toBeLessThan(60);
  await frame.evaluate(() => window.scrollTo(0, 0));
  await expect(first.getByLabel('Edit note')).toHaveValue('Half-written correction');
  await expect(first.getByLabel('Edit note')).toBeFocused();
});

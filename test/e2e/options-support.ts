import type { BrowserContext, Download, FrameLocator, Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { ensureName, panelOf, startWorkflow } from './panel-support';
import { expect } from './support/extension';
import { openChatGPT, routeMockSites } from './support/mock-sites';

/** Helpers shared by the options-page specs (test/e2e/options-*.spec.ts). */

const errorsByPage = new WeakMap<Page, string[]>();

export async function openOptions(context: BrowserContext, extensionId: string, hash = '#/library'): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  errorsByPage.set(page, errors);
  await page.goto(`chrome-extension://${extensionId}/options.html${hash}`);
  await expect(page.getByTestId('convops-options')).toBeVisible();
  // Pages other than the library are fetched when opened: the page itself, not its loading line.
  await expect(page.getByTestId('page-loading')).toHaveCount(0);
  return page;
}

export function pageErrors(page: Page): string[] {
  return errorsByPage.get(page) ?? [];
}

export interface StepSpec {
  title: string;
  instructions: string;
  gate?: { type: 'approval' | 'review' | 'sign-off' | 'handoff'; ask: string; onReject?: string };
  reads?: string[];
}

/** Fills the editor for a new workflow and creates it; returns on the edit page of the saved workflow. */
export async function createWorkflow(page: Page, extensionId: string, spec: { name: string; category?: string; steps: StepSpec[] }): Promise<void> {
  await page.goto(`chrome-extension://${extensionId}/options.html#/library/new`);
  const editor = page.getByTestId('workflow-editor');
  await expect(editor).toBeVisible();
  await editor.getByTestId('workflow-name').fill(spec.name);
  if (spec.category) await editor.getByLabel('Category').fill(spec.category);
  for (const [index, step] of spec.steps.entries()) {
    if (index > 0) await editor.getByTestId('add-step').click();
    await fillStep(page, index, step);
  }
  await expect(editor.getByTestId('editor-issues')).toHaveCount(0);
  await editor.getByTestId('save-workflow').click();
  await expect(page).toHaveURL(/#\/library\/[a-z0-9-]+\/edit$/);
  await expect(page.getByTestId('version-note')).toBeVisible();
}

export async function fillStep(page: Page, index: number, step: StepSpec): Promise<void> {
  const card = page.getByTestId('editor-step').nth(index);
  await card.getByTestId('step-title').fill(step.title);
  await card.getByTestId('step-instructions').fill(step.instructions);
  for (const read of step.reads ?? []) await card.getByLabel(read, { exact: true }).check();
  if (step.gate) {
    await card.getByTestId('step-gate').selectOption(step.gate.type);
    await card.getByTestId('step-gate-ask').fill(step.gate.ask);
    if (step.gate.onReject) await card.getByTestId('step-on-reject').selectOption({ label: step.gate.onReject });
  }
}

export async function saveDownload(download: Download, dir: string): Promise<{ path: string; text: string }> {
  const path = `${dir}/${download.suggestedFilename()}`;
  await download.saveAs(path);
  return { path, text: await readFile(path, 'utf8') };
}

/** Counts rows of every store through raw IndexedDB: the "did anything change" check, importing nothing. */
export async function databaseCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const request = indexedDB.open('convops');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          const names = [...db.objectStoreNames];
          const tx = db.transaction(names, 'readonly');
          const counts: Record<string, number> = {};
          for (const name of names) {
            const count = tx.objectStore(name).count();
            count.onsuccess = () => (counts[name] = count.result);
          }
          tx.oncomplete = () => {
            db.close();
            resolve(counts);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/**
 * Starts a task the way a person does: in the panel on the mock chatgpt.com, through the workflow
 * picker and the start button, so it goes through the real task repository. `then` continues in the
 * panel (complete a step, decide a gate) before the chat tab closes.
 */
export async function startTaskInPanel(
  context: BrowserContext,
  _extensionId: string,
  workflowId: string,
  title: string,
  then?: (panel: FrameLocator) => Promise<void>,
): Promise<void> {
  await routeMockSites(context);
  const chat = await context.newPage();
  await openChatGPT(chat);
  const panel = panelOf(chat);
  await ensureName(panel, 'Dana Lead');
  await startWorkflow(panel, workflowId, title);
  await expect(panel.getByTestId('current-step')).toBeVisible();
  if (then) await then(panel);
  await chat.close();
}

/**
 * The background installs the built-in workflows at start-up, in one transaction. Tests that compare
 * database counts wait for it, so the install is not mistaken for a change they caused.
 */
export async function waitForBuiltins(page: Page, extensionId: string): Promise<void> {
  await page.goto(`chrome-extension://${extensionId}/options.html#/library`);
  await expect(page.locator('[data-testid="workflow-row"][data-workflow-id="sop-documentation"]')).toBeVisible({ timeout: 15_000 });
}

import type { Page } from '@playwright/test';
import { expect, test } from './support/extension';
import { openOptions, pageErrors } from './options-support';

/**
 * The options page draws the library with the page's own scripts; the other pages' scripts (the
 * editor with the Markdown renderer, the import with YAML, the team pages with PouchDB) arrive when
 * a person opens them. scripts/bench.mjs counts those chunks apart from the first screen
 * ("onDemand" of the options entry): this is where that is checked on the built extension.
 */
const onDemandChunk = /\/chunks\/(editor-page|import-page|tasks-page|task-page|task-report-page|backup-page|settings-page|team-page|team-task-page|file|use-team|markdown)-[^/]+\.js$/;

function scriptsLoaded(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('.js')) urls.push(new URL(request.url()).pathname);
  });
  return urls;
}

test('the library opens without the other pages; a page arrives when it is opened', async ({ context, extensionId }) => {
  const page = await context.newPage();
  const scripts = scriptsLoaded(page);
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  await expect(page.getByTestId('library')).toBeVisible();
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.filter((url) => onDemandChunk.test(url))).toEqual([]);

  await page.getByRole('link', { name: 'Team', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/team/i);
  expect(scripts.some((url) => /\/chunks\/team-page-/.test(url))).toBe(true);
  expect(scripts.some((url) => /\/chunks\/use-team-/.test(url))).toBe(true);
});

test('every section opens from the navigation, and back to the library', async ({ context, extensionId }) => {
  const page = await openOptions(context, extensionId);
  for (const [label, heading] of [
    ['Import', /import/i],
    ['Tasks', /tasks/i],
    ['Backup', /backup/i],
    ['Settings', /settings/i],
    ['Team', /team/i],
    ['Library', /library/i],
  ] as const) {
    await page.getByRole('link', { name: label, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    await expect(page.getByTestId('page-load-error')).toHaveCount(0);
  }
  await page.getByTestId('new-workflow').click();
  await expect(page.getByTestId('workflow-editor')).toBeVisible();
  expect(pageErrors(page)).toEqual([]);
});

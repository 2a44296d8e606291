import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, extensionServiceWorker, launchWithExtension, test } from './support/extension';
import { createWorkflow, fillStep, openOptions, pageErrors, saveDownload, startTaskInPanel } from './options-support';
import { currentStepId, decideInReview, ensureName, insertSendAndCapture, panelOf, startWorkflow } from './panel-support';
import { openChatGPT, routeMockSites } from './support/mock-sites';

test('a workflow made in the editor travels by file to a fresh profile with its steps and gate', async ({ context, extensionId }) => {
  const page = await openOptions(context, extensionId, '#/library/new');
  await createWorkflow(page, extensionId, {
    name: 'Release notes',
    category: 'Engineering',
    steps: [
      { title: 'Draft notes', instructions: 'Write the release notes for **{{task.title}}**.' },
      {
        title: 'Review notes',
        instructions: 'Check the notes against the changelog.',
        reads: ['Draft notes'],
        gate: { type: 'approval', ask: 'Are the notes complete and accurate?', onReject: 'Draft notes' },
      },
    ],
  });
  await expect(page).toHaveURL(/#\/library\/release-notes\/edit$/);
  // The briefing preview renders the step for a sample task, with the gate line.
  await page.getByLabel('Preview for step').selectOption({ index: 1 });
  await expect(page.getByTestId('briefing-preview')).toContainText('Are the notes complete and accurate?');
  await expect(page.getByTestId('briefing-preview')).toContainText('The notes kept on “Draft notes” appear here.');

  await page.goto(`chrome-extension://${extensionId}/options.html#/library`);
  const row = page.locator('[data-testid="workflow-row"][data-workflow-id="release-notes"]');
  await expect(row.getByTestId('step-count')).toHaveText('2');
  await expect(row.getByTestId('gate-summary')).toHaveText('1 (approval)');
  await row.getByRole('checkbox').check();
  const downloadPromise = page.waitForEvent('download');
  await page.getByTestId('export-selected').click();
  const dir = await mkdtemp(path.join(tmpdir(), 'convops-export-'));
  try {
    const file = await saveDownload(await downloadPromise, dir);
    expect(path.basename(file.path)).toBe('release-notes.convops.json');
    const parsed = JSON.parse(file.text);
    expect(parsed.format).toBe('convops.workflows');
    expect(parsed.workflows[0].steps[1].gate).toEqual({ type: 'approval', ask: 'Are the notes complete and accurate?', onReject: 'draft-notes' });

    // A teammate's browser: a separate profile with its own database.
    const fresh = await launchWithExtension();
    try {
      const freshId = new URL((await extensionServiceWorker(fresh.context)).url()).host;
      const other = await openOptions(fresh.context, freshId, '#/import');
      await other.getByTestId('import-file').setInputFiles(file.path);
      const item = other.locator('[data-testid="import-item"][data-workflow-id="release-notes"]');
      await expect(item).toHaveAttribute('data-status', 'new');
      await other.getByTestId('apply-import').click();
      await expect(other.getByTestId('import-done')).toContainText('Imported 1 workflow');

      await other.goto(`chrome-extension://${freshId}/options.html#/library`);
      const imported = other.locator('[data-testid="workflow-row"][data-workflow-id="release-notes"]');
      await expect(imported.getByTestId('step-count')).toHaveText('2');
      await expect(imported.getByTestId('gate-summary')).toHaveText('1 (approval)');
      await imported.getByTestId('edit-workflow').click();
      const second = other.getByTestId('editor-step').nth(1);
      await expect(second.getByTestId('step-title')).toHaveValue('Review notes');
      await expect(second.getByTestId('step-gate')).toHaveValue('approval');
      await expect(second.getByTestId('step-on-reject')).toHaveValue('draft-notes');
      await expect(second.getByTestId('step-gate-ask')).toHaveValue('Are the notes complete and accurate?');

      // The same file again changes nothing: every item is identical and there is nothing to apply.
      await other.goto(`chrome-extension://${freshId}/options.html#/import`);
      await other.getByTestId('import-file').setInputFiles(file.path);
      await expect(item).toHaveAttribute('data-status', 'identical');
      await expect(other.getByTestId('apply-import')).toBeDisabled();
      await expect(other.getByTestId('nothing-to-import')).toBeVisible();
      expect(pageErrors(other)).toEqual([]);

    } finally {
      await fresh.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  expect(pageErrors(page)).toEqual([]);
});

test('editor blocks saving while invalid and explains the problem next to the field', async ({ context, extensionId }) => {
  const page = await openOptions(context, extensionId, '#/library/new');
  const editor = page.getByTestId('workflow-editor');
  await editor.getByTestId('workflow-name').fill('Gated');
  await fillStep(page, 0, { title: 'Only step', instructions: 'Do it' });
  await editor.getByTestId('step-gate').selectOption('review');
  // A gate without a question is incomplete: the field says so and Save stays disabled.
  await expect(editor.getByTestId('save-workflow')).toBeDisabled();
  await expect(editor.getByTestId('editor-issues')).toContainText('gate.ask');
  await expect(editor.getByTestId('editor-step').first().getByTestId('field-error').first()).toBeVisible();
  await editor.getByTestId('step-gate-ask').fill('Is it right?');
  await expect(editor.getByTestId('save-workflow')).toBeEnabled();
  // Keyboard: reorder with buttons.
  await editor.getByTestId('add-step').click();
  await fillStep(page, 1, { title: 'Second', instructions: 'Then this' });
  await page.getByRole('button', { name: 'Move Second up' }).focus();
  await page.keyboard.press('Enter');
  await expect(editor.getByTestId('editor-step').first().getByTestId('step-title')).toHaveValue('Second');
});

test('editing a workflow while a task runs: the running task keeps its version, a new task gets the new steps', async ({ context, extensionId }) => {
  const page = await openOptions(context, extensionId, '#/library/new');
  await createWorkflow(page, extensionId, {
    name: 'Vendor review',
    steps: [
      { title: 'Collect documents', instructions: 'List what the vendor sent.' },
      { title: 'Assess risk', instructions: 'Rate the risk.', gate: { type: 'sign-off', ask: 'Is the rating justified?' } },
    ],
  });
  await startTaskInPanel(context, extensionId, 'vendor-review', 'Acme review');

  // Edit: rename the first step and add a third one; save makes version 2.
  await page.goto(`chrome-extension://${extensionId}/options.html#/library/vendor-review/edit`);
  await expect(page.getByTestId('version-note')).toContainText('Running tasks keep version 1; new tasks use version 2');
  await page.getByTestId('editor-step').first().getByTestId('step-title').fill('Gather evidence');
  await page.getByTestId('add-step').click();
  await fillStep(page, 2, { title: 'File the report', instructions: 'Archive it.' });
  await page.getByTestId('save-workflow').click();
  await expect(page.getByTestId('save-status')).toContainText('Saved version 2');
  await expect(page.getByTestId('version-note')).toContainText('Running tasks keep version 2; new tasks use version 3');

  await startTaskInPanel(context, extensionId, 'vendor-review', 'Globex review');

  await page.goto(`chrome-extension://${extensionId}/options.html#/tasks`);
  const acme = page.getByTestId('task-row').filter({ hasText: 'Acme review' });
  const globex = page.getByTestId('task-row').filter({ hasText: 'Globex review' });
  await expect(acme).toContainText('v1');
  await expect(acme).toContainText('Collect documents');
  await expect(globex).toContainText('v2');
  await expect(globex).toContainText('Gather evidence');

  await acme.getByRole('link', { name: 'Acme review', exact: true }).click();
  await expect(page.getByTestId('task-current-step')).toHaveText('Collect documents');
  await expect(page.getByText('Vendor review (version 1)')).toBeVisible();
  expect(pageErrors(page)).toEqual([]);
});

test('a workflow from the editor runs on the ChatGPT mock: its gate holds the task and a rejection returns to the target', async ({ context, extensionId }) => {
  const page = await openOptions(context, extensionId, '#/library/new');
  await createWorkflow(page, extensionId, {
    name: 'Release notes',
    steps: [
      { title: 'Draft notes', instructions: 'Write the release notes for **{{task.title}}**.' },
      {
        title: 'Review notes',
        instructions: 'Check the notes against the changelog.',
        gate: { type: 'approval', ask: 'Are the notes complete and accurate?', onReject: 'Draft notes' },
      },
    ],
  });
  await routeMockSites(context);
  const chat = await context.newPage();
  await openChatGPT(chat);
  const panel = panelOf(chat);
  await ensureName(panel, 'Teammate');
  await startWorkflow(panel, 'release-notes', 'Release 4.2');
  await expect(panel.getByTestId('step-list')).toContainText('Draft notes');
  await expect(panel.getByTestId('step-list')).toContainText('Review notes');
  await insertSendAndCapture(chat, panel, ['Write the release notes for **Release 4.2**.']);
  await panel.getByTestId('complete-step').click();
  await expect.poll(() => currentStepId(panel)).toBe('review-notes');
  await insertSendAndCapture(chat, panel, ['Are the notes complete and accurate?']);
  await panel.getByTestId('complete-step').click();
  await expect(panel.getByTestId('approve-gate')).toBeVisible();
  await decideInReview(panel, 'reject', 'Add the migration steps');
  await expect.poll(() => currentStepId(panel)).toBe('draft-notes');
  await expect(panel.getByTestId('rejection')).toContainText('Add the migration steps');
});

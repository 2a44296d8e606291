import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, extensionServiceWorker, launchWithExtension, test } from './support/extension';
import { createWorkflow, fillStep, openOptions, pageErrors, saveDownload, startTaskInPanel, waitForBuiltins } from './options-support';
import { completeStep, currentStepId, decideInReview, ensureName, insertSendAndCapture, panelOf, startWorkflow } from './panel-support';
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
  await expect(row.getByTestId('gate-summary')).toHaveText('1 (Approval)');
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
      await expect(imported.getByTestId('gate-summary')).toHaveText('1 (Approval)');
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

test('saving an empty workflow says what to do in words, keeps ids out of it, and a gate chosen afterwards is not flagged before its question is reached', async ({ context, extensionId }) => {
  const page = await openOptions(context, extensionId, '#/library/new');
  const editor = page.getByTestId('workflow-editor');
  await editor.getByTestId('save-workflow').click();
  const issues = editor.getByTestId('editor-issues');
  await expect(issues).toContainText('Give the workflow a name.');
  await expect(issues).toContainText('Step 1: Give this step a title.');
  await expect(issues).not.toContainText(/\bid\b/);
  await expect(editor.getByTestId('workflow-id')).toBeHidden();
  // The preview names steps by number and title, never by id.
  await expect(page.getByLabel('Preview for step').locator('option').first()).toHaveText('Step 1: no title yet');
  await editor.getByTestId('step-gate').selectOption('approval');
  await expect(editor.getByTestId('step-gate-ask')).toBeVisible();
  await expect(editor.getByText('Say what the person must check at this gate.')).toHaveCount(0);
});

test('a person makes a 3-step workflow with a gate without typing an id, sees no error before touching a field, and it runs', async ({ context, extensionId }) => {
  const page = await openOptions(context, extensionId, '#/library/new');
  const editor = page.getByTestId('workflow-editor');
  const steps = editor.getByTestId('editor-step');
  // A new workflow opens clean: no red, no list of problems, no ids to invent (they are under Advanced).
  await expect(editor.getByTestId('field-error')).toHaveCount(0);
  await expect(editor.getByTestId('editor-issues')).toHaveCount(0);
  await expect(editor.getByTestId('workflow-id')).toBeHidden();
  await expect(editor.getByTestId('step-id')).toBeHidden();

  await editor.getByTestId('workflow-name').fill('Contract review');
  await steps.nth(0).getByTestId('step-title').fill('Collect the contract');
  await steps.nth(0).getByTestId('step-instructions').fill('List the **parties** and the term of {{task.title}}.');
  await editor.getByTestId('add-step').click();
  // The new step reads the previous step's result without anyone ticking it.
  await expect(steps.nth(1).getByLabel('Collect the contract', { exact: true })).toBeChecked();
  await steps.nth(1).getByTestId('step-title').fill('Check the clauses');
  await steps.nth(1).getByTestId('step-instructions').fill('Compare each clause with our policy.');
  await editor.getByTestId('add-step').click();
  await expect(steps.nth(2).getByLabel('Check the clauses', { exact: true })).toBeChecked();
  await steps.nth(2).getByTestId('step-title').fill('Sign off');
  await steps.nth(2).getByTestId('step-instructions').fill('Present the findings.');
  await steps.nth(2).getByTestId('step-gate').selectOption('sign-off');
  // Choosing a gate does not flag the question nobody has reached yet.
  await expect(editor.getByTestId('field-error')).toHaveCount(0);
  await steps.nth(2).getByTestId('step-gate-ask').fill('Are the risky clauses flagged?');
  await steps.nth(2).getByTestId('step-on-reject').selectOption({ label: 'Check the clauses' });

  // The preview is the briefing as the AI reads it: Markdown rendered, with the previous result's place.
  await page.getByLabel('Preview for step').selectOption({ index: 1 });
  const preview = page.getByTestId('briefing-preview');
  await expect(preview).toContainText('The notes kept on “Collect the contract” appear here.');
  await page.getByLabel('Preview for step').selectOption({ index: 0 });
  await expect(preview.locator('strong', { hasText: 'parties' })).toBeVisible();
  await expect(preview).not.toContainText('**parties**');

  // Touch a field and leave it empty: the message is in words, next to it; the preview keeps the last good version.
  await steps.nth(0).getByTestId('step-title').fill('');
  await steps.nth(0).getByTestId('step-instructions').focus();
  await expect(steps.nth(0).getByTestId('field-error')).toHaveText('Give this step a title.');
  await expect(editor.getByTestId('field-error')).toHaveCount(1);
  await expect(preview).toHaveAttribute('data-stale', 'true');
  await expect(page.getByTestId('preview-stale')).toBeVisible();
  await expect(preview.locator('strong', { hasText: 'parties' })).toBeVisible();
  // Saving now lists the problem by step title and number, in words, with no code path.
  await editor.getByTestId('save-workflow').click();
  await expect(editor.getByTestId('editor-issues')).toContainText('Step 1: Give this step a title.');
  await expect(editor.getByTestId('editor-issues')).not.toContainText('steps[0]');
  await expect(page).toHaveURL(/#\/library\/new$/);
  await steps.nth(0).getByTestId('step-title').fill('Collect the contract');
  await expect(editor.getByTestId('field-error')).toHaveCount(0);
  await expect(preview).toHaveAttribute('data-stale', 'false');

  await editor.getByTestId('save-workflow').click();
  await expect(page).toHaveURL(/#\/library\/contract-review\/edit$/);
  await expect(page.getByTestId('save-status')).toContainText('Created "Contract review"');
  // The ids were made from the titles, and the links between steps follow them.
  await editor.getByText('Advanced').first().click();
  await expect(editor.getByTestId('workflow-id')).toHaveValue('contract-review');
  await expect(steps.nth(2).getByTestId('step-on-reject')).toHaveValue('check-the-clauses');

  // It runs: the panel starts it and step 2's briefing carries step 1's result.
  await routeMockSites(context);
  const chat = await context.newPage();
  await openChatGPT(chat);
  const panel = panelOf(chat);
  await ensureName(panel, 'Casey');
  await startWorkflow(panel, 'contract-review', 'Lease 2027', { drive: false });
  await expect(panel.getByTestId('step-list')).toContainText('Sign off');
  await insertSendAndCapture(chat, panel, ['List the **parties** and the term of Lease 2027.']);
  // The new chat gets its address first (the task follows it); then the step is completed.
  await expect(chat).toHaveURL(/\/c\/[0-9a-f-]+$/);
  await expect(panel.getByTestId('site-health')).not.toHaveAttribute('data-conversation', '');
  await completeStep(panel);
  await expect.poll(() => currentStepId(panel)).toBe('check-the-clauses');
  await insertSendAndCapture(chat, panel, ['Step 1: Collect the contract']);
  expect(pageErrors(page)).toEqual([]);
});

test('a second workflow with the same name gets its own id; the ids stay editable under Advanced', async ({ context, extensionId }) => {
  const page = await openOptions(context, extensionId, '#/library/new');
  await createWorkflow(page, extensionId, { name: 'Weekly memo', steps: [{ title: 'Write', instructions: 'Write it.' }] });
  await createWorkflow(page, extensionId, { name: 'Weekly memo', steps: [{ title: 'Write', instructions: 'Write it again.' }] });
  await expect(page).toHaveURL(/#\/library\/weekly-memo-2\/edit$/);

  await page.goto(`chrome-extension://${extensionId}/options.html#/library/new`);
  const editor = page.getByTestId('workflow-editor');
  await editor.getByTestId('workflow-name').fill('Memo');
  await editor.getByTestId('step-title').fill('Write');
  await editor.getByText('Advanced').first().click();
  await editor.getByTestId('workflow-id').fill('weekly-memo');
  await editor.getByTestId('step-instructions').focus();
  await expect(editor.getByTestId('field-error')).toHaveText('Another workflow already uses the id "weekly-memo"; choose another.');
  await editor.getByTestId('workflow-id').fill('Not An Id');
  await expect(editor.getByTestId('field-error')).toContainText('cannot be an id');
  await editor.getByTestId('workflow-id').fill('memo');
  await expect(editor.getByTestId('field-error')).toHaveCount(0);
  // Keyboard: reorder with buttons.
  await editor.getByTestId('add-step').click();
  await fillStep(page, 1, { title: 'Second', instructions: 'Then this' });
  await page.getByRole('button', { name: 'Move Second up' }).focus();
  await page.keyboard.press('Enter');
  await expect(editor.getByTestId('editor-step').first().getByTestId('step-title')).toHaveValue('Second');
});

test('two tabs editing the same version: the second save is refused in plain words instead of stacking a version', async ({ context, extensionId }) => {
  const first = await openOptions(context, extensionId, '#/library/new');
  await createWorkflow(first, extensionId, { name: 'Shared memo', steps: [{ title: 'Write', instructions: 'Write it.' }] });
  const second = await openOptions(context, extensionId, '#/library/shared-memo/edit');
  // The second tab has read version 1 before the first one saves version 2.
  await expect(second.getByTestId('workflow-name')).toHaveValue('Shared memo');
  await first.getByLabel('Description').fill('Edited in the first tab.');
  await first.getByTestId('save-workflow').click();
  await expect(first.getByTestId('save-status')).toContainText('Saved version 2');

  await second.getByLabel('Description').fill('Edited in the second tab.');
  await second.getByTestId('save-workflow').click();
  await expect(second.getByTestId('save-status')).toContainText('saved as version 2 somewhere else');
  await expect(second.getByTestId('save-status')).toContainText('Your changes were not saved');
  await second.goto(`chrome-extension://${extensionId}/options.html#/library`);
  await expect(second.locator('[data-testid="workflow-row"][data-workflow-id="shared-memo"]')).toContainText('v2');
});

test('a built-in workflow shows one clear banner and a way to make it your own', async ({ context, extensionId }) => {
  const page = await openOptions(context, extensionId, '#/library');
  await waitForBuiltins(page, extensionId);
  await page.goto(`chrome-extension://${extensionId}/options.html#/library/sop-documentation/edit`);
  const note = page.getByTestId('builtin-note');
  await expect(note).toContainText('Built-in: duplicate it to make your own.');
  await expect(page.getByTestId('version-note')).toHaveCount(0);
  await expect(page.locator('[role="status"], [role="alert"]')).toHaveCount(1);
  await note.getByTestId('duplicate-builtin').click();
  await expect(page.getByTestId('workflow-name')).toHaveValue('SOP Documentation (copy)');
  await expect(page.getByTestId('field-error')).toHaveCount(0);
  await page.getByTestId('save-workflow').click();
  await expect(page).toHaveURL(/#\/library\/sop-documentation-copy\/edit$/);
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
  await startWorkflow(panel, 'release-notes', 'Release 4.2', { drive: false });
  await expect(panel.getByTestId('step-list')).toContainText('Draft notes');
  await expect(panel.getByTestId('step-list')).toContainText('Review notes');
  await insertSendAndCapture(chat, panel, ['Write the release notes for **Release 4.2**.']);
  await completeStep(panel);
  await expect.poll(() => currentStepId(panel)).toBe('review-notes');
  await insertSendAndCapture(chat, panel, ['Are the notes complete and accurate?']);
  await completeStep(panel);
  await expect(panel.getByTestId('approve-gate')).toBeVisible();
  await decideInReview(panel, 'reject', 'Add the migration steps');
  await expect.poll(() => currentStepId(panel)).toBe('draft-notes');
  await expect(panel.getByTestId('rejection')).toContainText('Add the migration steps');
});

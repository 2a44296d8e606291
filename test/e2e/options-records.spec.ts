import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { computeEventHash } from '../../lib/db/hash-chain';
import { expect, extensionServiceWorker, launchWithExtension, test } from './support/extension';
import { createWorkflow, databaseCounts, openOptions, pageErrors, saveDownload, startTaskInPanel, waitForBuiltins } from './options-support';
import { completeStep } from './panel-support';

/**
 * Records that prove themselves, along a manager's path: a colleague's task files arrive in another
 * browser profile; tampered ones are refused with a plain sentence and nothing written; the untouched
 * one verifies with valid signatures from a key the manager marked as known; a forged, re-hashed
 * decision shows as unsigned; a note edited behind the record's back is reported by verify.
 */

type TaskFile = {
  task: Record<string, unknown> & { id: string; rev: number };
  workflow: { steps: Array<Record<string, unknown>> };
  notes: Array<{ body: string }>;
  events: Array<Record<string, unknown> & { seq: number; type: string; at: string; hash: string; prevHash: string; stepId?: string; data: Record<string, unknown> }>;
};

async function rehashFrom(events: TaskFile['events'], from: number): Promise<void> {
  for (let i = from; i < events.length; i += 1) {
    events[i]!.prevHash = events[i - 1]!.hash;
    events[i]!.hash = await computeEventHash(events[i] as never);
  }
}

async function download(page: Page, testId: string, dir: string) {
  const pending = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  return saveDownload(await pending, dir);
}

async function openTask(page: Page, extensionId: string, title: string): Promise<void> {
  await page.goto(`chrome-extension://${extensionId}/options.html#/tasks`);
  await page.getByRole('link', { name: title, exact: true }).click();
  await expect(page.getByTestId('task-detail')).toBeVisible();
}

test('task files travel to a manager: tampered ones refused, untouched ones signed by a known key, forgeries and edits reported', async ({ context, extensionId }) => {
  test.setTimeout(120_000);
  const dir = await mkdtemp(path.join(tmpdir(), 'convops-records-'));
  const page = await openOptions(context, extensionId);
  await createWorkflow(page, extensionId, {
    name: 'Policy update',
    steps: [
      { title: 'Draft policy', instructions: 'Draft it.', gate: { type: 'approval', ask: 'Is the draft right?' } },
      { title: 'Publish policy', instructions: 'Publish it.' },
    ],
  });
  await startTaskInPanel(context, extensionId, 'policy-update', 'Alpha policy', async (panel) => {
    await panel.getByRole('button', { name: /Add a note to/ }).click();
    await panel.getByLabel(/New note for/).fill('Scope agreed with legal.');
    await panel.getByRole('button', { name: 'Add note', exact: true }).click();
    await expect(panel.locator('[data-testid="note"][data-source="manual"]')).toBeVisible();
    await completeStep(panel);
    await expect(panel.getByTestId('approve-gate')).toBeVisible();
  });

  // The colleague's files: the task waiting at its gate, and their public key.
  await openTask(page, extensionId, 'Alpha policy');
  const atGate = JSON.parse((await download(page, 'export-task-file', dir)).text) as TaskFile;
  await page.goto(`chrome-extension://${extensionId}/options.html#/settings`);
  const keyFile = await download(page, 'export-public-key', dir);
  const fingerprint = (JSON.parse(keyFile.text) as { key: { fingerprint: string } }).key.fingerprint;
  await expect(page.getByTestId('own-key-fingerprint')).toHaveAttribute('data-fingerprint', fingerprint);

  const write = async (name: string, data: unknown) => {
    const file = path.join(dir, name);
    await writeFile(file, typeof data === 'string' ? data : JSON.stringify(data));
    return file;
  };
  const clone = (): TaskFile => JSON.parse(JSON.stringify(atGate)) as TaskFile;
  const pastGate = clone();
  Object.assign(pastGate.task, { status: 'completed', currentStepId: null, pendingGate: null, completedStepIds: ['draft-policy', 'publish-policy'], rev: 4 });
  const editedEvent = clone();
  editedEvent.events[0]!.data['title'] = 'Beta policy';
  const editedNote = clone();
  editedNote.notes[0]!.body = 'Scope agreed with nobody.';
  const noGate = clone();
  delete noGate.workflow.steps[0]!['gate'];
  const tampered = [
    { file: await write('past-gate.json', pastGate), says: 'Task "Alpha policy" was not imported: its record says "completed", but its events lead to "awaiting-approval" at "Draft policy".' },
    { file: await write('edited-event.json', editedEvent), says: 'Task "Alpha policy" was not imported: its audit trail does not verify (event 1 was changed after it was recorded).' },
    { file: await write('edited-note.json', editedNote), says: 'was changed after it was recorded: its text does not match event' },
    { file: await write('no-gate.json', noGate), says: 'was changed after it was saved (its steps do not match its own hash)' },
  ];
  const deep = await write('deep.json', `{"format":"convops.task","formatVersion":1,"task":${'['.repeat(400_000)}${']'.repeat(400_000)}}`);

  const manager = await launchWithExtension();
  try {
    const managerId = new URL((await extensionServiceWorker(manager.context)).url()).host;
    const other = await openOptions(manager.context, managerId, '#/settings');
    await other.getByTestId('setting-display-name').fill('Mara Manager');
    await other.getByTestId('setting-display-name').press('Enter');
    await expect(other.getByTestId('own-key-fingerprint')).not.toHaveAttribute('data-fingerprint', '');
    await waitForBuiltins(other, managerId);
    await other.goto(`chrome-extension://${managerId}/options.html#/backup`);
    const before = await databaseCounts(other);

    // Each tampered file: refused in the preview with its sentence; applying writes nothing.
    for (const { file, says } of tampered) {
      await other.getByTestId('import-task-file').setInputFiles(file);
      await expect(other.getByTestId('restore-refusal')).toContainText(says);
      await expect(other.getByTestId('restore-item')).toHaveAttribute('data-status', 'refused');
      await other.getByTestId('apply-restore').click();
      await expect(other.getByTestId('backup-message')).toContainText('Refused 1 task (nothing of it was written)');
      expect(await databaseCounts(other)).toEqual(before);
    }
    await other.getByTestId('import-task-file').setInputFiles(deep);
    await expect(other.getByTestId('backup-message')).toContainText('Nothing was changed. This file nests too deeply');
    expect(await databaseCounts(other)).toEqual(before);

    // The colleague's key, confirmed by the manager, then the untouched file: valid signatures.
    await other.goto(`chrome-extension://${managerId}/options.html#/settings`);
    await other.getByTestId('import-public-key').setInputFiles(keyFile.path);
    const colleague = other.locator(`[data-testid="colleague-key"][data-fingerprint="${fingerprint}"]`);
    await expect(colleague).toHaveAttribute('data-known', 'false');
    await colleague.getByTestId('known-key-name').fill('Dana Lead');
    await colleague.getByTestId('mark-key-known').click();
    await expect(colleague).toHaveAttribute('data-known', 'true');

    await other.goto(`chrome-extension://${managerId}/options.html#/backup`);
    await other.getByTestId('import-task-file').setInputFiles(await write('untouched.json', atGate));
    await expect(other.getByTestId('restore-item')).toHaveAttribute('data-status', 'new');
    await other.getByTestId('apply-restore').click();
    await expect(other.getByTestId('backup-message')).toContainText('1 task');
    await other.goto(`chrome-extension://${managerId}/options.html#/tasks`);
    await expect(other.getByTestId('task-row')).toHaveCount(1);
    await expect(other.getByTestId('trust-flag')).toHaveCount(0);
    await openTask(other, managerId, 'Alpha policy');
    await other.getByTestId('verify-chain').click();
    await expect(other.getByTestId('chain-verdict')).toHaveAttribute('data-ok', 'true');
    const checks = other.getByTestId('signature-check');
    await expect(checks.first()).toBeAttached();
    const count = await checks.count();
    for (let i = 0; i < count; i += 1) {
      await expect(checks.nth(i)).toHaveAttribute('data-status', 'valid');
      await expect(checks.nth(i)).toContainText(`signed by Dana Lead (key …${fingerprint.slice(-4)})`);
    }

    // A forged approval appended with the chain re-hashed: imported as a later state, but unsigned.
    const forged = clone();
    const last = forged.events.at(-1)!;
    const at = new Date(Date.parse(last.at) + 60_000).toISOString();
    for (const [offset, type] of (['gate.approved', 'step.completed'] as const).entries()) {
      forged.events.push({ type, actor: { kind: 'human', name: 'Dana Lead' }, at, stepId: 'draft-policy', data: {}, taskId: forged.task.id, seq: last.seq + 1 + offset, prevHash: '', hash: '' });
    }
    await rehashFrom(forged.events, forged.events.length - 2);
    Object.assign(forged.task, { status: 'active', currentStepId: 'publish-policy', pendingGate: null, completedStepIds: ['draft-policy'], rev: forged.task.rev + 1 });
    await other.goto(`chrome-extension://${managerId}/options.html#/backup`);
    await other.getByTestId('import-task-file').setInputFiles(await write('forged.json', forged));
    await expect(other.getByTestId('restore-item')).toHaveAttribute('data-status', 'update');
    await other.getByTestId('apply-restore').click();
    await expect(other.getByTestId('backup-message')).toContainText('Brought 1 task up to date');
    await other.goto(`chrome-extension://${managerId}/options.html#/tasks`);
    await expect(other.getByTestId('trust-flag')).toHaveAttribute('data-trust', 'unsigned');
    await openTask(other, managerId, 'Alpha policy');
    await other.getByTestId('verify-chain').click();
    await expect(other.locator(`[data-testid="signature-check"][data-seq="${last.seq + 1}"]`)).toHaveAttribute('data-status', 'unsigned');
    await expect(other.locator(`[data-testid="signature-check"][data-seq="${last.seq + 1}"]`)).toContainText('Approved by Dana Lead: unsigned');

    // A note changed in the database behind the record's back: verify names it.
    await other.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.open('convops');
          request.onsuccess = () => {
            const tx = request.result.transaction('notes', 'readwrite');
            const store = tx.objectStore('notes');
            const all = store.getAll();
            all.onsuccess = () => {
              const note = all.result[0] as { body: string };
              store.put({ ...note, body: 'Scope agreed with nobody.' });
            };
            tx.oncomplete = () => {
              request.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
    );
    await other.getByTestId('verify-chain').click();
    await expect(other.getByTestId('chain-verdict')).toHaveAttribute('data-ok', 'false');
    await expect(other.getByTestId('note-check')).toHaveAttribute('data-problem', 'changed');
    expect(pageErrors(other)).toEqual([]);
  } finally {
    await manager.close();
    await rm(dir, { recursive: true, force: true });
  }
  expect(pageErrors(page)).toEqual([]);
});

test('a backup with one task edited past its gate: that task refused with its reason, the rest restored', async ({ context, extensionId }) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'convops-records-backup-'));
  const page = await openOptions(context, extensionId);
  await createWorkflow(page, extensionId, {
    name: 'Policy update',
    steps: [
      { title: 'Draft policy', instructions: 'Draft it.', gate: { type: 'approval', ask: 'Is the draft right?' } },
      { title: 'Publish policy', instructions: 'Publish it.' },
    ],
  });
  await startTaskInPanel(context, extensionId, 'policy-update', 'Kept policy');
  await startTaskInPanel(context, extensionId, 'policy-update', 'Edited policy', async (panel) => {
    await completeStep(panel);
    await expect(panel.getByTestId('approve-gate')).toBeVisible();
  });
  await page.goto(`chrome-extension://${extensionId}/options.html#/backup`);
  const backup = JSON.parse((await download(page, 'export-backup', dir)).text) as { tasks: Array<Record<string, unknown>> };
  const edited = backup.tasks.find((task) => task['title'] === 'Edited policy')!;
  Object.assign(edited, { status: 'completed', currentStepId: null, pendingGate: null, completedStepIds: ['draft-policy', 'publish-policy'] });
  const file = path.join(dir, 'edited-backup.json');
  await writeFile(file, JSON.stringify(backup));

  const fresh = await launchWithExtension();
  try {
    const freshId = new URL((await extensionServiceWorker(fresh.context)).url()).host;
    const other = await openOptions(fresh.context, freshId, '#/backup');
    await other.getByTestId('restore-file').setInputFiles(file);
    await expect(other.getByTestId('restore-refusal')).toHaveText(
      'Task "Edited policy" was not imported: its record says "completed", but its events lead to "awaiting-approval" at "Draft policy".',
    );
    await expect(other.locator('[data-testid="restore-item"][data-status="new"]')).toHaveText(/Kept policy/);
    await other.getByTestId('apply-restore').click();
    await expect(other.getByTestId('backup-message')).toContainText('Added 1 workflow version, 1 task');
    await other.goto(`chrome-extension://${freshId}/options.html#/tasks`);
    await expect(other.getByTestId('task-row')).toHaveCount(1);
    await expect(other.getByTestId('task-row')).toContainText('Kept policy');
    expect(pageErrors(other)).toEqual([]);
  } finally {
    await fresh.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a workflow file nested 400,000 levels deep is refused with a message', async ({ context, extensionId }) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'convops-deep-'));
  try {
    const page = await openOptions(context, extensionId, '#/import');
    const file = path.join(dir, 'deep.convops.json');
    await writeFile(file, `{"format":${'['.repeat(400_000)}${']'.repeat(400_000)},"formatVersion":1,"workflows":[]}`);
    await page.getByTestId('import-file').setInputFiles(file);
    await expect(page.getByTestId('import-issue')).toContainText(/nests more than 64 levels deep/i);
    expect(pageErrors(page)).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

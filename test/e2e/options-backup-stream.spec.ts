import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { computeEventHash, sha256Hex } from '../../lib/db/hash-chain';
import type { AuditEvent, Note } from '../../lib/workflow/records';
import { expect, extensionServiceWorker, launchWithExtension, test } from './support/extension';
import { openOptions, pageErrors, saveDownload, startTaskInPanel } from './options-support';

const NOTES = 15_000;
const paragraph = 'Reconciled the sub-ledger against the bank statement; two items carried to next month. ';

/**
 * Grows a real backup (one task with a real chain) into a large one: `NOTES` captured notes on the
 * task, each with its `note.added` event hashed onto the chain, so every check of a restore applies.
 */
async function growBackup(text: string, taskTitle: string): Promise<{ text: string; taskId: string }> {
  const file = JSON.parse(text) as { tasks: { id: string; title: string; currentStepId: string }[]; notes: Note[]; events: AuditEvent[] };
  const task = file.tasks.find((t) => t.title === taskTitle)!;
  const chain = file.events.filter((e) => e.taskId === task.id).sort((a, b) => a.seq - b.seq);
  let last = chain.at(-1)!;
  const ai = { kind: 'ai' as const, name: 'ChatGPT' };
  for (let n = 0; n < NOTES; n += 1) {
    const at = new Date(Date.parse(last.at) + 1000).toISOString();
    const body = `## Reply ${n}\n\n${paragraph.repeat(20)}`;
    const note: Note = { id: `grown-${n}`, taskId: task.id, stepId: task.currentStepId, source: 'captured', body, createdAt: at, createdBy: ai, updatedAt: at, deleted: false };
    const unsigned = { type: 'note.added' as const, actor: ai, at, stepId: task.currentStepId, data: { noteId: note.id, source: 'captured', length: body.length, hash: await sha256Hex(body) }, taskId: task.id, seq: last.seq + 1, prevHash: last.hash };
    last = { ...unsigned, hash: await computeEventHash(unsigned) };
    file.notes.push(note);
    file.events.push(last);
  }
  // In the order ConvOps writes (each chain's events together), so the restore streams it in bounded memory.
  file.events.sort((a, b) => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : a.seq - b.seq));
  return { text: JSON.stringify(file), taskId: task.id };
}

test('a large backup restores through the preview, and a backup shows progress and can be cancelled', async ({ context, extensionId }) => {
  test.setTimeout(180_000);
  await startTaskInPanel(context, extensionId, 'sop-documentation', 'Ledger close');
  const page = await openOptions(context, extensionId, '#/backup');
  const firstDownload = page.waitForEvent('download');
  await page.getByTestId('export-backup').click();
  const dir = await mkdtemp(path.join(tmpdir(), 'convops-stream-'));
  const fresh = await launchWithExtension();
  try {
    const small = await saveDownload(await firstDownload, dir);
    const grown = await growBackup(small.text, 'Ledger close');
    const bigPath = path.join(dir, 'convops-backup-large.json');
    await writeFile(bigPath, grown.text);
    expect(grown.text.length).toBeGreaterThan(25_000_000);

    // Restore into another profile: the file is read as a stream, previewed, then applied.
    const freshId = new URL((await extensionServiceWorker(fresh.context)).url()).host;
    const other = await openOptions(fresh.context, freshId, '#/backup');
    await other.getByTestId('restore-file').setInputFiles(bigPath);
    const item = other.locator(`[data-testid="restore-item"][data-task-id="${grown.taskId}"]`);
    await expect(item).toHaveAttribute('data-status', 'new', { timeout: 60_000 });
    await other.getByTestId('apply-restore').click();
    // The restore reads the file a second time to write it, with its own progress.
    await expect(other.getByRole('progressbar', { name: 'Restoring the backup' })).toBeVisible();
    await expect(other.getByTestId('backup-message')).toContainText(/Added \d+ workflow versions?, 1 task, 15,?0\d\d notes/, { timeout: 90_000 });

    // A backup of what is now here: progress shows, and Cancel stops it with nothing downloaded.
    let downloads = 0;
    other.on('download', () => (downloads += 1));
    await other.getByTestId('export-backup').click();
    const progress = other.getByTestId('backup-progress');
    await expect(progress).toBeVisible();
    await other.getByTestId('cancel-backup').click();
    await expect(other.getByTestId('backup-message')).toHaveText('Backup cancelled. Nothing was saved.');
    await expect(progress).toHaveCount(0);
    expect(downloads).toBe(0);

    // The page is usable again: the next backup runs to the end, with every note in it.
    const nextDownload = other.waitForEvent('download');
    await expect(other.getByTestId('export-backup')).toBeEnabled();
    await other.getByTestId('export-backup').click();
    const backup = await saveDownload(await nextDownload, dir);
    await expect(other.getByTestId('backup-message')).toContainText('Backup saved: 1 tasks');
    const file = JSON.parse(backup.text) as { notes: unknown[]; format: string };
    expect(file.format).toBe('convops.backup');
    expect(file.notes.length).toBeGreaterThanOrEqual(NOTES);
    expect(downloads).toBe(1);
    expect(pageErrors(other)).toEqual([]);
  } finally {
    await fresh.close();
    await rm(dir, { recursive: true, force: true });
  }
});

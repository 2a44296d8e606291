import { useState } from 'react';
import { exportBackup, importTask, restoreBackup, type RestoreReport } from '../../lib/db/backup';
import { Alert, Button, Card } from '../ui';
import { downloadText, fileStamp } from './download';
import { PageHeader } from './form';

/** Backups hold every note; a generous ceiling still stops a wrong pick (a video) from being read whole. */
export const MAX_BACKUP_BYTES = 512 * 1024 * 1024;

export function restoreSummary(report: RestoreReport): string {
  const { added, skipped } = report;
  const parts = [
    `Added ${added.workflowVersions} workflow version${added.workflowVersions === 1 ? '' : 's'}, ${added.tasks} task${added.tasks === 1 ? '' : 's'}, ${added.notes} note${added.notes === 1 ? '' : 's'} and ${added.events} audit event${added.events === 1 ? '' : 's'}${added.settings ? ', and the settings' : ''}.`,
  ];
  if (report.updatedTasks) parts.push(`Brought ${report.updatedTasks} task${report.updatedTasks === 1 ? '' : 's'} up to date.`);
  const already = skipped.workflowVersions + skipped.tasks + skipped.notes + skipped.events;
  if (already) parts.push(`${already} record${already === 1 ? ' was' : 's were'} already here and left as they are.`);
  if (report.divergedChains.length) parts.push(`Kept your own history for ${report.divergedChains.length} task${report.divergedChains.length === 1 ? '' : 's'} whose audit trail differs from the file's.`);
  if (report.unverifiedChains.length) parts.push(`Warning: ${report.unverifiedChains.length} audit chain${report.unverifiedChains.length === 1 ? '' : 's'} in the file did not verify.`);
  return parts.join(' ');
}

async function readJson(file: File): Promise<unknown> {
  if (file.size > MAX_BACKUP_BYTES) throw new Error(`This file is too large (${Math.round(file.size / 1024 / 1024)} MB) to be a ConvOps backup.`);
  const text = await file.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('This file is not JSON, so it is not a ConvOps backup or task file.');
  }
}

function FilePicker({ label, testId, onFile }: { label: string; testId: string; onFile: (file: File) => void }) {
  return (
    <label className="inline-flex cursor-pointer items-center rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium focus-within:outline-2 focus-within:outline-offset-2 focus-within:outline-blue-600 hover:bg-zinc-100 dark:border-zinc-600 dark:hover:bg-zinc-800">
      {label}
      <input
        type="file"
        accept=".json,application/json"
        className="sr-only"
        data-testid={testId}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) onFile(file);
          event.target.value = '';
        }}
      />
    </label>
  );
}

export function BackupPage() {
  const [message, setMessage] = useState<{ tone: 'success' | 'error' | 'info'; text: string } | undefined>();
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setMessage({ tone: 'info', text: 'Working…' });
    try {
      setMessage({ tone: 'success', text: await work() });
    } catch (error) {
      setMessage({ tone: 'error', text: `Nothing was changed. ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="backup-page">
      <PageHeader title="Backup and restore" />
      {message ? (
        <Alert tone={message.tone} className="mb-3" data-testid="backup-message">
          {message.text}
        </Alert>
      ) : null}
      <div className="grid gap-4 md:grid-cols-2">
        <Card>
          <h2 className="mb-1 text-base font-semibold">Back up everything</h2>
          <p className="mb-3 text-sm">
            One file with every workflow version, task, note, audit event and your settings. It stays on this computer until you move
            it.
          </p>
          <Button
            variant="primary"
            disabled={busy}
            data-testid="export-backup"
            onClick={() =>
              void run(async () => {
                const backup = await exportBackup();
                downloadText(`convops-backup-${fileStamp()}.json`, JSON.stringify(backup));
                return `Backup saved: ${backup.tasks.length} tasks, ${backup.workflowHeads.length} workflows.`;
              })
            }
          >
            Download backup
          </Button>
        </Card>
        <Card>
          <h2 className="mb-1 text-base font-semibold">Restore</h2>
          <p className="mb-3 text-sm">
            Merges a backup into what is here: nothing is overwritten or duplicated, and restoring the same file twice adds nothing.
          </p>
          <div className="flex flex-wrap gap-2">
            <FilePicker
              label="Restore from a backup…"
              testId="restore-file"
              onFile={(file) => void run(async () => restoreSummary(await restoreBackup(await readJson(file), { mode: 'merge' })))}
            />
            <FilePicker
              label="Import a task file…"
              testId="import-task-file"
              onFile={(file) => void run(async () => restoreSummary(await importTask(await readJson(file))))}
            />
          </div>
        </Card>
      </div>
    </div>
  );
}

// Long on purpose: backup, preview and restore are one flow on one page (a file chosen, previewed, applied, with progress and cancel), sharing the page's state.
import { useRef, useState } from 'react';
import type { RestorePlan, RestoreReport, TaskPlanStatus } from '@/lib/db/backup';
import { applyRestore, planBackupFile, planTaskFile } from '@/lib/db/backup-restore';
import { BackupError } from '@/lib/db/errors';
import { exportBackupBlob, NotJsonError, readJsonStream, type StreamProgress } from '@/lib/db/backup-stream';
import { tooDeepAt } from '@/lib/workflow/file-format';
import { Alert, Badge, Button, Card, type BadgeTone } from '@/components/ui';
import { downloadBlob, fileStamp } from './download';
import { PageHeader } from './form';
import { useActor } from './use-actor';

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
  if (report.refused.length) parts.push(`Refused ${report.refused.length} task${report.refused.length === 1 ? '' : 's'} (nothing of ${report.refused.length === 1 ? 'it' : 'them'} was written): ${report.refused.map((item) => item.reason).join(' ')}`);
  if (report.quarantinedChains.length) parts.push(`Left out ${report.quarantinedChains.length} audit chain${report.quarantinedChains.length === 1 ? '' : 's'} that did not verify.`);
  return parts.join(' ');
}

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/**
 * Reads a picked file from its stream (a 180 MB backup is never one string), then checks its depth;
 * `planTaskFile` checks the rest.
 */
function checkSize(file: File): void {
  if (file.size > MAX_BACKUP_BYTES) throw new Error(`This file is too large (${Math.round(file.size / 1024 / 1024)} MB) to be a ConvOps backup.`);
}

async function readJson(file: File, options: { onProgress: (progress: StreamProgress) => void; signal: AbortSignal }): Promise<unknown> {
  checkSize(file);
  let data: unknown;
  try {
    data = await readJsonStream(file.stream(), file.size, options);
  } catch (error) {
    if (error instanceof NotJsonError || isAbort(error)) throw error;
    throw new Error('The file could not be read.');
  }
  const deep = tooDeepAt(data);
  if (deep !== undefined) throw new Error(`This file nests too deeply (at ${deep}) to be a ConvOps backup or task file.`);
  return data;
}

interface Running {
  label: string;
  unit: 'rows' | 'bytes';
  progress: StreamProgress;
  controller: AbortController;
}

/** A long backup or file read: how far it is, and a way out. */
function ProgressCard({ running }: { running: Running }) {
  const { done, total } = running.progress;
  const percent = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  const amount = running.unit === 'bytes' ? `${(done / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB` : `${done.toLocaleString()} of ${total.toLocaleString()} records`;
  return (
    <Card className="mb-4" data-testid="backup-progress-card">
      <p className="mb-2 text-sm font-medium">{running.label}</p>
      <div
        role="progressbar"
        aria-label={running.label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        data-testid="backup-progress"
        data-done={done}
        data-total={total}
        className="mb-2 h-2 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-700"
      >
        <div className="h-full bg-blue-600 transition-[width]" style={{ width: `${percent}%` }} />
      </div>
      <div className="flex items-center gap-2 text-sm">
        <span className="tabular-nums">
          {percent}% · {amount}
        </span>
        <Button size="sm" className="ml-auto" data-testid="cancel-backup" onClick={() => running.controller.abort()}>
          Cancel
        </Button>
      </div>
    </Card>
  );
}

const PLAN_LABELS: Record<TaskPlanStatus, { text: string; tone: BadgeTone }> = {
  new: { text: 'new', tone: 'success' },
  update: { text: 'later state', tone: 'info' },
  same: { text: 'already here', tone: 'neutral' },
  diverged: { text: 'differs: yours kept', tone: 'warning' },
  refused: { text: 'refused', tone: 'danger' },
};

type Preview = RestorePlan;

/**
 * A backup is checked from its stream in bounded memory (lib/db/backup-restore.ts: notes and events
 * are not kept, the file is read again to write them).
 */
async function planBackupStream(file: File, options: { onProgress: (progress: StreamProgress) => void; signal: AbortSignal }): Promise<Preview> {
  checkSize(file);
  try {
    return await planBackupFile(file, options);
  } catch (error) {
    if (error instanceof NotJsonError || error instanceof BackupError || isAbort(error)) throw error;
    throw new Error('The file could not be read.');
  }
}

function RestorePreview({ plan, busy, onApply, onCancel }: { plan: Preview; busy: boolean; onApply: () => void; onCancel: () => void }) {
  const taking = plan.items.filter((item) => item.status === 'new' || item.status === 'update').length;
  const refused = plan.items.filter((item) => item.status === 'refused');
  return (
    <Card className="mb-4" data-testid="restore-preview">
      <h2 className="mb-2 text-base font-semibold">
        {plan.source === 'backup' ? 'This backup' : 'This task file'} holds {plan.items.length} task{plan.items.length === 1 ? '' : 's'}
      </h2>
      {refused.length > 0 ? (
        <Alert tone="error" className="mb-2" data-testid="restore-refused">
          <p className="font-medium">
            {refused.length} task{refused.length === 1 ? ' is' : 's are'} refused and will not be written; the rest can still be restored.
          </p>
          <ul className="list-disc pl-5">
            {refused.map((item) => (
              <li key={item.id} data-testid="restore-refusal" data-task-id={item.id}>
                {item.reason}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}
      {plan.refusedWorkflowVersions.length > 0 || plan.quarantinedChains.length > 0 ? (
        <p className="mb-2 text-sm" data-testid="restore-left-out">
          Left out: {plan.refusedWorkflowVersions.map((item) => item.reason).join('; ')}
          {plan.quarantinedChains.length ? `${plan.refusedWorkflowVersions.length ? '; ' : ''}${plan.quarantinedChains.length} audit chain(s) that do not verify` : ''}.
        </p>
      ) : null}
      <ul className="mb-3 text-sm">
        {plan.items.map((item) => (
          <li key={item.id} className="flex flex-wrap items-baseline gap-2 py-0.5" data-testid="restore-item" data-status={item.status} data-task-id={item.id}>
            <Badge tone={PLAN_LABELS[item.status].tone}>{PLAN_LABELS[item.status].text}</Badge>
            <span>{item.title}</span>
          </li>
        ))}
      </ul>
      <div className="flex items-center gap-2">
        <Button variant="primary" disabled={busy} onClick={onApply} data-testid="apply-restore">
          {taking > 0 ? `Restore ${taking} task${taking === 1 ? '' : 's'}` : 'Restore the rest'}
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </Card>
  );
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
  const actor = useActor();
  const [message, setMessage] = useState<{ tone: 'success' | 'error' | 'info'; text: string } | undefined>();
  const [busy, setBusy] = useState(false);
  const [plan, setPlan] = useState<Preview | undefined>();

  const [running, setRunning] = useState<Running | undefined>();
  const lastShown = useRef(-1);

  /** Runs a cancellable long step with a progress bar; progress is shown per percent, not per chunk. */
  const withProgress = async <T,>(label: string, unit: Running['unit'], work: (options: { onProgress: (p: StreamProgress) => void; signal: AbortSignal }) => Promise<T>): Promise<T> => {
    const controller = new AbortController();
    lastShown.current = -1;
    setRunning({ label, unit, progress: { done: 0, total: 0 }, controller });
    try {
      return await work({
        signal: controller.signal,
        onProgress: (progress) => {
          const percent = progress.total > 0 ? Math.floor((progress.done / progress.total) * 100) : 0;
          if (percent === lastShown.current) return;
          lastShown.current = percent;
          setRunning({ label, unit, progress, controller });
        },
      });
    } finally {
      setRunning(undefined);
    }
  };

  /** Reads and checks a file, then shows what restoring it would do; nothing is written yet. */
  const preview = async (file: File, kind: 'backup' | 'task-file') => {
    setBusy(true);
    setPlan(undefined);
    setMessage({ tone: 'info', text: 'Checking the file…' });
    try {
      const label = `Reading ${file.name.slice(0, 120)}`;
      const next =
        kind === 'backup'
          ? await withProgress(label, 'bytes', (options) => planBackupStream(file, options))
          : await planTaskFile(await withProgress(label, 'bytes', (options) => readJson(file, options)));
      setPlan(next);
      setMessage(undefined);
    } catch (error) {
      if (isAbort(error)) setMessage({ tone: 'info', text: 'Stopped reading the file. Nothing was changed.' });
      else setMessage({ tone: 'error', text: `Nothing was changed. ${error instanceof Error ? error.message.slice(0, 600) : 'The file could not be read.'}` });
    } finally {
      setBusy(false);
    }
  };

  /** `stopped`: what a cancel left; `failed`: what an error left, before its message. */
  const run = async (work: () => Promise<string>, said: { stopped: string; failed: string } = { stopped: 'Backup cancelled. Nothing was saved.', failed: 'Nothing was changed.' }) => {
    setBusy(true);
    setMessage({ tone: 'info', text: 'Working…' });
    try {
      setMessage({ tone: 'success', text: await work() });
    } catch (error) {
      if (isAbort(error)) setMessage({ tone: 'info', text: said.stopped });
      else setMessage({ tone: 'error', text: `${said.failed} ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="backup-page">
      <PageHeader title="Backup and restore" />
      {plan ? (
        <RestorePreview
          plan={plan}
          busy={busy}
          onCancel={() => setPlan(undefined)}
          onApply={() =>
            void run(
              async () => {
                const label = plan.source === 'backup' ? 'Restoring the backup' : 'Importing the task';
                const report = await withProgress(label, 'bytes', (options) => applyRestore(plan, actor, options));
                setPlan(undefined);
                return restoreSummary(report);
              },
              // A restore writes in batches: what it wrote stays, and the same file completes it.
              {
                stopped: 'Restore stopped. What it wrote so far stays; restoring the same file again completes it without writing anything twice.',
                failed: 'The restore stopped. What it wrote so far stays; restoring the same file again completes it.',
              },
            )
          }
        />
      ) : null}
      {running ? <ProgressCard running={running} /> : null}
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
                const { blob, counts } = await withProgress('Writing the backup', 'rows', (options) => exportBackupBlob(options));
                downloadBlob(`convops-backup-${fileStamp()}.json`, blob);
                return `Backup saved: ${counts.tasks} tasks, ${counts.workflows} workflows.`;
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
            Every task is first replayed from its audit trail; one that does not add up is refused and shown before anything is written.
          </p>
          <div className="flex flex-wrap gap-2">
            <FilePicker
              label="Restore from a backup…"
              testId="restore-file"
              onFile={(file) => void preview(file, 'backup')}
            />
            <FilePicker
              label="Import a task file…"
              testId="import-task-file"
              onFile={(file) => void preview(file, 'task-file')}
            />
          </div>
        </Card>
      </div>
    </div>
  );
}

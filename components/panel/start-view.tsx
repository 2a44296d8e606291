import { useId, useState, type FormEvent } from 'react';
import { browser } from 'wxt/browser';
import type { HostState } from '@/lib/messaging/schemas';
import { SITE_LABELS, TASK_STATUS_LABELS } from '@/lib/workflow/labels';
import type { Task } from '@/lib/workflow/records';
import { Alert, Badge, Button, Card, TextField } from '@/components/ui';
import { panelRepo, useLibrary, useOpenTasks } from './data';
import { describeError } from './errors';

export function StartView({
  host,
  onStarted,
  onBringHere,
}: {
  host: HostState | null;
  onStarted: (taskId: string) => Promise<void>;
  onBringHere: (task: Task) => Promise<void>;
}) {
  const library = useLibrary();
  const openTasks = useOpenTasks();
  const [workflowId, setWorkflowId] = useState('');
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pickerId = useId();
  const selected = library?.find((w) => w.id === workflowId);

  const siteName = host ? SITE_LABELS[host.site] : null;
  const start = async (event: FormEvent, send = false) => {
    event.preventDefault();
    if (!selected || !title.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const conversation = host
        ? { site: host.site, conversationId: host.conversationId, url: host.url, boundAt: new Date().toISOString() }
        : undefined;
      const task = await panelRepo.startTask({ workflowId: selected.id, title: title.trim(), ...(conversation ? { conversation } : {}), send });
      await onStarted(task.id);
    } catch (e) {
      setError(describeError(e).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="flex flex-col gap-3 p-3">
      <form onSubmit={start} className="flex flex-col gap-2">
        <h1 className="text-sm font-semibold">Start a workflow</h1>
        <label htmlFor={pickerId} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
          Workflow
        </label>
        <select
          id={pickerId}
          data-testid="workflow-picker"
          value={workflowId}
          onChange={(e) => setWorkflowId(e.target.value)}
          className="w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100"
        >
          <option value="">{library === undefined ? 'Loading…' : 'Choose a workflow…'}</option>
          {library?.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name} · {w.category} · {w.stepCount} steps{w.gates.length ? ` · ${w.gates.length} gate${w.gates.length > 1 ? 's' : ''}` : ''}
            </option>
          ))}
        </select>
        {selected ? (
          <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="workflow-summary">
            {selected.stepCount} steps{selected.gates.length ? `; you decide at: ${selected.gates.join(', ')}` : '; no gates'}
            {selected.origin !== 'builtin' ? ` · ${selected.origin}` : ''}
          </p>
        ) : null}
        <TextField label="Task title" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} placeholder="e.g. Month-end close checklist" data-testid="task-title" />
        {error ? <Alert tone="error">{error}</Alert> : null}
        <div className="flex flex-wrap gap-2">
          {siteName ? (
            <Button
              variant="primary"
              data-testid="start-and-send"
              disabled={!selected || !title.trim() || busy}
              onClick={(e) => void start(e, true)}
            >
              Start and send step 1 to {siteName}
            </Button>
          ) : null}
          <Button type="submit" variant={siteName ? 'secondary' : 'primary'} data-testid="start-task" disabled={!selected || !title.trim() || busy}>
            Start in this chat
          </Button>
        </div>
      </form>

      {openTasks && openTasks.length > 0 ? (
        <section aria-labelledby="convops-open-heading" className="flex flex-col gap-2">
          <h2 id="convops-open-heading" className="text-xs font-semibold tracking-wide text-zinc-600 uppercase dark:text-zinc-400">
            Waiting tasks
          </h2>
          <ul className="flex flex-col gap-1.5" data-testid="open-tasks">
            {openTasks.slice(0, 10).map((task) => (
              <li key={task.id}>
                <Card className="flex flex-col gap-1 p-2" data-testid="open-task" data-task-id={task.id}>
                  <div className="flex items-center gap-2">
                    <span className="min-w-0 flex-1 truncate text-xs font-medium">{task.title}</span>
                    <Badge tone={task.status === 'awaiting-approval' ? 'warning' : 'info'}>
                      {TASK_STATUS_LABELS[task.status]}
                    </Badge>
                  </div>
                  <div className="flex gap-1.5">
                    <Button size="sm" disabled={!host} onClick={() => void onBringHere(task)}>
                      Continue here
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => void openOptionsTask(task.id, 'report')}>
                      Open report
                    </Button>
                  </div>
                </Card>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

/** The options page's task page, or its printable report (`#/tasks/<id>/report`). */
export function optionsTaskUrl(taskId: string, page: 'task' | 'report' = 'task'): string {
  return `${browser.runtime.getURL('/options.html')}#/tasks/${encodeURIComponent(taskId)}${page === 'report' ? '/report' : ''}`;
}

/** A link inside a frame of the host page would navigate in the page's context; open a real tab instead. */
export async function openOptionsTask(taskId: string, page: 'task' | 'report' = 'task'): Promise<void> {
  await browser.tabs.create({ url: optionsTaskUrl(taskId, page) });
}

import { useId, useState, type FormEvent } from 'react';
import { InputFieldControl } from '@/components/inputs/input-field';
import { defaultInputValues, inputValuesProblems, type InputValues } from '@/lib/workflow/inputs';
import { browser } from 'wxt/browser';
import type { HostState } from '@/lib/messaging/schemas';
import { SITE_LABELS, TASK_STATUS_LABELS } from '@/lib/workflow/labels';
import type { Task } from '@/lib/workflow/records';
import type { TeamPanelStatus } from '@/lib/team/sharing';
import { Alert, Badge, Button, Card, TextField } from '@/components/ui';
import { panelRepo, useLibrary, useOpenTasks } from './data';
import { describeError } from '@/components/errors';

export function StartView({
  host,
  team,
  onStarted,
  onBringHere,
}: {
  host: HostState | null;
  /** The team workspace, when one is connected: the form offers to share the task (preset from the default). */
  team: TeamPanelStatus | null;
  onStarted: (taskId: string) => Promise<void>;
  onBringHere: (task: Task) => Promise<void>;
}) {
  const library = useLibrary();
  const openTasks = useOpenTasks();
  const [workflowId, setWorkflowId] = useState('');
  const [title, setTitle] = useState('');
  const [values, setValues] = useState<InputValues>({});
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Null until the person ticks or unticks it: then the Team screen's default holds.
  const [shareChoice, setShareChoice] = useState<boolean | null>(null);
  const share = team ? (shareChoice ?? team.shareByDefault) : false;
  const shareId = useId();
  const pickerId = useId();
  const reasonId = useId();
  const selected = library?.find((w) => w.id === workflowId);

  const siteName = host ? SITE_LABELS[host.site] : null;
  const choose = (id: string) => {
    setWorkflowId(id);
    const entry = library?.find((w) => w.id === id);
    setValues(entry ? defaultInputValues(entry) : {});
    setProblems({});
  };
  // Why the Start buttons are grey, said beside them rather than left to guess.
  const disabledReason = !selected
    ? 'Choose a workflow to start.'
    : !title.trim()
      ? 'Give the task a title to start.'
      : null;
  const start = async (event: FormEvent, send = false) => {
    event.preventDefault();
    if (!selected || !title.trim() || busy) return;
    const found = inputValuesProblems(selected, values);
    setProblems(found);
    // A required answer left empty is said beside its field; nothing is started.
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const conversation = host
        ? { site: host.site, conversationId: host.conversationId, url: host.url, boundAt: new Date().toISOString() }
        : undefined;
      const task = await panelRepo.startTask({
        workflowId: selected.id,
        title: title.trim(),
        ...(conversation ? { conversation } : {}),
        ...(selected.inputs.length > 0 ? { inputs: values } : {}),
        send,
        ...(team ? { share } : {}),
      });
      await onStarted(task.id);
    } catch (e) {
      setError(describeError(e).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="flex flex-col gap-3 p-3">
      {/* Enter in any field does the highlighted action: start and send when there is a chat to send to. */}
      <form onSubmit={(e) => void start(e, !!siteName)} className="flex flex-col gap-2" noValidate>
        <h1 className="text-sm font-semibold">Start a workflow</h1>
        <p className="text-xs text-zinc-700 dark:text-zinc-300" data-testid="convops-intro">
          ConvOps runs this chat as your team's workflow: it briefs the AI one step at a time, keeps each step's result, and waits for a person's approval at the checkpoints.
        </p>
        <label htmlFor={pickerId} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
          Workflow
        </label>
        <select
          id={pickerId}
          data-testid="workflow-picker"
          value={workflowId}
          onChange={(e) => choose(e.target.value)}
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
          <div className="flex flex-col gap-1 text-xs text-zinc-700 dark:text-zinc-300" data-testid="workflow-summary">
            {selected.description ? <p data-testid="workflow-description">{selected.description}</p> : null}
            <ol className="list-decimal pl-5" data-testid="workflow-steps" aria-label={`The steps of ${selected.name}`}>
              {selected.steps.map((stepTitle, i) => (
                <li key={`${i}-${stepTitle}`}>
                  {stepTitle}
                  {selected.gates.includes(stepTitle) ? <span className="text-zinc-600 dark:text-zinc-400"> — you decide here</span> : null}
                </li>
              ))}
            </ol>
            {selected.origin !== 'builtin' ? <p className="text-zinc-600 dark:text-zinc-400">{selected.origin === 'imported' ? 'Imported from a file' : 'Made by your team'}</p> : null}
          </div>
        ) : null}
        <TextField label="Task title" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} placeholder="e.g. Month-end close checklist" data-testid="task-title" />
        {selected && selected.inputs.length > 0 ? (
          <fieldset className="flex flex-col gap-2" data-testid="task-inputs">
            <legend className="mb-1 text-xs font-semibold">What the AI needs to know</legend>
            {selected.inputs.map((input) => (
              <InputFieldControl
                key={`${selected.id}:${input.name}`}
                input={input}
                value={values[input.name] ?? ''}
                problem={problems[input.name]}
                onChange={(value) => {
                  setValues((before) => ({ ...before, [input.name]: value }));
                  if (problems[input.name]) setProblems(({ [input.name]: _fixed, ...rest }) => rest);
                }}
              />
            ))}
          </fieldset>
        ) : null}
        {team ? (
          <div className="flex items-center gap-2">
            <input
              id={shareId}
              type="checkbox"
              data-testid="share-task"
              checked={share}
              onChange={(e) => setShareChoice(e.target.checked)}
              className="size-4 rounded border-zinc-400 accent-emerald-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
            />
            <label htmlFor={shareId} className="text-xs text-zinc-800 dark:text-zinc-200">
              Share this task with the team
            </label>
          </div>
        ) : null}
        {error ? <Alert tone="error">{error}</Alert> : null}
        <div className="flex flex-wrap gap-2">
          {siteName ? (
            <Button
              type="submit"
              variant="primary"
              data-testid="start-and-send"
              disabled={!!disabledReason || busy}
              aria-describedby={disabledReason ? reasonId : undefined}
            >
              Start and send step 1 to {siteName}
            </Button>
          ) : null}
          <Button
            type={siteName ? 'button' : 'submit'}
            variant={siteName ? 'secondary' : 'primary'}
            data-testid="start-task"
            disabled={!!disabledReason || busy}
            aria-describedby={disabledReason ? reasonId : undefined}
            onClick={siteName ? (e) => void start(e, false) : undefined}
          >
            Start in this chat
          </Button>
        </div>
        {disabledReason ? (
          <p id={reasonId} className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="start-disabled-reason">
            {disabledReason}
          </p>
        ) : null}
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

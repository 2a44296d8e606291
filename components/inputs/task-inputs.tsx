import { useState } from 'react';
import { inputValueProblem, isLongValue } from '@/lib/workflow/inputs';
import type { AuditEvent, Task } from '@/lib/workflow/records';
import type { InputField } from '@/lib/workflow/schema';
import { Alert, Button } from '@/components/ui';
import { InputFieldControl } from './input-field';

/**
 * A task's inputs: each value, who changed it when (old → new), and, while the task runs, a way to
 * change one. The change is the caller's (`onSave`): the panel sends it over its port, the task page
 * runs it through the repository; either way it is an `input.changed` event and the next briefing
 * uses the new value. Mount it in the panel's task view, or the options task page.
 */
export function TaskInputs({
  inputs,
  task,
  events,
  onSave,
}: {
  inputs: readonly InputField[];
  task: Pick<Task, 'inputs' | 'status'>;
  /** The task's events; only `input.changed` are read. */
  events: readonly Pick<AuditEvent, 'type' | 'data' | 'actor' | 'at' | 'seq'>[];
  /** Absent: read only (a finished task, or no person named yet). Rejects with an Error whose message is shown. */
  onSave?: ((name: string, value: string) => Promise<void>) | undefined;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (inputs.length === 0) return null;
  const running = task.status === 'active' || task.status === 'awaiting-approval';
  const changes = events.filter((e) => e.type === 'input.changed');

  const save = async (input: InputField) => {
    const found = inputValueProblem(input, draft);
    setProblem(found);
    if (found || !onSave) return;
    setBusy(true);
    setError(null);
    try {
      await onSave(input.name, draft);
      setEditing(null);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="task-inputs-heading" className="flex flex-col gap-2" data-testid="task-inputs-record">
      <h2 id="task-inputs-heading" className="text-sm font-semibold">
        Inputs
      </h2>
      <dl className="flex flex-col gap-2 text-sm">
        {inputs.map((input) => {
          const value = task.inputs?.[input.name]?.value ?? '';
          const history = changes.filter((e) => e.data['name'] === input.name);
          return (
            <div key={input.name} data-testid="task-input-value" data-name={input.name}>
              <dt className="text-xs font-medium text-zinc-700 dark:text-zinc-300">{input.label}</dt>
              {editing === input.name ? (
                <dd className="flex flex-col gap-1">
                  <InputFieldControl input={{ ...input, label: `New value for ${input.label}` }} value={draft} problem={problem} onChange={setDraft} autoFocus />
                  <div className="flex gap-2">
                    <Button size="sm" variant="primary" disabled={busy} onClick={() => void save(input)} data-testid="save-input">
                      Save
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => setEditing(null)}>
                      Cancel
                    </Button>
                  </div>
                </dd>
              ) : (
                <dd className="flex items-start gap-2">
                  <span className={`min-w-0 flex-1 ${isLongValue(input, value) ? 'whitespace-pre-wrap' : ''}`} data-testid="input-current">
                    {value === '' ? <em className="text-zinc-600 dark:text-zinc-400">not given</em> : value}
                  </span>
                  {running && onSave ? (
                    <Button
                      size="sm"
                      variant="ghost"
                      data-testid="edit-input"
                      aria-label={`Change ${input.label}`}
                      onClick={() => {
                        setEditing(input.name);
                        setDraft(value);
                        setProblem(undefined);
                      }}
                    >
                      Change
                    </Button>
                  ) : null}
                </dd>
              )}
              {history.length > 0 ? (
                <dd>
                  <ul className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="input-history">
                    {history.map((e) => (
                      <li key={e.seq}>
                        {e.actor.name} changed it on <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> from {shown(e.data['from'])} to {shown(e.data['to'])}
                      </li>
                    ))}
                  </ul>
                </dd>
              ) : null}
            </div>
          );
        })}
      </dl>
      {error ? (
        <Alert tone="error" data-testid="input-error">
          {error}
        </Alert>
      ) : null}
    </section>
  );
}

function shown(value: unknown): string {
  if (typeof value !== 'string' || value === '') return 'empty';
  return `“${value.length > 120 ? `${value.slice(0, 119)}…` : value}”`;
}

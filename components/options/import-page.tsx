import { useRef, useState, type DragEvent } from 'react';
import { applyImport, planImport, type ImportAction, type ImportPlanItem, type ImportResult } from '@/lib/db/workflows-repo';
import { MAX_WORKFLOW_FILE_CHARS, parseWorkflowFile } from '@/lib/workflow/file';
import { describeIssue, type ValidationIssue } from '@/lib/workflow/validate';
import { Alert, Badge, Button, Card, type BadgeTone } from '@/components/ui';
import { PageHeader } from './form';
import { hrefFor } from './router';
import { useActor } from './use-actor';

const STATUS_LABELS: Record<ImportPlanItem['status'], { text: string; tone: BadgeTone }> = {
  new: { text: 'new', tone: 'success' },
  'newer-version': { text: 'newer version', tone: 'info' },
  identical: { text: 'identical', tone: 'neutral' },
  'older-version': { text: 'older version', tone: 'warning' },
  conflict: { text: 'conflicting', tone: 'danger' },
};

const ACTION_LABELS: Record<ImportAction, string> = { replace: 'Replace mine', 'keep-both': 'Keep both', skip: 'Skip' };

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/**
 * Reads a dropped or picked file only after checking its size: a 50 MB file is refused from its
 * metadata, never loaded into memory. (Bytes ≥ characters for UTF-8, so the byte limit is safe.)
 */
export async function readWorkflowFile(file: File): Promise<{ ok: true; text: string } | { ok: false; issues: ValidationIssue[] }> {
  if (file.size > MAX_WORKFLOW_FILE_CHARS) {
    return {
      ok: false,
      issues: [
        {
          path: '',
          message: `This file is too large (${formatBytes(file.size)}); ConvOps reads workflow files of up to ${formatBytes(MAX_WORKFLOW_FILE_CHARS)}. Nothing was imported.`,
        },
      ],
    };
  }
  return { ok: true, text: await file.text() };
}

type State =
  | { kind: 'idle' }
  | { kind: 'busy'; fileName: string }
  | { kind: 'invalid'; fileName: string; issues: ValidationIssue[] }
  | { kind: 'plan'; fileName: string; plan: ImportPlanItem[]; choices: Record<string, ImportAction | ''> }
  | { kind: 'done'; fileName: string; result: ImportResult };

export function ImportPage() {
  const actor = useActor();
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | undefined>();
  // While the import's transaction runs: Apply says so and cannot be clicked twice, Cancel waits.
  const [applying, setApplying] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const load = async (file: File) => {
    setError(undefined);
    setState({ kind: 'busy', fileName: file.name });
    // Whatever the file holds, the person gets a sentence, never a stuck "Reading…" or an unhandled error.
    try {
      const read = await readWorkflowFile(file);
      if (!read.ok) return setState({ kind: 'invalid', fileName: file.name, issues: read.issues });
      const parsed = parseWorkflowFile(read.text, file.name);
      if (!parsed.ok) return setState({ kind: 'invalid', fileName: file.name, issues: parsed.issues });
      const plan = await planImport(parsed.workflows);
      setState({
        kind: 'plan',
        fileName: file.name,
        plan,
        choices: Object.fromEntries(plan.map((item) => [item.id, item.defaultAction ?? ''])),
      });
    } catch (err) {
      const message = err instanceof Error ? err.message.slice(0, 300) : 'the file could not be read';
      setState({ kind: 'invalid', fileName: file.name, issues: [{ path: '', message: `This file could not be read: ${message}` }] });
    }
  };

  const apply = async () => {
    if (state.kind !== 'plan' || applying) return;
    setError(undefined);
    setApplying(true);
    try {
      const choices = state.plan.flatMap((item) => {
        const action = state.choices[item.id];
        return action ? [{ id: item.id, action }] : [];
      });
      const result = await applyImport(state.plan, choices, actor);
      setState({ kind: 'done', fileName: state.fileName, result });
    } catch (err) {
      setError(`Nothing was imported: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setApplying(false);
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void load(file);
  };

  const needsChoice = state.kind === 'plan' && state.plan.some((item) => item.status === 'conflict' && !state.choices[item.id]);
  const changes = state.kind === 'plan' && state.plan.some((item) => item.status !== 'identical' && state.choices[item.id] && state.choices[item.id] !== 'skip');

  return (
    <div data-testid="import-page">
      <PageHeader title="Import workflows" />
      <div
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`mb-4 flex flex-col items-center gap-2 rounded-lg border-2 border-dashed p-6 text-center text-sm ${dragging ? 'border-emerald-600 bg-emerald-50 dark:bg-emerald-950/40' : 'border-zinc-300 dark:border-zinc-600'}`}
        data-testid="import-dropzone"
      >
        <p>Drop a workflow file here (.convops.json, .json, .yaml), or</p>
        <label className="cursor-pointer rounded-md border border-zinc-300 px-3 py-1.5 font-medium focus-within:outline-2 focus-within:outline-offset-2 focus-within:outline-blue-600 hover:bg-zinc-100 dark:border-zinc-600 dark:hover:bg-zinc-800">
          Choose a file…
          <input
            ref={input}
            type="file"
            accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
            className="sr-only"
            data-testid="import-file"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) void load(file);
              event.target.value = '';
            }}
          />
        </label>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">Nothing changes until you review the list and click Apply.</p>
      </div>

      {state.kind === 'busy' ? <p role="status">Reading {state.fileName}…</p> : null}

      {state.kind === 'invalid' ? (
        <Alert tone="error" data-testid="import-error">
          <p className="mb-1 font-medium">“{state.fileName}” cannot be imported. Nothing was changed.</p>
          <ul className="list-disc pl-5">
            {state.issues.slice(0, 50).map((issue, index) => (
              <li key={index} data-testid="import-issue" data-path={issue.path}>
                {describeIssue(issue)}
              </li>
            ))}
          </ul>
          {state.issues.length > 50 ? <p>…and {state.issues.length - 50} more problems.</p> : null}
          {state.issues.some((issue) => issue.path) ? (
            <details className="mt-2 text-xs" data-testid="import-issue-details">
              <summary className="cursor-pointer">Details for auditors</summary>
              <ul className="mt-1 list-disc pl-5 font-mono">
                {state.issues.slice(0, 50).map((issue, index) => (issue.path ? <li key={index}>{issue.message}</li> : null))}
              </ul>
            </details>
          ) : null}
        </Alert>
      ) : null}

      {state.kind === 'plan' ? (
        <Card data-testid="import-preview">
          <h2 className="mb-2 text-base font-semibold">
            {state.plan.length} workflow{state.plan.length === 1 ? '' : 's'} in “{state.fileName}”
          </h2>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">What importing this file would do</caption>
              <thead className="border-b border-zinc-300 text-xs text-zinc-600 dark:border-zinc-600 dark:text-zinc-400">
                <tr>
                  <th scope="col" className="p-2">Workflow</th>
                  <th scope="col" className="p-2">Version</th>
                  <th scope="col" className="p-2">Compared with yours</th>
                  <th scope="col" className="p-2">What to do</th>
                </tr>
              </thead>
              <tbody>
                {state.plan.map((item) => (
                  <tr key={item.id} className="border-b border-zinc-200 align-top dark:border-zinc-700" data-testid="import-item" data-status={item.status} data-workflow-id={item.id}>
                    <td className="p-2">
                      <div className="font-medium">{item.name}</div>
                      <div className="text-xs text-zinc-600 dark:text-zinc-400">
                        {item.id} · {item.workflow.steps.length} steps
                      </div>
                    </td>
                    <td className="p-2">
                      v{item.version}
                      {item.localVersion ? <span className="text-xs"> (yours: v{item.localVersion})</span> : null}
                    </td>
                    <td className="p-2">
                      <Badge tone={STATUS_LABELS[item.status].tone} data-testid="import-status">
                        {STATUS_LABELS[item.status].text}
                      </Badge>
                      <p className="mt-1 text-xs">{item.reason}</p>
                    </td>
                    <td className="p-2">
                      {item.status === 'identical' ? (
                        <span className="text-xs">Nothing to do</span>
                      ) : (
                        <select
                          aria-label={`What to do with ${item.name}`}
                          value={state.choices[item.id] ?? ''}
                          onChange={(event) =>
                            setState({ ...state, choices: { ...state.choices, [item.id]: event.target.value as ImportAction } })
                          }
                          className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm focus-visible:outline-2 focus-visible:outline-blue-600 dark:border-zinc-600 dark:bg-zinc-900"
                          data-testid="import-choice"
                        >
                          {state.choices[item.id] ? null : <option value="">Choose…</option>}
                          {(item.status === 'new' ? (['replace', 'skip'] as const) : (['replace', 'keep-both', 'skip'] as const)).map((action) => (
                            <option key={action} value={action}>
                              {item.status === 'new' && action === 'replace' ? 'Import' : ACTION_LABELS[action]}
                            </option>
                          ))}
                        </select>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {error ? (
            <Alert tone="error" className="mt-2">
              {error}
            </Alert>
          ) : null}
          <div className="mt-3 flex items-center gap-2">
            <Button variant="primary" onClick={() => void apply()} disabled={applying || needsChoice || !changes} data-testid="apply-import">
              {applying ? 'Importing…' : 'Apply'}
            </Button>
            <Button onClick={() => setState({ kind: 'idle' })} disabled={applying}>
              Cancel
            </Button>
            {needsChoice ? <span className="text-xs">Choose what to do with each conflicting workflow.</span> : null}
            {!changes && !needsChoice ? <span className="text-xs" data-testid="nothing-to-import">Nothing to import: you already have all of these.</span> : null}
          </div>
        </Card>
      ) : null}

      {state.kind === 'done' ? (
        <Alert tone="success" data-testid="import-done">
          Imported {state.result.imported.length} workflow{state.result.imported.length === 1 ? '' : 's'}
          {state.result.imported.some((item) => item.asId !== item.id)
            ? ` (kept as copies: ${state.result.imported.filter((item) => item.asId !== item.id).map((item) => item.asId).join(', ')})`
            : ''}
          ; skipped {state.result.skipped.length}. <a href={hrefFor({ name: 'library' })} className="underline">Open the library</a>
        </Alert>
      ) : null}
    </div>
  );
}

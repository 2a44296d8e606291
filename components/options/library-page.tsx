import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { deleteWorkflow, getWorkflow, listWorkflows } from '@/lib/db/workflows-repo';
import type { WorkflowHead } from '@/lib/db/records';
import { serializeWorkflowFile, workflowFileName } from '@/lib/workflow/file-format';
import { GATE_TYPE_LABELS } from '@/lib/workflow/labels';
import type { Workflow } from '@/lib/workflow/schema';
import { Alert, Badge, Button, TextField } from '@/components/ui';
import { downloadText } from './download';
import { PageHeader } from './form';
import { hrefFor } from './router';
import { useActor } from './use-actor';

interface LibraryRow {
  head: WorkflowHead;
  workflow: Workflow | undefined;
}

const linkButton =
  'inline-flex items-center rounded-md border border-zinc-300 px-2 py-1 text-xs font-medium hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-zinc-600 dark:hover:bg-zinc-800';

export function LibraryPage() {
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState<string | undefined>();
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | undefined>();
  const actor = useActor();
  const rows = useLiveQuery(async (): Promise<LibraryRow[]> => {
    const heads = await listWorkflows({ search });
    return Promise.all(heads.map(async (head) => ({ head, workflow: await getWorkflow(head.id) })));
  }, [search]);

  const exportWorkflows = async (ids: readonly string[] | 'all') => {
    const heads = ids === 'all' ? await listWorkflows() : undefined;
    const wanted = ids === 'all' ? (heads ?? []).map((head) => head.id) : ids;
    const workflows = (await Promise.all(wanted.map((id) => getWorkflow(id)))).filter((w): w is Workflow => w !== undefined);
    if (workflows.length === 0) return;
    downloadText(workflowFileName(workflows), serializeWorkflowFile(workflows));
    setMessage({ tone: 'success', text: `Exported ${workflows.length} workflow${workflows.length === 1 ? '' : 's'}.` });
  };

  const remove = async (head: WorkflowHead) => {
    try {
      await deleteWorkflow(head.id, actor);
      setSelected((current) => new Set([...current].filter((id) => id !== head.id)));
      setMessage({ tone: 'success', text: `Deleted "${head.name}". Tasks already running with it carry on as they started.` });
    } catch (error) {
      setMessage({ tone: 'error', text: error instanceof Error ? error.message : String(error) });
    }
    setConfirming(undefined);
  };

  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div data-testid="library">
      <PageHeader title="Workflow library">
        <a href={hrefFor({ name: 'new-workflow' })} className={`${linkButton} bg-emerald-700 text-white hover:bg-emerald-800 border-transparent`} data-testid="new-workflow">
          New workflow
        </a>
        <Button size="sm" disabled={selected.size === 0} onClick={() => void exportWorkflows([...selected])} data-testid="export-selected">
          Export selected ({selected.size})
        </Button>
        <Button size="sm" onClick={() => void exportWorkflows('all')} data-testid="export-all">
          Export all
        </Button>
        <a href={hrefFor({ name: 'import' })} className={linkButton}>
          Import…
        </a>
      </PageHeader>
      <TextField
        label="Search workflows"
        type="search"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        placeholder="Name, id or category"
        className="mb-3 max-w-sm"
        data-testid="library-search"
      />
      {message ? (
        <Alert tone={message.tone} className="mb-3" data-testid="library-message">
          {message.text}
        </Alert>
      ) : null}
      {rows === undefined ? (
        <p>Loading…</p>
      ) : rows.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{search ? 'No workflow matches.' : 'No workflows yet.'}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Workflows</caption>
            <thead className="border-b border-zinc-300 text-xs text-zinc-600 dark:border-zinc-600 dark:text-zinc-400">
              <tr>
                <th scope="col" className="p-2">
                  <span className="sr-only">Select</span>
                </th>
                <th scope="col" className="p-2">Name</th>
                <th scope="col" className="p-2">Category</th>
                <th scope="col" className="p-2">Steps</th>
                <th scope="col" className="p-2">Gates</th>
                <th scope="col" className="p-2">Version</th>
                <th scope="col" className="p-2">Last change</th>
                <th scope="col" className="p-2">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ head, workflow }) => {
                const gates = workflow?.steps.filter((step) => step.gate).map((step) => GATE_TYPE_LABELS[step.gate!.type]) ?? [];
                const builtin = head.origin === 'builtin';
                // The team's versions are the lead's: read-only here, duplicated to be edited locally.
                const readOnly = builtin || head.origin === 'team';
                return (
                  <tr key={head.id} className="border-b border-zinc-200 align-top dark:border-zinc-700" data-testid="workflow-row" data-workflow-id={head.id} data-source={head.origin}>
                    <td className="p-2">
                      <input
                        type="checkbox"
                        aria-label={`Select ${head.name}`}
                        checked={selected.has(head.id)}
                        onChange={() => toggle(head.id)}
                        className="size-4 accent-emerald-700 focus-visible:outline-2 focus-visible:outline-blue-600"
                      />
                    </td>
                    <td className="p-2">
                      <div className="font-medium">{head.name}</div>
                      {builtin ? (
                        <Badge tone="info">built-in</Badge>
                      ) : head.origin === 'team' ? (
                        <Badge tone="info">team</Badge>
                      ) : head.origin === 'imported' ? (
                        <Badge>imported</Badge>
                      ) : null}
                    </td>
                    <td className="p-2">{head.category}</td>
                    <td className="p-2" data-testid="step-count">{head.stepCount}</td>
                    <td className="p-2" data-testid="gate-summary">{gates.length === 0 ? 'none' : `${gates.length} (${[...new Set(gates)].join(', ')})`}</td>
                    <td className="p-2" data-testid="workflow-version">v{head.latestVersion}</td>
                    <td className="p-2 text-xs">
                      <time dateTime={head.updatedAt}>{new Date(head.updatedAt).toLocaleString()}</time>
                    </td>
                    <td className="p-2">
                      {confirming === head.id ? (
                        <div role="group" aria-label={`Confirm deleting ${head.name}`} className="flex max-w-xs flex-col gap-2">
                          <p className="text-xs">
                            Delete “{head.name}”? Tasks already running with it carry on as they started; new tasks can no longer
                            start from it.
                          </p>
                          <div className="flex gap-2">
                            <Button size="sm" variant="danger" onClick={() => void remove(head)} data-testid="confirm-delete">
                              Delete
                            </Button>
                            <Button size="sm" onClick={() => setConfirming(undefined)} autoFocus>
                              Cancel
                            </Button>
                          </div>
                        </div>
                      ) : (
                        <div className="flex flex-wrap gap-1">
                          {readOnly ? null : (
                            <a className={linkButton} href={hrefFor({ name: 'edit-workflow', id: head.id })} data-testid="edit-workflow">
                              Edit<span className="sr-only"> {head.name}</span>
                            </a>
                          )}
                          <a className={linkButton} href={hrefFor({ name: 'new-workflow', from: head.id })} data-testid="duplicate-workflow">
                            {readOnly ? 'Duplicate to edit' : 'Duplicate'}
                            <span className="sr-only"> {head.name}</span>
                          </a>
                          <Button size="sm" onClick={() => void exportWorkflows([head.id])} data-testid="export-workflow">
                            Export<span className="sr-only"> {head.name}</span>
                          </Button>
                          <Button size="sm" variant="ghost" onClick={() => setConfirming(head.id)} data-testid="delete-workflow">
                            Delete<span className="sr-only"> {head.name}</span>
                          </Button>
                        </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { decisionTrust, type DecisionTrust } from '@/lib/db/audit';
import { countTasks, listTasks, type TaskQuery } from '@/lib/db/tasks-repo';
import { getWorkflow, listWorkflows } from '@/lib/db/workflows-repo';
import { listSharedTasks, verifySharedTask } from '@/lib/team/shared-tasks';
import { getTeamDb } from '@/lib/team/team-db';
import { SITES, TASK_STATUSES, type Site, type Task, type TaskStatus } from '@/lib/workflow/records';
import type { Workflow } from '@/lib/workflow/schema';
import { Badge, Button, TextField, type BadgeTone } from '@/components/ui';
import { downloadText, fileStamp } from './download';
import { PageHeader, SelectField } from './form';
import { dashboardCsv, dashboardRow, type DashboardRow } from './report';
import { hrefFor } from './router';
import { useDecidableGates } from './use-team';
import { SITE_LABELS, TASK_STATUS_LABELS, taskStatusLabel } from '@/lib/workflow/labels';
import { taskSites } from '@/lib/workflow/task-sites';

export const PAGE_SIZE = 50;

export const STATUS_TONES: Record<TaskStatus, BadgeTone> = {
  active: 'info',
  'awaiting-approval': 'warning',
  completed: 'success',
  cancelled: 'neutral',
};


/** How the dashboard flags a task whose people's events are not all signed by known keys. */
const TRUST_FLAGS: Record<Exclude<DecisionTrust, 'trusted'>, { text: string; tone: BadgeTone; title: string }> = {
  'unknown-key': { text: 'unknown key', tone: 'warning', title: 'Decisions signed by a key not marked as known (Settings → Signing key)' },
  unsigned: { text: 'unsigned decisions', tone: 'warning', title: 'Decisions without a signature: recorded before signing, or added to the file by hand' },
  invalid: { text: 'invalid signature', tone: 'danger', title: 'A signature does not match its event: the record was changed after it was signed' },
};

/** A dashboard row with the sites the task ran on (each with its latest conversation there). */
type TaskRow = DashboardRow & { sites: ReturnType<typeof taskSites> };

/** Dashboard rows for tasks, each against the workflow version it is pinned to (looked up once per version). */
async function rowsFor(tasks: readonly Task[]): Promise<TaskRow[]> {
  const cache = new Map<string, Promise<Workflow | undefined>>();
  const pinned = (task: Task) => {
    const key = `${task.workflowId}@${task.workflowVersion}`;
    if (!cache.has(key)) cache.set(key, getWorkflow(task.workflowId, task.workflowVersion));
    return cache.get(key)!;
  };
  return Promise.all(tasks.map(async (task) => ({ ...dashboardRow(task, await pinned(task)), sites: taskSites(task) })));
}

interface Filters {
  status: TaskStatus | '';
  workflowId: string;
  site: Site | '';
  person: string;
  search: string;
}

function toQuery(filters: Filters): TaskQuery {
  return {
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.workflowId ? { workflowId: filters.workflowId } : {}),
    ...(filters.site ? { site: filters.site } : {}),
    ...(filters.person.trim() ? { person: filters.person.trim() } : {}),
    ...(filters.search.trim() ? { search: filters.search.trim() } : {}),
  };
}

export function TasksPage() {
  const [filters, setFilters] = useState<Filters>({ status: '', workflowId: '', site: '', person: '', search: '' });
  const [page, setPage] = useState(0);
  const [exporting, setExporting] = useState(false);
  const query = toQuery(filters);
  const queryKey = JSON.stringify(query);
  const data = useLiveQuery(async () => {
    const [tasks, total] = await Promise.all([listTasks({ ...query, limit: PAGE_SIZE, offset: page * PAGE_SIZE }), countTasks(query)]);
    return { rows: await rowsFor(tasks), total };
  }, [queryKey, page]);
  const workflows = useLiveQuery(() => listWorkflows({ includeDeleted: true }), []);
  // Checked after the page shows (signatures are verified for real), so the first page is not held up.
  const idsKey = data?.rows.map((row) => row.id).join('|') ?? '';
  const trust = useLiveQuery(() => decisionTrust(idsKey ? idsKey.split('|') : []), [idsKey]);

  const setFilter = <K extends keyof Filters>(key: K, value: Filters[K]) => {
    setFilters((current) => ({ ...current, [key]: value }));
    setPage(0);
  };

  const exportCsv = async () => {
    setExporting(true);
    try {
      const all: DashboardRow[] = [];
      for (let offset = 0; ; offset += 500) {
        const tasks = await listTasks({ ...query, limit: 500, offset });
        all.push(...(await rowsFor(tasks)));
        if (tasks.length < 500) break;
      }
      downloadText(`convops-tasks-${fileStamp()}.csv`, dashboardCsv(all), 'text/csv');
    } finally {
      setExporting(false);
    }
  };

  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  return (
    <div data-testid="tasks-dashboard">
      <PageHeader title="Tasks">
        <Button size="sm" onClick={() => void exportCsv()} disabled={exporting} data-testid="export-csv">
          {exporting ? 'Exporting…' : 'Export CSV'}
        </Button>
      </PageHeader>
      <form className="mb-3 grid gap-2 sm:grid-cols-2 lg:grid-cols-5" role="search" aria-label="Filter tasks" onSubmit={(e) => e.preventDefault()}>
        <TextField label="Search titles" type="search" value={filters.search} onChange={(e) => setFilter('search', e.target.value)} data-testid="task-search" />
        <SelectField label="Status" value={filters.status} onChange={(e) => setFilter('status', e.target.value as Filters['status'])} data-testid="filter-status">
          <option value="">Any status</option>
          {TASK_STATUSES.map((status) => (
            <option key={status} value={status}>
              {TASK_STATUS_LABELS[status]}
            </option>
          ))}
        </SelectField>
        <SelectField label="Workflow" value={filters.workflowId} onChange={(e) => setFilter('workflowId', e.target.value)} data-testid="filter-workflow">
          <option value="">Any workflow</option>
          {workflows?.map((head) => (
            <option key={head.id} value={head.id}>
              {head.name}
              {head.deleted ? ' (deleted)' : ''}
            </option>
          ))}
        </SelectField>
        <SelectField label="Site" value={filters.site} onChange={(e) => setFilter('site', e.target.value as Filters['site'])} data-testid="filter-site">
          <option value="">Any site</option>
          {SITES.map((site) => (
            <option key={site} value={site}>
              {SITE_LABELS[site]}
            </option>
          ))}
        </SelectField>
        <TextField label="Started by" value={filters.person} onChange={(e) => setFilter('person', e.target.value)} placeholder="Exact name" data-testid="filter-person" />
      </form>
      {data === undefined ? (
        <p>Loading…</p>
      ) : data.total === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="no-tasks">
          No tasks match.
        </p>
      ) : (
        <>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Tasks, newest activity first</caption>
              <thead className="border-b border-zinc-300 text-xs text-zinc-600 dark:border-zinc-600 dark:text-zinc-400">
                <tr>
                  <th scope="col" className="p-2">Title</th>
                  <th scope="col" className="p-2">Workflow</th>
                  <th scope="col" className="p-2">Status</th>
                  <th scope="col" className="p-2">Current step</th>
                  <th scope="col" className="p-2">Waiting gate</th>
                  <th scope="col" className="p-2">Site</th>
                  <th scope="col" className="p-2">Started by</th>
                  <th scope="col" className="p-2">Last activity</th>
                </tr>
              </thead>
              <tbody>
                {data.rows.map((row) => (
                  <tr key={row.id} className="border-b border-zinc-200 align-top dark:border-zinc-700" data-testid="task-row" data-task-id={row.id}>
                    <td className="p-2">
                      <a href={hrefFor({ name: 'task', id: row.id })} className="font-medium text-blue-700 underline dark:text-blue-300">
                        {row.title}
                      </a>
                      <TrustFlag trust={trust?.get(row.id)} />
                    </td>
                    <StandingCells row={row} />
                    <td className="p-2">
                      {row.sites.length > 0 ? (
                        // Every site the task ran on, each a link to its latest conversation there; the current one first in weight.
                        <ul className="flex flex-wrap gap-1">
                          {row.sites.map(({ site, url, current }) => (
                            <li key={site} data-testid="task-site" data-site={site} data-current={current}>
                              <a href={url} target="_blank" rel="noopener noreferrer" className={`text-blue-700 underline dark:text-blue-300 ${current ? 'font-medium' : ''}`}>
                                {SITE_LABELS[site]}
                                <span className="sr-only">
                                  {' '}
                                  conversation of {row.title}
                                  {current ? ', where it runs now' : ''} (opens in a new tab)
                                </span>
                              </a>
                            </li>
                          ))}
                        </ul>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className="p-2">{row.startedBy}</td>
                    <td className="p-2 text-xs">
                      <time dateTime={row.lastActivity}>{new Date(row.lastActivity).toLocaleString()}</time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav aria-label="Pages" className="mt-3 flex items-center gap-2 text-sm">
            <Button size="sm" disabled={page === 0} onClick={() => setPage((p) => p - 1)} data-testid="prev-page">
              Previous
            </Button>
            <span data-testid="page-info">
              Page {page + 1} of {pages} · {data.total} task{data.total === 1 ? '' : 's'}
            </span>
            <Button size="sm" disabled={page + 1 >= pages} onClick={() => setPage((p) => p + 1)} data-testid="next-page">
              Next
            </Button>
          </nav>
        </>
      )}
      <TeamTasks filters={filters} />
    </div>
  );
}

/** A team row passes the dashboard's filters as an own row does (read in memory: the team's tasks are few per page). */
function teamRowMatches(row: DashboardRow, filters: Filters): boolean {
  if (filters.status && row.status !== filters.status) return false;
  if (filters.workflowId && row.workflowId !== filters.workflowId) return false;
  if (filters.site && row.site !== filters.site) return false;
  if (filters.person.trim() && row.startedBy !== filters.person.trim()) return false;
  return !filters.search.trim() || row.title.toLowerCase().includes(filters.search.trim().toLowerCase());
}

interface TeamRow {
  key: string;
  owner: string;
  ownerName: string;
  taskId: string;
  title: string;
  /** Absent when the shared task did not arrive well-formed. */
  row?: DashboardRow;
}

/**
 * Colleagues' tasks shared with the team (pulled by sync into the team database), beside the person's
 * own, live: a row appears or moves as the workspace's changes arrive. Each row says whether its record
 * verifies (checked after the rows show, as the own rows' signature flags are).
 */
function TeamTasks({ filters }: { filters: Filters }) {
  const teamDb = getTeamDb();
  const entries = useLiveQuery(() => teamDb.connection.get('self').then((connection) => (connection ? listSharedTasks(teamDb) : [])), []);
  const rows = (entries ?? []).flatMap((entry): TeamRow[] => {
    if (!entry.ok) return [{ key: `${entry.owner}/${entry.taskId}`, owner: entry.owner, ownerName: entry.owner, taskId: entry.taskId, title: entry.title }];
    const { owner, ownerName } = entry.shared;
    const row = dashboardRow(entry.shared.task, entry.shared.workflow);
    return teamRowMatches(row, filters) ? [{ key: `${owner}/${row.id}`, owner, ownerName, taskId: row.id, title: row.title, row }] : [];
  });
  const shown = rows.slice(0, PAGE_SIZE);
  const shownKey = shown.map((row) => row.key).join('|');
  const decidable = useDecidableGates();
  const verdicts = useLiveQuery(
    async () => new Map(await Promise.all(shown.map(async (row) => [row.key, (await verifySharedTask(teamDb, row.owner, row.taskId)).ok] as const))),
    [shownKey],
  );
  if (!entries || entries.length === 0) return null;
  return (
    <section aria-labelledby="team-tasks-heading" className="mt-6" data-testid="team-tasks">
      <h2 id="team-tasks-heading" className="mb-2 text-base font-semibold">
        Shared by the team <span className="text-xs font-normal text-zinc-600 dark:text-zinc-400">colleagues' tasks from the workspace, read-only, live</span>
      </h2>
      {rows.length === 0 ? <p className="text-sm text-zinc-600 dark:text-zinc-400">No shared task matches.</p> : null}
      {rows.length > 0 ? (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">The team's shared tasks, newest activity first</caption>
            <thead className="border-b border-zinc-300 text-xs text-zinc-600 dark:border-zinc-600 dark:text-zinc-400">
              <tr>
                <th scope="col" className="p-2">Title</th>
                <th scope="col" className="p-2">Shared by</th>
                <th scope="col" className="p-2">Workflow</th>
                <th scope="col" className="p-2">Status</th>
                <th scope="col" className="p-2">Current step</th>
                <th scope="col" className="p-2">Waiting gate</th>
                <th scope="col" className="p-2">Last activity</th>
              </tr>
            </thead>
            <tbody>
              {shown.map(({ key, owner, ownerName, taskId, title, row }) => {
                const verified = verdicts?.get(key);
                return (
                  <tr key={key} className="border-b border-zinc-200 align-top dark:border-zinc-700" data-testid="team-task" data-owner={owner} data-task-id={taskId} data-verified={verified === undefined ? 'checking' : String(verified)}>
                    <td className="p-2">
                      <a href={hrefFor({ name: 'team-task', owner, id: taskId })} className="font-medium text-blue-700 underline dark:text-blue-300">
                        {title}
                      </a>
                      <Badge tone="info" className="ml-2" title={`Shared by ${ownerName} through the team workspace`}>
                        team
                      </Badge>
                      {decidable?.some((gate) => gate.owner === owner && gate.taskId === taskId) ? (
                        <Badge tone="warning" className="ml-2" title="Its gate waits for a decision you may take: open it to approve or reject" data-testid="team-task-decide">
                          your decision
                        </Badge>
                      ) : null}
                      {verified === false ? (
                        <Badge tone="danger" className="ml-2" title="Its record does not verify: open it and press Verify for the reason" data-testid="team-task-unverified">
                          not verified
                        </Badge>
                      ) : null}
                    </td>
                    <td className="p-2">{ownerName}</td>
                    {row ? (
                      <>
                        <StandingCells row={row} />
                        <td className="p-2 text-xs">
                          <time dateTime={row.lastActivity}>{new Date(row.lastActivity).toLocaleString()}</time>
                        </td>
                      </>
                    ) : (
                      <td className="p-2" colSpan={5}>
                        Cannot be shown: it did not arrive well-formed.
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function TrustFlag({ trust }: { trust: DecisionTrust | undefined }) {
  if (!trust || trust === 'trusted') return null;
  const flag = TRUST_FLAGS[trust];
  return (
    <Badge tone={flag.tone} className="ml-2" title={flag.title} data-testid="trust-flag" data-trust={trust}>
      {flag.text}
    </Badge>
  );
}

/** A task row's workflow, status, current step and waiting gate: the same columns for one's own tasks and the team's. */
function StandingCells({ row }: { row: Pick<DashboardRow, 'workflowName' | 'workflowVersion' | 'status' | 'currentStep' | 'waitingGate'> }) {
  return (
    <>
      <td className="p-2">
        {row.workflowName} <span className="text-xs text-zinc-600 dark:text-zinc-400">v{row.workflowVersion}</span>
      </td>
      <td className="p-2">
        <Badge tone={STATUS_TONES[row.status as TaskStatus] ?? 'neutral'}>{taskStatusLabel(row.status)}</Badge>
      </td>
      <td className="p-2">{row.currentStep || '—'}</td>
      <td className="p-2">{row.waitingGate || '—'}</td>
    </>
  );
}

import { useLiveQuery } from 'dexie-react-hooks';
import { browser } from 'wxt/browser';
import { listTasks } from '@/lib/db/tasks-repo';
import { getWorkflow } from '@/lib/db/workflows-repo';
import type { Task } from '@/lib/workflow/records';
import { useColorScheme } from '@/components/hooks/use-color-scheme';
import { Button } from '@/components/ui';

const SHOWN = 20;

interface Waiting {
  task: Task;
  workflowName: string;
  stepTitle: string;
}

/** Tasks at a gate, newest first, each with its pinned workflow's name and the gated step's title. */
async function waitingTasks(): Promise<Waiting[]> {
  const tasks = await listTasks({ status: 'awaiting-approval', limit: SHOWN });
  return Promise.all(
    tasks.map(async (task) => {
      const workflow = await getWorkflow(task.workflowId, task.workflowVersion);
      const stepId = task.pendingGate?.stepId ?? task.currentStepId;
      return { task, workflowName: workflow?.name ?? task.workflowId, stepTitle: workflow?.steps.find((s) => s.id === stepId)?.title ?? '' };
    }),
  );
}

/** Opens a page of the options app in a tab (the popup closes when focus leaves it). */
function openOptions(hash: string): void {
  void browser.tabs.create({ url: browser.runtime.getURL(`/options.html${hash}`) }).then(() => window.close());
}

/**
 * The toolbar popup away from the chat sites: what waits for the person's decision, and the way to
 * the dashboard. It reads the database directly (a first-party extension page, like the options page).
 */
export function PopupApp() {
  useColorScheme();
  const waiting = useLiveQuery(waitingTasks, []);
  return (
    <main className="flex w-80 flex-col gap-3 bg-white p-3 text-sm text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100" data-testid="popup">
      <header className="flex items-center gap-2">
        <img src="/icon/32.png" alt="" width={20} height={20} />
        <h1 className="flex-1 text-base font-semibold">ConvOps</h1>
      </header>
      <section aria-labelledby="waiting-heading" className="flex flex-col gap-2">
        <h2 id="waiting-heading" className="text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
          Waiting for your decision
        </h2>
        {waiting === undefined ? (
          <p className="text-zinc-600 dark:text-zinc-400">Loading…</p>
        ) : waiting.length === 0 ? (
          <p data-testid="popup-none" className="text-zinc-600 dark:text-zinc-400">
            No task waits at a gate.
          </p>
        ) : (
          <ul data-testid="popup-waiting" className="flex flex-col gap-1">
            {waiting.map(({ task, workflowName, stepTitle }) => (
              <li key={task.id}>
                <button
                  type="button"
                  data-testid="popup-task"
                  data-task-id={task.id}
                  className="w-full rounded-md border border-zinc-200 px-2 py-1.5 text-left hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:hover:bg-zinc-800"
                  onClick={() => openOptions(`#/tasks/${encodeURIComponent(task.id)}`)}
                >
                  <span className="block truncate font-medium">{task.title}</span>
                  <span className="block truncate text-xs text-zinc-600 dark:text-zinc-400">
                    {workflowName}
                    {stepTitle ? ` · ${stepTitle}` : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <footer className="flex gap-2">
        <Button variant="primary" data-testid="open-dashboard" onClick={() => openOptions('#/tasks')}>
          Open the dashboard
        </Button>
        <Button onClick={() => openOptions('#/library')}>Workflows</Button>
      </footer>
    </main>
  );
}

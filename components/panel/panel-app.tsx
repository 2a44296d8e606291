import { useEffect, useState } from 'react';
import type { HostState, TabBinding } from '@/lib/messaging/schemas';
import { taskPerson } from '@/lib/workflow/actors';
import { boundTaskFits, isFinished } from '@/lib/workflow/engine';
import type { Task } from '@/lib/workflow/records';
import { useColorScheme } from '@/components/hooks/use-color-scheme';
import { Alert, Button } from '@/components/ui';
import { SITE_LABELS } from '@/lib/workflow/labels';
import { CompletionView } from './completion-view';
import { panelRepo, useConversationTask, useSettings, useTabContext, useTaskDetail, useTeamStatus, type TaskDetail } from './data';
import { describeError } from '@/components/errors';
import { NamePrompt } from './name-prompt';
import { SiteHealth } from './site-health';
import { StartView } from './start-view';
import { TaskView } from './task-view';
import { TeamNotice } from './team-notice';

/** The tab's task is the one bound to it (it follows the tab before the site names the chat), else the one running in this conversation. */
function bindingApplies(detail: TaskDetail | null | undefined, host: HostState | null): boolean {
  if (!detail) return false;
  return !host || detail.task.conversations.length === 0 || boundTaskFits(detail.task, host.site, host.conversationId);
}

/** The tab's task went on in another chat (on the other site, say): this tab is no longer where it runs. */
function movedAway(task: Task, host: HostState): boolean {
  return task.conversations.some((c) => c.site === host.site && c.conversationId === host.conversationId) || task.conversations.at(-1)?.site !== host.site;
}

/** Where the task went, with a link there: the person is never left guessing. */
function TaskMoved({ task, onStartAnother }: { task: Task; onStartAnother: () => void }) {
  const last = task.conversations.at(-1);
  return (
    <section data-testid="task-moved" className="m-3 flex flex-col gap-2 rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-700">
      <p>
        “{task.title}” goes on {last ? `on ${SITE_LABELS[last.site]}` : 'in another chat'}: its current step runs there.
      </p>
      {last ? (
        <a data-testid="task-moved-link" href={last.url} target="_blank" rel="noreferrer" className="self-start text-blue-700 underline dark:text-blue-300">
          Open it on {SITE_LABELS[last.site]}
        </a>
      ) : null}
      <Button size="sm" variant="ghost" className="self-start" onClick={onStartAnother}>
        Start another task here
      </Button>
    </section>
  );
}

/** How long a panel with nothing bound waits for its page's first report before it shows the start screen. */
const HOST_WAIT_MS = 1_500;

/** How long at most the view of the chat being left is held while the new chat's task is looked up. */
const SWITCH_HOLD_MS = 1_500;

/** False until `ms` have passed since the component mounted, or since `since` last changed. */
function useElapsed(ms: number, since: unknown = null): boolean {
  const [over, setOver] = useState<{ since: unknown } | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setOver({ since }), ms);
    return () => clearTimeout(timer);
  }, [ms, since]);
  return over !== null && over.since === since;
}

export function PanelApp() {
  const settings = useSettings();
  const tab = useTabContext();
  const team = useTeamStatus();
  useColorScheme(tab.host?.theme ?? null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const boundDetail = useTaskDetail(tab.binding?.taskId);
  const conversationTask = useConversationTask(tab.host?.site, tab.host?.conversationId);
  const conversationDetail = useTaskDetail(conversationTask?.id);
  const applies = bindingApplies(boundDetail, tab.host);
  const detail = applies ? boundDetail : conversationDetail;
  const shown = detail && detail.task.id !== dismissed ? detail : null;

  // On opening, wait until it is known which task (if any) this tab shows rather than flash the start
  // screen (and ask for its library) on the way to the task. Later changes keep the current screen.
  // The frame is mounted before the page has reported itself (the content script reports once the page
  // is parsed): a tab with nothing bound waits for that report too, HOST_WAIT_MS at most.
  const hostWaitOver = useElapsed(HOST_WAIT_MS);
  const resolving =
    !applies && ((!tab.host && !tab.binding && !hostWaitOver) || boundDetail === undefined || conversationTask === undefined || conversationDetail === undefined);
  const [opened, setOpened] = useState(false);
  const loading = settings === undefined || !tab.ready || (!opened && resolving);
  if (!loading && !opened) setOpened(true);
  // Another chat opened in the site (no page load) whose task is being looked up, a moment: the view of
  // the chat being left stays, taking no click, rather than the start screen flashing by as if there
  // were no task. The person is already in the other chat, so nothing of the old view may be acted on.
  // Held SWITCH_HOLD_MS at most: a lookup that does not come back leaves the panel usable, as before.
  const switching = opened && resolving;
  const [held, setHeld] = useState<TaskDetail | null>(null);
  if (!switching && held !== shown) setHeld(shown);
  const [switches, setSwitches] = useState({ active: false, count: 0 });
  if (switching !== switches.active) setSwitches({ active: switching, count: switches.count + (switching ? 1 : 0) });
  const holdOver = useElapsed(SWITCH_HOLD_MS, switches.count);
  const holding = switching && !holdOver;
  const view = holding ? held : shown;

  const bind = (binding: TabBinding | null) => tab.setBinding(binding);

  const bringHere = async (task: Task) => {
    if (!tab.host) return;
    setError(null);
    try {
      await panelRepo.act(
        task.id,
        task.rev,
        {
          type: 'move-conversation',
          reason: 'manual',
          conversation: { site: tab.host.site, conversationId: tab.host.conversationId, url: tab.host.url, boundAt: new Date().toISOString() },
        },
      );
      await bind({ taskId: task.id });
      setDismissed(null);
    } catch (e) {
      setError(describeError(e).message);
    }
  };

  return (
    <main data-testid="convops-panel" className="flex min-h-screen flex-col bg-zinc-50 text-zinc-900 dark:bg-zinc-950 dark:text-zinc-100" aria-busy={loading || switching}>
      <SiteHealth host={tab.host} />
      <TeamNotice status={team} />
      {error ? (
        <Alert tone="error" className="m-3">
          {error}
        </Alert>
      ) : null}
      <div className="flex flex-col" inert={holding}>
        {loading ? (
          <p className="p-3 text-xs text-zinc-600 dark:text-zinc-400" data-testid="panel-loading">
            Loading…
          </p>
        ) : !settings.displayName ? (
          <NamePrompt onSave={async (name) => void (await panelRepo.saveDisplayName(name))} />
        ) : view && isFinished(view.task) ? (
          <CompletionView
            detail={view}
            onStartAnother={() => {
              setDismissed(view.task.id);
              void bind(null);
            }}
          />
        ) : !view && boundDetail && !applies && !isFinished(boundDetail.task) && tab.host && movedAway(boundDetail.task, tab.host) ? (
          <TaskMoved
            task={boundDetail.task}
            onStartAnother={() => {
              setDismissed(boundDetail.task.id);
              void bind(null);
            }}
          />
        ) : view ? (
          <TaskView detail={view} host={tab.host} actor={taskPerson(settings.displayName)} />
        ) : (
          <StartView
            host={tab.host}
            team={team ?? null}
            onStarted={async (taskId) => {
              setDismissed(null);
              await bind({ taskId });
            }}
            onBringHere={bringHere}
          />
        )}
      </div>
    </main>
  );
}

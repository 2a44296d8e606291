import { useState } from 'react';
import { TASK_STATUS_LABELS } from '@/lib/workflow/labels';
import { stepResultNote } from '@/lib/workflow/results';
import { LazyMarkdown } from '@/components/lazy-markdown';
import { Badge, Button, Card } from '@/components/ui';
import { copyText } from './clipboard';
import { panelRepo } from './data';
import type { TaskDetail } from './data';
import { openOptionsTask, optionsTaskUrl } from './start-view';

/** The record of a finished task: steps, decisions with who and when, notes; the full report is in the options page. */
export function CompletionView({ detail, onStartAnother }: { detail: TaskDetail; onStartAnother: () => void }) {
  const { task, workflow, notes, events } = detail;
  const decisions = events.filter((e) => e.type === 'gate.approved' || e.type === 'gate.rejected');
  const titles = Object.fromEntries(workflow.steps.map((s) => [s.id, s.title]));
  const completed = new Set(task.completedStepIds);
  const finishedAt = events.findLast((e) => e.type === 'task.completed' || e.type === 'task.cancelled');
  const reportUrl = optionsTaskUrl(task.id, 'report');
  return (
    <div className="flex flex-col gap-3 p-3" data-testid="task-finished" data-task-id={task.id} data-task-status={task.status}>
      <header className="flex items-center gap-2">
        <h1 className="min-w-0 flex-1 truncate text-sm font-semibold">{task.title}</h1>
        <Badge tone={task.status === 'completed' ? 'success' : 'neutral'} data-testid="task-status">
          {TASK_STATUS_LABELS[task.status]}
        </Badge>
      </header>
      <p className="text-xs text-zinc-700 dark:text-zinc-300">
        {workflow.name} v{workflow.version} · {TASK_STATUS_LABELS[task.status]} {finishedAt ? `by ${finishedAt.actor.name} on ${new Date(finishedAt.at).toLocaleString()}` : ''}
      </p>
      {task.status === 'completed' ? <FinalResult detail={detail} /> : null}
      <Card className="flex flex-col gap-1 p-2">
        <h2 className="text-xs font-semibold">Steps</h2>
        <ol className="flex flex-col gap-0.5 text-xs">
          {workflow.steps.map((s, i) => (
            <li key={s.id} className="flex gap-2">
              <span aria-hidden>{completed.has(s.id) ? '✓' : '–'}</span>
              <span>
                {i + 1}. {s.title}
              </span>
              <span className="sr-only">{completed.has(s.id) ? 'done' : 'not done'}</span>
            </li>
          ))}
        </ol>
      </Card>
      <Card className="flex flex-col gap-1 p-2">
        <h2 className="text-xs font-semibold">Decisions</h2>
        {decisions.length === 0 ? <p className="text-xs">No gates were decided.</p> : null}
        <ul className="flex flex-col gap-1 text-xs" data-testid="decisions">
          {decisions.map((e) => (
            <li key={e.seq} data-testid="decision" data-type={e.type}>
              <span className="font-medium">{e.type === 'gate.approved' ? 'Approved' : 'Rejected'}</span> “{titles[e.stepId ?? ''] ?? e.stepId}” by{' '}
              {e.actor.name}, {new Date(e.at).toLocaleString()}
              {typeof e.data.comment === 'string' && e.data.comment ? `: “${e.data.comment}”` : ''}
            </li>
          ))}
        </ul>
      </Card>
      <p className="text-xs">
        {notes.filter((n) => !n.deleted).length} notes · {events.length} audit events
      </p>
      <VerifyRecord taskId={task.id} />
      <a
        href={reportUrl}
        target="_blank"
        rel="noopener"
        data-testid="open-report"
        className="text-sm text-blue-700 underline focus-visible:outline-2 focus-visible:outline-blue-600 dark:text-blue-300"
        onClick={(e) => {
          e.preventDefault();
          void openOptionsTask(task.id, 'report');
        }}
      >
        Open the full report
      </a>
      <Button size="sm" className="self-start" onClick={onStartAnother}>
        Start another workflow here
      </Button>
    </div>
  );
}

/** Recomputes the hash chain of the task's events: shows whether the record was altered after the fact. */
function VerifyRecord({ taskId }: { taskId: string }) {
  const [verdict, setVerdict] = useState<Awaited<ReturnType<typeof panelRepo.verify>> | null>(null);
  return (
    <div className="flex items-center gap-2 text-xs">
      <Button size="sm" data-testid="verify-chain" onClick={async () => setVerdict(await panelRepo.verify(taskId))}>
        Verify the record
      </Button>
      {verdict ? (
        <span data-testid="verify-result" data-ok={String(verdict.ok)} role="status">
          {verdict.ok ? `Intact: ${verdict.count} events, hash chain unbroken.` : `Broken at event ${verdict.brokenAtSeq}: ${verdict.reason}`}
        </span>
      ) : null}
    </div>
  );
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'result';
}

/** The end of the task is its product: the last step's result, rendered, to copy or download as Markdown. */
function FinalResult({ detail }: { detail: TaskDetail }) {
  const { task, workflow, notes } = detail;
  const [copied, setCopied] = useState<'idle' | 'ok' | 'failed'>('idle');
  // The last step that kept something (a last step may be a sign-off with no text of its own).
  const result = [...workflow.steps].reverse().map((s) => stepResultNote(notes, s.id)).find((n) => n !== undefined);
  if (!result) return null;
  const title = workflow.steps.find((s) => s.id === result.stepId)?.title ?? result.stepId;
  const download = () => {
    const url = URL.createObjectURL(new Blob([`${result.body.trim()}\n`], { type: 'text/markdown' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${slug(task.title)}.md`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  };
  return (
    <Card data-testid="final-result" data-step-id={result.stepId} className="flex flex-col gap-2 p-2">
      <h2 className="text-xs font-semibold">The result ({title})</h2>
      <div className="max-h-96 overflow-auto text-xs">
        <LazyMarkdown source={result.body} />
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button size="sm" variant="primary" data-testid="copy-result" onClick={async () => setCopied((await copyText(result.body)) ? 'ok' : 'failed')}>
          Copy
        </Button>
        <Button size="sm" data-testid="download-result" onClick={download}>
          Download .md
        </Button>
        <span className="text-xs" aria-live="polite">
          {copied === 'ok' ? 'Copied.' : copied === 'failed' ? 'Copying was blocked; select the text instead.' : ''}
        </span>
      </div>
    </Card>
  );
}

// Long on purpose: one page, read top to bottom as a manager reads a task (status, gate, steps, notes, the trail); its parts are the components below, kept together because they share the page's data hook.
import { memo, useMemo, useState } from 'react';
import { auditTask, type TaskAudit } from '@/lib/db/audit';
import type { ChainVerdict } from '@/lib/db/hash-chain';
import { exportTask } from '@/lib/db/backup';
import type { AuditEvent, Note, Site, Task, TaskStatus } from '@/lib/workflow/records';
import type { Step, Workflow } from '@/lib/workflow/schema';
import { ACTOR_KIND_LABELS, NOTE_SOURCE_LABELS, TASK_STATUS_LABELS } from '@/lib/workflow/labels';
import { Markdown } from '@/components/markdown';
import { Alert, Badge, Button, Card } from '@/components/ui';
import { useWindowList } from '@/components/virtual-list';
import { downloadText, slugForFile } from './download';
import { PageHeader } from './form';
import { dashboardRow, describeEvent, eventComment, taskReportJson, taskReportMarkdown } from './report';
import { hrefFor } from './router';
import { TaskGate } from './task-gate';
import { TaskPageInputs } from './task-page-inputs';
import { TeamShareButton } from './team-share';
import { foldTimeline, foldSummary } from './timeline';
import { useTaskDetail } from './use-task-detail';
import { STATUS_TONES } from './tasks-page';
import { SITE_LABELS } from '@/lib/workflow/labels';
import { resultByInWords, sitesInWords, stepSites, taskConversations } from '@/lib/workflow/task-sites';

/** The check of the record in words; how many entries and where it broke (for auditors) are in `verdictDetail`. */
export function verdictText(verdict: ChainVerdict): string {
  return verdict.ok
    ? 'The record is intact: nothing in it was changed, removed or put out of order.'
    : 'The record was changed after it was written: it cannot be trusted from the point shown in the details.';
}

/** The same check for an auditor: the entries counted, or the entry where the chain breaks and why. */
export function verdictDetail(verdict: ChainVerdict): string {
  return verdict.ok
    ? `Hash chain verified: ${verdict.count} event${verdict.count === 1 ? '' : 's'}.`
    : `Hash chain broken at event ${verdict.brokenAtSeq}: ${verdict.reason}`;
}

/** One sentence for the whole audit: the chain, then the notes; signatures are listed per event. */
export function auditText(audit: TaskAudit): string {
  const parts = [verdictText(audit.chain)];
  if (audit.notes.length > 0) parts.push(`${audit.notes.length} note${audit.notes.length === 1 ? ' does' : 's do'} not match the record.`);
  else if (audit.chain.ok) parts.push('Every note is as it was written.');
  const unsigned = audit.signatures.filter((check) => check.status === 'unsigned').length;
  const invalid = audit.signatures.filter((check) => check.status === 'invalid').length;
  const unknown = audit.signatures.filter((check) => check.status === 'unknown-key').length;
  const valid = audit.signatures.length - unsigned - invalid - unknown;
  for (const check of audit.imports) if (!check.ok) parts.push(check.text);
  if (audit.signatures.length > 0) {
    parts.push(
      `People's decisions: ${valid} signed by someone you know${unknown ? `, ${unknown} by someone not yet confirmed in Settings` : ''}${unsigned ? `, ${unsigned} unsigned` : ''}${invalid ? `, ${invalid} with a signature that does not match` : ''}.`,
    );
  }
  return parts.join(' ');
}

type Verdict = { ok: boolean; message: string; audit?: TaskAudit };

export function TaskPage({ id }: { id: string }) {
  const detail = useTaskDetail(id);
  const [verdict, setVerdict] = useState<Verdict | undefined>();
  const [verifying, setVerifying] = useState(false);

  if (detail === undefined) return <p>Loading…</p>;
  if (detail === null) {
    return (
      <Alert tone="error" data-testid="task-missing">
        This task is not in this browser: it may have been deleted, or it was never restored here. <a href={hrefFor({ name: 'tasks' })} className="underline">Back to all tasks</a>
      </Alert>
    );
  }
  const { task, workflow, notes, events } = detail;
  // One task across both sites: each conversation once, where each step ran, who wrote its result.
  const conversations = taskConversations(task);
  const whereStepsRan = stepSites(workflow, notes, events);
  const stepTitle = (stepId: string | undefined) => (stepId ? (workflow.steps.find((s) => s.id === stepId)?.title ?? stepId) : '');

  const verify = async () => {
    setVerifying(true);
    try {
      const audit = await auditTask(task.id);
      setVerdict({ ok: audit.ok, message: auditText(audit), audit });
    } catch (error) {
      setVerdict({ ok: false, message: `Could not verify: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setVerifying(false);
    }
  };
  const report = () => ({
    task,
    workflow,
    notes,
    events,
    generatedAt: new Date().toISOString(),
    ...(verdict ? { verification: { ok: verdict.ok, message: verdict.message } } : {}),
    ...(verdict?.audit ? { signatures: verdict.audit.signatures, keys: verdict.audit.keys } : {}),
  });

  return (
    <div data-testid="task-detail" data-task-id={task.id}>
      <PageHeader title={task.title}>
        <a
          href={hrefFor({ name: 'task-report', id: task.id })}
          className="rounded-md bg-emerald-700 px-2 py-1 text-xs font-medium text-white hover:bg-emerald-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
          data-testid="open-printable-report"
        >
          Printable report
        </a>
        <Button size="sm" onClick={() => void verify()} disabled={verifying} data-testid="verify-chain">
          {verifying ? 'Verifying…' : 'Verify audit chain'}
        </Button>
        <Button size="sm" onClick={() => downloadText(`${slugForFile(task.title)}.report.md`, taskReportMarkdown(report()), 'text/markdown')} data-testid="export-markdown">
          Export Markdown
        </Button>
        <Button size="sm" onClick={() => downloadText(`${slugForFile(task.title)}.report.json`, taskReportJson(report()))} data-testid="export-json">
          Export JSON
        </Button>
        <Button
          size="sm"
          onClick={() => void exportTask(task.id).then((file) => downloadText(`${slugForFile(task.title)}.convops-task.json`, JSON.stringify(file)))}
          data-testid="export-task-file"
          title="A file a colleague can import (Backup page) to continue this task"
        >
          Export task file
        </Button>
        <TeamShareButton taskId={task.id} />
      </PageHeader>
      <p className="mb-3 text-sm">
        <a href={hrefFor({ name: 'tasks' })} className="underline">
          All tasks
        </a>
      </p>
      {verdict ? (
        <Alert tone={verdict.ok ? 'success' : 'error'} className="mb-3" data-testid="chain-verdict" data-ok={String(verdict.ok)}>
          {verdict.message}
          {verdict.audit ? (
            <details className="mt-1 text-xs" data-testid="chain-details">
              <summary className="cursor-pointer">Details for auditors</summary>
              {verdictDetail(verdict.audit.chain)}
            </details>
          ) : null}
          {verdict.audit && verdict.audit.notes.length > 0 ? (
            <ul className="mt-1 list-disc pl-5">
              {verdict.audit.notes.map((check) => (
                <li key={check.noteId} data-testid="note-check" data-note-id={check.noteId} data-problem={check.problem}>
                  {check.text}
                </li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
      {verdict?.audit && verdict.audit.signatures.length > 0 ? (
        <details className="mb-3 text-sm" open={verdict.audit.signatures.some((check) => check.status !== 'valid')} data-testid="signature-checks">
          <summary className="cursor-pointer font-medium">Signatures of people's events</summary>
          <ol className="mt-1 pl-1">
            {verdict.audit.signatures.map((check) => (
              <li key={check.seq} data-testid="signature-check" data-seq={check.seq} data-status={check.status}>
                #{check.seq} {describeEvent({ type: check.type, data: {} })} by {check.actorName}:{' '}
                <span className={check.status === 'valid' ? '' : 'font-medium text-red-700 dark:text-red-300'}>{check.text}</span>
                {check.status === 'unknown-key' ? (
                  <>
                    {' '}
                    <a href={hrefFor({ name: 'settings' })} className="underline">
                      Confirm the key in Settings
                    </a>
                  </>
                ) : null}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
      <Card className="mb-4">
        <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <TaskFacts task={task} workflow={workflow} />
          <dt className="font-medium">Conversations</dt>
          <dd>
            {conversations.length === 0 ? (
              '—'
            ) : (
              <ul>
                {conversations.map((conversation) => (
                  <li key={`${conversation.url}${conversation.boundAt}`}>
                    <a
                      href={conversation.url}
                      target="_blank"
                      rel="noopener noreferrer"
                      className="text-blue-700 underline dark:text-blue-300"
                      data-testid="task-conversation"
                      data-site={conversation.site}
                    >
                      The {SITE_LABELS[conversation.site as Site]} chat
                    </a>
                    , from <time dateTime={conversation.boundAt}>{new Date(conversation.boundAt).toLocaleString()}</time>
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt className="font-medium">Where each step ran</dt>
          <dd>
            <ol data-testid="task-step-sites">
              {workflow.steps.map((step, index) => {
                const ran = whereStepsRan.get(step.id);
                return (
                  <li key={step.id} data-testid="task-step-site" data-step-id={step.id} data-sites={(ran?.sites ?? []).join(' ')}>
                    {index + 1}. {step.title}: {sitesInWords(ran?.sites ?? [])}
                    {ran?.resultBy ? `; result written by ${resultByInWords(ran.resultBy)}` : ''}
                  </li>
                );
              })}
            </ol>
          </dd>
        </dl>
      </Card>
      <TaskGate task={task} workflow={workflow} notes={notes} />
      <TaskPageInputs task={task} workflow={workflow} events={events} />
      <TaskRecordColumns events={events} notes={notes} steps={workflow.steps} stepTitle={stepTitle} />
    </div>
  );
}

/**
 * A long task has thousands of events: only those near the viewport are in the DOM. Routine events
 * fold under their step (components/options/timeline.ts), so decisions are not lost among them.
 */
/** A task's record side by side: its timeline (latest first) and its notes. */
export function TaskRecordColumns({ events, notes, steps, stepTitle }: { events: AuditEvent[]; notes: Note[]; steps: Step[]; stepTitle: (stepId: string | undefined) => string }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading" className="mb-2 text-base font-semibold">
          Timeline <span className="text-xs font-normal text-zinc-600 dark:text-zinc-400">latest first</span>
        </h2>
        <TimelineList events={events} stepTitle={stepTitle} />
      </section>
      <section aria-labelledby="notes-heading">
        <h2 id="notes-heading" className="mb-2 text-base font-semibold">
          Notes
        </h2>
        {notes.length === 0 ? <p className="text-sm text-zinc-600 dark:text-zinc-400">No notes yet.</p> : null}
        <NotesList notes={notes} steps={steps} />
      </section>
    </div>
  );
}

/** What a task is and where it stands: the first rows of a task's page, one's own or a colleague's shared one. */
export function TaskFacts({ task, workflow }: { task: Task; workflow: Workflow }) {
  const row = dashboardRow(task, workflow);
  return (
    <>
      <dt className="font-medium">Workflow</dt>
      <dd>
        {workflow.name} (version {task.workflowVersion})
      </dd>
      <dt className="font-medium">Status</dt>
      <dd>
        <Badge tone={STATUS_TONES[task.status as TaskStatus]} data-testid="task-status">
          {TASK_STATUS_LABELS[task.status]}
        </Badge>
      </dd>
      <dt className="font-medium">Current step</dt>
      <dd data-testid="task-current-step">{row.currentStep || '—'}</dd>
      <dt className="font-medium">Waiting gate</dt>
      <dd>{row.waitingGate || '—'}</dd>
      <dt className="font-medium">Started</dt>
      <dd>
        by {task.createdBy.name}, <time dateTime={task.createdAt}>{new Date(task.createdAt).toLocaleString()}</time>
      </dd>
    </>
  );
}

export function TimelineList({ events, stepTitle }: { events: AuditEvent[]; stepTitle: (stepId: string | undefined) => string }) {
  // Latest first: where the task stands (its decision, its end) is at the top, never below the fold.
  const items = useMemo(() => foldTimeline(events).reverse(), [events]);
  const { attach, listStyle, rows, rowProps } = useWindowList({ count: items.length, estimateSize: 72, getItemKey: (index) => items[index]!.key });
  return (
    <ol ref={attach} style={listStyle} data-testid="timeline">
      {rows.map((row) => {
        const item = items[row.index]!;
        if (item.kind === 'event') {
          return (
            <li key={row.key} {...rowProps(row)} className="pb-2" data-testid="timeline-event" data-type={item.event.type} data-seq={item.event.seq}>
              <TimelineEvent event={item.event} stepTitle={stepTitle} />
            </li>
          );
        }
        const first = item.events[0]!;
        const last = item.events.at(-1)!;
        return (
          <li key={row.key} {...rowProps(row)} className="pb-2" data-testid="timeline-fold" data-step-id={item.stepId} data-count={item.events.length}>
            <details className="rounded border border-dashed border-zinc-300 p-2 text-sm dark:border-zinc-600">
              <summary className="cursor-pointer">
                <span className="font-medium">{foldSummary(item.events)}</span>
                {item.stepId ? <span className="text-xs"> · {stepTitle(item.stepId)}</span> : null}
                <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                  {item.events.length} routine entries · <time dateTime={first.at}>{new Date(first.at).toLocaleString()}</time>
                  {first.at.slice(0, 16) === last.at.slice(0, 16) ? null : (
                    <>
                      {' '}
                      to <time dateTime={last.at}>{new Date(last.at).toLocaleString()}</time>
                    </>
                  )}
                </span>
              </summary>
              <ol className="mt-2 flex flex-col gap-1">
                {item.events.map((event) => (
                  <li key={event.seq} data-testid="timeline-event" data-type={event.type} data-seq={event.seq}>
                    <TimelineEvent event={event} stepTitle={stepTitle} />
                  </li>
                ))}
              </ol>
            </details>
          </li>
        );
      })}
    </ol>
  );
}

function TimelineEvent({ event, stepTitle }: { event: AuditEvent; stepTitle: (stepId: string | undefined) => string }) {
  const comment = eventComment(event);
  return (
    <div className="rounded border border-zinc-200 p-2 text-sm dark:border-zinc-700">
      <div className="flex flex-wrap items-baseline gap-x-2">
        <span className="font-medium">{describeEvent(event)}</span>
        {event.stepId ? <span className="text-xs">· {stepTitle(event.stepId)}</span> : null}
      </div>
      <div className="text-xs text-zinc-600 dark:text-zinc-400">
        {event.actor.name} ({ACTOR_KIND_LABELS[event.actor.kind]}) · <time dateTime={event.at}>{new Date(event.at).toLocaleString()}</time>
      </div>
      {comment ? <blockquote className="mt-1 border-l-2 border-zinc-400 pl-2 text-sm whitespace-pre-wrap">{comment}</blockquote> : null}
    </div>
  );
}

/**
 * Notes grouped by step, in the workflow's order; the first note of each group carries the step's
 * heading, so the groups read as before while the list stays one flat, virtualized list.
 */
export function NotesList({ notes, steps }: { notes: Note[]; steps: Step[] }) {
  const ordered = useMemo(() => {
    const groups = [
      ...steps,
      // Notes on a step id the pinned version does not have (restored or imported data) still show.
      ...[...new Set(notes.map((note) => note.stepId))].filter((stepId) => !steps.some((step) => step.id === stepId)).map((stepId) => ({ id: stepId, title: stepId })),
    ];
    return groups.flatMap((step) => notes.filter((note) => note.stepId === step.id).map((note, i) => ({ note, heading: i === 0 ? step.title : null })));
  }, [notes, steps]);
  const { attach, listStyle, rows, rowProps } = useWindowList({ count: ordered.length, estimateSize: 160, getItemKey: (index) => ordered[index]!.note.id });
  return (
    <ol ref={attach} style={listStyle} data-testid="task-notes">
      {rows.map((row) => {
        const { note, heading } = ordered[row.index]!;
        return (
          <li key={row.key} {...rowProps(row)} className="pb-2">
            {heading ? <h3 className={`mb-1 text-sm font-semibold ${row.index > 0 ? 'pt-1' : ''}`}>{heading}</h3> : null}
            <article className="rounded border border-zinc-200 p-2 text-sm dark:border-zinc-700" data-testid="task-note" data-note-id={note.id}>
              <div className="mb-1 text-xs text-zinc-600 dark:text-zinc-400">
                {NOTE_SOURCE_LABELS[note.source]} · {note.createdBy.name} · <time dateTime={note.createdAt}>{new Date(note.createdAt).toLocaleString()}</time>
              </div>
              <NoteBody source={note.body} />
            </article>
          </li>
        );
      })}
    </ol>
  );
}

/** Rows re-render as they move; the Markdown inside only when the note changes. */
const NoteBody = memo(function NoteBody({ source }: { source: string }) {
  return <Markdown source={source} />;
});

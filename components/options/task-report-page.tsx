import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import { auditTask } from '@/lib/db/audit';
import { getTaskDetail } from '@/lib/db/tasks-repo';
import { TASK_STATUS_LABELS } from '@/lib/workflow/labels';
import { Alert, Button } from '@/components/ui';
import { chainHead, teamStandardsUsedLabel } from './report';
import { buildTaskReport, signatureInWords } from './report-model';
import { hrefFor } from './router';
import { verdictText } from './task-page';
import { SITE_LABELS } from '@/lib/workflow/labels';
import { taskConversations } from '@/lib/workflow/task-sites';

/**
 * The task report a manager prints or saves as PDF: what ran, who did each step, every decision and
 * whether the audit chain holds. Laid out for paper (`print:` classes, and the print rules in
 * components/styles.css hide the navigation and force black on white). Every text from a task, a note
 * or an event is rendered as React text: nothing here is HTML.
 */

const when = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

export function TaskReportPage({ id }: { id: string }) {
  const detail = useLiveQuery(async () => (await getTaskDetail(id)) ?? null, [id]);
  const [verdict, setVerdict] = useState<{ ok: boolean; message: string; seq: number; signatures?: Map<number, string> } | undefined>();
  const eventCount = detail ? detail.events.length : 0;
  const loaded = detail !== undefined && detail !== null;

  // The chain is checked again whenever the task gains events, so the printed verdict covers the printed events.
  useEffect(() => {
    if (!loaded) return;
    let cancelled = false;
    auditTask(id).then(
      (audit) =>
        !cancelled &&
        setVerdict({
          ok: audit.ok,
          message: [verdictText(audit.chain), ...audit.notes.map((note) => note.text)].join(' '),
          seq: eventCount,
          signatures: new Map(audit.signatures.map((check) => [check.seq, signatureInWords(check)])),
        }),
      (error: unknown) =>
        !cancelled && setVerdict({ ok: false, message: `Could not verify: ${error instanceof Error ? error.message : String(error)}`, seq: eventCount }),
    );
    return () => {
      cancelled = true;
    };
  }, [id, eventCount, loaded]);

  const model = useMemo(
    () => (detail ? buildTaskReport(detail.task, detail.workflow, detail.notes, detail.events, verdict?.signatures) : undefined),
    [detail, verdict],
  );
  const [generatedAt] = useState(() => new Date().toISOString());

  if (detail === undefined) return <p>Loading…</p>;
  if (detail === null || !model) {
    return (
      <Alert tone="error" data-testid="task-missing">
        This task is not in this browser: it may have been deleted, or it was never restored here. <a href={hrefFor({ name: 'tasks' })} className="underline">Back to all tasks</a>
      </Alert>
    );
  }
  const { task, workflow, events } = detail;
  const head = chainHead(events);
  const currentStep = workflow.steps.find((step) => step.id === task.currentStepId)?.title;
  const cell = 'border border-zinc-300 px-2 py-1 align-top dark:border-zinc-600 print:border-zinc-500';
  const headCell = `${cell} bg-zinc-100 text-left font-semibold dark:bg-zinc-800 print:bg-white`;

  return (
    <article data-testid="task-report" data-task-id={task.id} className="convops-report mx-auto max-w-4xl text-sm print:max-w-none">
      <div className="mb-4 flex flex-wrap items-center gap-2 print:hidden">
        <a href={hrefFor({ name: 'task', id: task.id })} className="underline">
          Back to the task
        </a>
        <span className="flex-1" />
        <Button variant="primary" onClick={() => window.print()} data-testid="print-report">
          Print / Save as PDF
        </Button>
      </div>

      <header className="mb-4">
        <p className="text-xs tracking-wide text-zinc-600 uppercase dark:text-zinc-400 print:text-black">ConvOps task report</p>
        <h1 className="text-2xl font-semibold" data-testid="report-title">
          {task.title}
        </h1>
      </header>

      <dl className="mb-6 grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr] print:grid-cols-[max-content_1fr]" data-testid="report-summary">
        <dt className="font-medium">Workflow</dt>
        <dd data-testid="report-workflow">
          {workflow.name}, version {task.workflowVersion}
        </dd>
        <dt className="font-medium">Status</dt>
        <dd data-testid="report-status">{TASK_STATUS_LABELS[task.status]}</dd>
        {currentStep ? (
          <>
            <dt className="font-medium">Current step</dt>
            <dd>{currentStep}</dd>
          </>
        ) : null}
        <dt className="font-medium">Started by</dt>
        <dd data-testid="report-started-by">
          {task.createdBy.name}, <time dateTime={task.createdAt}>{when(task.createdAt)}</time>
        </dd>
        <dt className="font-medium">Last activity</dt>
        <dd>
          {task.updatedBy.name}, <time dateTime={task.updatedAt}>{when(task.updatedAt)}</time>
        </dd>
        {task.conversations.length > 0 ? (
          <>
            <dt className="font-medium">Conversations</dt>
            <dd>
              <ul>
                {taskConversations(task).map((conversation) => (
                  <li key={`${conversation.url}${conversation.boundAt}`} data-testid="report-conversation" data-site={conversation.site}>
                    {/^https:\/\//.test(conversation.url) ? (
                      <a href={conversation.url} target="_blank" rel="noopener noreferrer" className="underline">
                        The {SITE_LABELS[conversation.site]} chat
                      </a>
                    ) : (
                      `The ${SITE_LABELS[conversation.site]} chat`
                    )}
                    , from <time dateTime={conversation.boundAt}>{when(conversation.boundAt)}</time>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        <dt className="font-medium">Report made</dt>
        <dd>
          <time dateTime={generatedAt}>{when(generatedAt)}</time>
        </dd>
      </dl>

      {model.inputs.length > 0 ? (
        <section aria-labelledby="report-inputs" className="mb-6" data-testid="report-inputs">
          <h2 id="report-inputs" className="mb-2 text-lg font-semibold">
            Inputs
          </h2>
          <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
            {model.inputs.map((input) => (
              <div key={input.name} className="contents" data-testid="report-input" data-name={input.name}>
                <dt className="font-medium">{input.label}</dt>
                <dd>
                  <span className="whitespace-pre-wrap">{input.value || '—'}</span>
                  {input.changes.length > 0 ? (
                    <ul className="text-sm text-zinc-700 dark:text-zinc-300" data-testid="report-input-history">
                      {input.changes.map((change) => (
                        <li key={change.seq}>
                          Changed by {change.by} on <time dateTime={change.at}>{when(change.at)}</time>: “{change.from || 'empty'}” → “{change.to || 'empty'}”
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </dd>
              </div>
            ))}
          </dl>
          {model.teamStandards ? (
            <p className="mt-2 text-sm" data-testid="report-team-standards">
              {teamStandardsUsedLabel(model.teamStandards)}: {model.teamStandards.lines.join(' · ')}
            </p>
          ) : null}
        </section>
      ) : model.teamStandards ? (
        <p className="mb-6 text-sm" data-testid="report-team-standards">
          {teamStandardsUsedLabel(model.teamStandards)}: {model.teamStandards.lines.join(' · ')}
        </p>
      ) : null}

      <section aria-labelledby="report-steps" className="mb-6">
        <h2 id="report-steps" className="mb-2 text-lg font-semibold">
          Steps
        </h2>
        <table className="w-full border-collapse" data-testid="report-steps">
          <thead>
            <tr>
              <th scope="col" className={headCell}>
                Step
              </th>
              <th scope="col" className={headCell}>
                Ran on
              </th>
              <th scope="col" className={headCell}>
                Result (excerpt)
              </th>
              <th scope="col" className={headCell}>
                Completed by
              </th>
              <th scope="col" className={headCell}>
                When
              </th>
            </tr>
          </thead>
          <tbody>
            {model.steps.map((step) => (
              <tr key={step.id} data-testid="report-step" data-step-id={step.id} className="break-inside-avoid">
                <th scope="row" className={`${cell} text-left font-medium`}>
                  {step.number}. {step.title}
                  <span className="block text-xs font-normal text-zinc-600 dark:text-zinc-400 print:text-black">
                    {step.state}
                    {step.gate ? ` · gate: ${step.gate}` : ''}
                  </span>
                </th>
                <td className={cell} data-testid="report-step-sites">
                  {step.ranOn}
                </td>
                <td className={cell} data-testid="report-step-result">
                  {step.result ? (
                    <>
                      {step.result.excerpt}
                      <span className="block text-xs text-zinc-600 dark:text-zinc-400 print:text-black">
                        {step.result.source}, written by {step.result.by}
                      </span>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td className={cell} data-testid="report-step-completed-by">
                  {step.completedBy ?? '—'}
                </td>
                <td className={cell}>{step.completedAt ? <time dateTime={step.completedAt}>{when(step.completedAt)}</time> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="report-decisions" className="mb-6">
        <h2 id="report-decisions" className="mb-2 text-lg font-semibold">
          Gate decisions
        </h2>
        {model.decisions.length === 0 ? (
          <p data-testid="report-no-decisions">No gate was decided.</p>
        ) : (
          <table className="w-full border-collapse" data-testid="report-decisions">
            <thead>
              <tr>
                {['Step', 'Decision', 'Who', 'When', 'Comment', 'Signature'].map((label) => (
                  <th key={label} scope="col" className={headCell}>
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {model.decisions.map((decision) => (
                <tr key={decision.seq} data-testid="report-decision" data-decision={decision.decision.toLowerCase()} className="break-inside-avoid">
                  <td className={cell}>{decision.stepTitle}</td>
                  <td className={`${cell} font-medium`}>{decision.decision}</td>
                  <td className={cell}>{decision.by}</td>
                  <td className={cell}>
                    <time dateTime={decision.at}>{when(decision.at)}</time>
                  </td>
                  <td className={`${cell} whitespace-pre-wrap`}>{decision.comment ?? '—'}</td>
                  <td className={cell} data-testid="report-signature">
                    {decision.signature ?? '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="report-chain" className="break-inside-avoid">
        <h2 id="report-chain" className="mb-2 text-lg font-semibold">
          The record
        </h2>
        {verdict ? (
          <p data-testid="report-chain" data-ok={String(verdict.ok)} className={verdict.ok ? '' : 'font-semibold text-red-800 dark:text-red-300 print:text-black'}>
            {verdict.ok ? '✓ ' : '✗ '}
            {verdict.message}
          </p>
        ) : (
          <p>Checking the record…</p>
        )}
        <details className="mt-1 text-xs break-all" data-testid="report-auditor-details">
          <summary className="cursor-pointer">Details for auditors</summary>
          <p>Task id: {task.id}</p>
          {taskConversations(task).map((conversation) => (
            <p key={`${conversation.url}${conversation.boundAt}`}>
              {SITE_LABELS[conversation.site]} conversation: {conversation.url}
            </p>
          ))}
          {head ? (
            <p>
              Last event: #{head.seq}, hash <code>{head.hash}</code>. Keep this report: a later chain that verifies and still has this event with
              this hash lost nothing up to here.
            </p>
          ) : null}
        </details>
      </section>
    </article>
  );
}

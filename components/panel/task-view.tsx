// Long on purpose: the panel's task screen: the current moment's one action, insert and handoff, notes and the step list share the task's state and its pending insert, so they stay in one component.
import { useEffect, useMemo, useState } from 'react';
import type { HostState, PanelAction } from '@/lib/messaging/schemas';
import { renderBriefing } from '@/lib/workflow/briefing';
import { isArrival, isDriving, reopenableStep, siteSwitchFor, stepStates } from '@/lib/workflow/engine';
import { briefingHistory, currentMoment } from '@/lib/workflow/moment';
import { SITE_LABELS, TASK_STATUS_LABELS } from '@/lib/workflow/labels';
import type { Actor } from '@/lib/workflow/records';
import type { Step } from '@/lib/workflow/schema';
import { stepHasWorkSince, stepResultNote } from '@/lib/workflow/results';
import { LazyMarkdown } from '@/components/lazy-markdown';
import { Alert, Badge, Button, Card } from '@/components/ui';
import { CurrentStep, pillWord, type InsertState } from './current-step';
import { panelRepo, usePanelCommand, type TaskDetail } from './data';
import { describeError, describeInsertFailure } from '@/components/errors';
import { GateCard } from '@/components/gate-card';
import { NotesSection, type NoteActions } from './notes';
import { StepList } from './step-list';
import { TaskInputsPanel } from './task-inputs-panel';

/** A call the background could not answer, as the insert result the status line reads. */
const unanswered = (e: unknown) => ({ ok: false, verified: false, sent: false, reason: undefined, detail: e instanceof Error ? e.message : String(e) });

export function TaskView({
  detail,
  host,
  actor,
}: {
  detail: TaskDetail;
  host: HostState | null;
  actor: Actor;
}) {
  const { task, workflow, notes, events } = detail;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The status line belongs to one step in one state: a new step starts clean.
  const stateKey = `${task.currentStepId}:${task.status}`;
  const [insertRecord, setInsertRecord] = useState<{ key: string; state: InsertState }>({ key: stateKey, state: { kind: 'idle' } });
  const insertState: InsertState = insertRecord.key === stateKey ? insertRecord.state : { kind: 'idle' };
  const setInsertState = (state: InsertState) => setInsertRecord({ key: stateKey, state });
  const [confirmCancel, setConfirmCancel] = useState(false);

  const states = useMemo(() => stepStates(task, workflow), [task, workflow]);
  const currentIndex = workflow.steps.findIndex((s) => s.id === task.currentStepId);
  const current = workflow.steps[currentIndex];
  const stepTitles = useMemo(() => Object.fromEntries(workflow.steps.map((s) => [s.id, s.title])), [workflow]);
  // Built from the task's notes (earlier steps' results go into it): none while the first answer's
  // notes are only the current step's and the rest are on their way (`notesToCome`, a moment).
  const notesToCome = detail.notesToCome === true;
  const briefing = useMemo(
    () => (current && !notesToCome ? renderBriefing({ workflow, task, notes: notes.filter((n) => !n.deleted), operator: actor.name, now: new Date().toISOString() }) : null),
    [current, notesToCome, workflow, task, notes, actor.name],
  );

  // One of the person's actions, busy while it runs, its failure said in plain words.
  const attempt = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(describeError(e).message);
    } finally {
      setBusy(false);
    }
  };
  const run = (action: PanelAction) => attempt(() => panelRepo.act(task.id, task.rev, action));

  // The person's Insert or Send: the background renders the step's briefing, puts it into this tab's
  // prompt box and records it as the person's act (drive mode's own inserts are the conductor's).
  const deliver = async (send: boolean) => {
    setInsertState({ kind: 'busy' });
    const result = await panelRepo.deliver(task.id, send).catch(unanswered);
    setInsertState(result.ok ? { kind: 'done', sent: result.sent } : { kind: 'failed', message: describeInsertFailure(result.reason, result.detail) });
  };

  // Send for the briefing already in the prompt box: the site's own Send, pressed for the person.
  const pressSend = async () => {
    setInsertState({ kind: 'busy' });
    const result = await panelRepo.pressSend(task.id).catch(unanswered);
    // An emptied prompt box: the briefing goes in again and is sent.
    if (!result.ok && result.detail === 'the prompt box is empty') return deliver(true);
    setInsertState(result.ok && result.sent ? { kind: 'done', sent: true } : { kind: 'failed', message: describeInsertFailure(result.reason, result.detail) });
  };

  const handoff = async () => {
    if (!host) return;
    setBusy(true);
    setError(null);
    try {
      const { opened } = await panelRepo.handoff(task.id, task.rev);
      if (!opened) setError('The new chat could not be opened; open one yourself, the briefing will be inserted there.');
    } catch (e) {
      setError(describeError(e).message);
    } finally {
      setBusy(false);
    }
  };

  const siteName = host ? SITE_LABELS[host.site] : 'the AI';
  const driving = isDriving(task);
  const moment = currentMoment(task, events);
  const since = moment.kind === 'finished' ? null : moment.since;
  const hasWork = current ? stepHasWorkSince(notes, current.id, since) : false;
  const reopenable = reopenableStep(task, workflow);
  const canReopen = reopenable !== null && !hasWork;
  const history = current ? briefingHistory(events, current.id) : [];

  // The pill on the page says the same in one word, for when this panel is collapsed: sent only
  // then (and at the collapse). Open, the pill is hidden, and each word would be a message into the
  // page's main thread as a reply starts and as it is captured (DESIGN.md: host CPU ≤ 2 ms per reply).
  const streaming = host?.streaming ?? false;
  const collapsed = host?.collapsed ?? false;
  const elsewhere = siteSwitchFor(task, workflow);
  const word = pillWord(moment.kind, streaming, elsewhere);
  useEffect(() => {
    if (collapsed) void panelRepo.attention(word).catch(() => undefined);
  }, [word, collapsed]);

  // The panel never decides a gate (the page can draw over it): it opens the review window.
  const openReview = async () => {
    setError(null);
    await panelRepo.openReview(task.id).catch((e: unknown) => setError(describeError(e).message));
  };

  const noteActions: NoteActions = {
    onAdd: async (body) => {
      if (!current) return;
      await panelRepo.addNote(task.id, current.id, body).catch((e: unknown) => setError(describeError(e).message));
    },
    onEdit: async (noteId, body) => {
      await panelRepo.editNote(noteId, body).catch((e: unknown) => setError(describeError(e).message));
    },
    onDelete: async (noteId) => {
      await panelRepo.deleteNote(noteId).catch((e: unknown) => setError(describeError(e).message));
    },
    onUseAsResult: async (noteId) => {
      await panelRepo.markResult(noteId).catch((e: unknown) => setError(describeError(e).message));
    },
  };

  // The decision that brought the task here, in a line: who decided, and whether it is signed (a
  // colleague's decision carries their signed proof; a decision taken in this browser, its signature).
  const decision = events.findLast((e) => e.type === 'gate.approved' || e.type === 'gate.rejected');
  const lastArrival = events.findLast((e) => isArrival(e));
  const decidedHere = decision && lastArrival && lastArrival.seq >= decision.seq && lastArrival.seq - decision.seq <= 1 ? decision : null;
  const decisionSigned = !!decidedHere && (decidedHere.signature !== undefined || isSignedProof(decidedHere.data['authority']));
  const rejectTo = current?.gate ? (stepTitles[current.gate.onReject ?? current.id] ?? current.title) : '';
  const awaiting = task.status === 'awaiting-approval' && task.pendingGate !== null;
  // The shortcut sends what the Insert button would insert; while a gate waits the prompt box stays empty.
  usePanelCommand((command) => {
    if (command.name !== 'send-step' || !current || awaiting || insertState.kind === 'busy') return;
    void deliver(true);
  });
  const rejection =
    task.rejection && task.rejection.stepId === task.currentStepId ? { comment: task.rejection.comment, by: task.rejection.by.name } : null;

  return (
    <div className="flex flex-col gap-3 p-3" data-task-id={task.id} data-task-status={task.status} data-task-rev={task.rev}>
      <header className="flex flex-col gap-0.5">
        <div className="flex items-center gap-2">
          <h1 className="min-w-0 flex-1 truncate text-sm font-semibold" title={task.title}>
            {task.title}
          </h1>
          <Badge tone={awaiting ? 'warning' : 'info'} data-testid="task-status">
            {TASK_STATUS_LABELS[awaiting ? 'awaiting-approval' : task.status]}
          </Badge>
        </div>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          {workflow.name} · v{workflow.version}
        </p>
        <label className="mt-1 flex items-center gap-2 text-xs" title="When the AI ends a reply with the step's completion line, the step is done and the next briefing goes into the prompt box. Gates still wait for you.">
          <input
            type="checkbox"
            data-testid="drive-toggle"
            checked={driving}
            disabled={busy}
            onChange={(e) => void run({ type: 'set-drive-mode', on: e.target.checked })}
          />
          <span>
            Drive mode: {driving ? `${siteName} moves the task on when it says a step is done` : 'you move the task on; the AI only suggests'}
          </span>
        </label>
      </header>

      {error ? (
        <Alert tone="error" data-testid="panel-error">
          {error}
        </Alert>
      ) : null}

      {decidedHere ? (
        <p data-testid="decided-by" className="rounded-md bg-emerald-50 px-2 py-1 text-xs text-emerald-950 dark:bg-emerald-950/40 dark:text-emerald-100">
          {decidedHere.type === 'gate.approved' ? 'Approved' : 'Sent back'} by {decidedHere.actor.name}
          {decisionSigned ? ' (signed)' : ''}
        </p>
      ) : null}
      <StepList states={states} />
      <TaskInputsPanel task={task} workflow={workflow} events={events} />

      {/* The decision comes first while the task waits for it. */}
      {awaiting && current?.gate ? <GateResult notes={notes} step={current} stepTitles={stepTitles} /> : null}
      {awaiting && current?.gate ? <GateCard gate={current.gate} stepTitle={current.title} rejectTo={rejectTo} busy={busy} onReview={openReview} /> : null}

      {current ? (
        <CurrentStep
          step={current}
          number={currentIndex + 1}
          count={workflow.steps.length}
          siteName={siteName}
          moment={moment.kind}
          elsewhere={elsewhere}
          onContinueOn={() => void (elsewhere ? attempt(() => panelRepo.continueOn(task.id, task.rev, elsewhere)) : undefined)}
          streaming={host?.streaming ?? false}
          briefing={briefing}
          history={history}
          rejection={rejection}
          insertState={insertState}
          canComplete={!awaiting}
          hasWork={hasWork}
          busy={busy}
          onSend={() => void deliver(true)}
          onPressSend={() => void pressSend()}
          onInsert={() => void deliver(false)}
          onComplete={() => void run({ type: 'complete-step', stepId: current.id })}
        />
      ) : null}

      {canReopen && reopenable ? (
        <Button
          size="sm"
          variant="ghost"
          className="self-start"
          data-testid="reopen-step"
          disabled={busy}
          onClick={() => void run({ type: 'reopen-step', stepId: reopenable.id })}
        >
          ↶ Reopen {reopenable.title}
        </Button>
      ) : null}

      <NotesSection
        notes={notes}
        stepOrder={workflow.steps.map((s) => s.id)}
        stepTitles={stepTitles}
        currentStepTitle={current?.title ?? null}
        openStepId={awaiting ? null : (current?.id ?? null)}
        actions={noteActions}
        partial={notesToCome}
      />

      <section className="flex flex-col gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-700">
        <Button data-testid="handoff" disabled={busy || !host} onClick={() => void handoff()}>
          Continue in a new chat
        </Button>
        {confirmCancel ? (
          <div className="flex flex-wrap items-center gap-2 text-xs" role="group" aria-label="Confirm cancelling the task">
            <span>Cancel this task? It stops here; the record stays.</span>
            <Button
              size="sm"
              variant="danger"
              data-testid="confirm-cancel"
              onClick={() => {
                setConfirmCancel(false);
                void run({ type: 'cancel' });
              }}
            >
              Cancel task
            </Button>
            <Button size="sm" onClick={() => setConfirmCancel(false)}>
              Keep going
            </Button>
          </div>
        ) : (
          <Button size="sm" variant="ghost" data-testid="cancel-task" onClick={() => setConfirmCancel(true)}>
            Cancel task…
          </Button>
        )}
      </section>
    </div>
  );
}

/**
 * What the person approves: the gated step's result, rendered (the review window shows it too). When
 * the gated step is a second opinion (`reviews`), what is judged is the reviewed step's result, and the
 * other model's review stands beside it: it informs the person, it never decides.
 */
function GateResult({ notes, step, stepTitles }: { notes: TaskDetail['notes']; step: Step; stepTitles: Record<string, string> }) {
  const judgedId = step.reviews ?? step.id;
  const result = stepResultNote(notes, judgedId);
  const review = step.reviews ? stepResultNote(notes, step.id) : undefined;
  return (
    <>
      <Card data-testid="gate-result" className="flex flex-col gap-1 p-2 text-xs">
        <h3 className="text-xs font-semibold">Result of “{stepTitles[judgedId] ?? step.title}”</h3>
        {result ? (
          <div className="max-h-80 overflow-auto">
            <LazyMarkdown source={result.body} />
          </div>
        ) : (
          <p>Nothing was kept for this step.</p>
        )}
      </Card>
      {step.reviews ? (
        <Card data-testid="second-opinion" className="flex flex-col gap-1 border-violet-300 p-2 text-xs dark:border-violet-700">
          <h3 className="text-xs font-semibold">{review ? `${review.createdBy.name}’s review` : 'The second opinion'} — it informs you; you decide</h3>
          {review ? (
            <div className="max-h-80 overflow-auto">
              <LazyMarkdown source={review.body} />
            </div>
          ) : (
            <p>No review was kept.</p>
          )}
        </Card>
      ) : null}
    </>
  );
}

/** A colleague's decision recorded here carries the approver's signed document (`data.authority.proof`). */
function isSignedProof(authority: unknown): boolean {
  if (!authority || typeof authority !== 'object' || !('proof' in authority)) return false;
  const proof = authority.proof;
  return !!proof && typeof proof === 'object' && 'signature' in proof;
}

import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { decideTeamGate, pendingDecisionHere, readSharedTask, verifySharedTask, type SharedTask } from '@/lib/team/shared-tasks';
import { getTeamDb } from '@/lib/team/team-db';
import { GateCard, type GateDecision } from '@/components/gate-card';
import { describeError } from '@/components/errors';
import { Alert, Badge, Button, Card } from '@/components/ui';
import { PageHeader } from './form';
import { hrefFor } from './router';
import { TaskFacts, TaskRecordColumns } from './task-page';
import { GateResult } from './task-gate';
import { teamContextOf, useDecidableGates, useOwnFingerprint } from './use-team';

/**
 * A colleague's task shared with the team, as this browser keeps it from the workspace: read-only
 * (only its owner writes it), live as sync pulls, with Verify (the chain, the notes' hashes, the
 * signatures against the member directory, the replay of its events). An approver who may decide its
 * waiting gate decides here: signed, sent, and checked again by the owner's browser.
 */
export function TeamTaskPage({ owner, id }: { owner: string; id: string }) {
  const teamDb = getTeamDb();
  const read = useLiveQuery(() => readSharedTask(teamDb, owner, id).then((entry) => entry ?? null), [owner, id]);
  const [verifying, setVerifying] = useState(false);
  // Once asked, the verdict follows what sync pulls (an edit on the server shows without a click).
  const verdict = useLiveQuery(() => (verifying ? verifySharedTask(teamDb, owner, id) : undefined), [verifying, owner, id]);

  if (read === undefined) return <p>Loading…</p>;
  if (read === null) {
    return (
      <Alert tone="error" data-testid="task-missing">
        This shared task is not in this browser (yet): it arrives with the workspace's next sync. <a href={hrefFor({ name: 'tasks' })} className="underline">Back to all tasks</a>
      </Alert>
    );
  }
  const verifyButton = (
    <Button size="sm" onClick={() => setVerifying(true)} disabled={verifying && !verdict} data-testid="verify-task">
      {verifying && !verdict ? 'Verifying…' : 'Verify'}
    </Button>
  );
  const verdictLine = verdict ? (
    <Alert tone={verdict.ok ? 'success' : 'error'} className="mb-3" data-testid="task-verdict" data-ok={String(verdict.ok)}>
      {verdict.ok ? verdict.text : (
        <>
          Not verified:
          <ul className="mt-1 list-disc pl-5">
            {verdict.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </>
      )}
    </Alert>
  ) : null;
  if (!read.ok) {
    return (
      <div data-testid="team-task-detail" data-owner={owner} data-task-id={id}>
        <PageHeader title={read.title}>{verifyButton}</PageHeader>
        {verdictLine}
        <Alert tone="error">This shared task cannot be shown: {read.reason}</Alert>
      </div>
    );
  }
  const { shared } = read;
  const { task, workflow, notes, events } = shared;
  const stepTitle = (stepId: string | undefined) => (stepId ? (workflow.steps.find((s) => s.id === stepId)?.title ?? stepId) : '');
  return (
    <div data-testid="team-task-detail" data-owner={owner} data-task-id={id}>
      <PageHeader title={task.title}>{verifyButton}</PageHeader>
      <p className="mb-3 text-sm">
        <a href={hrefFor({ name: 'tasks' })} className="underline">
          All tasks
        </a>
      </p>
      {verdictLine}
      <Card className="mb-4">
        <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium">Shared by</dt>
          <dd data-testid="team-task-owner">
            {shared.ownerName} <Badge tone="info">team</Badge> <span className="text-xs text-zinc-600 dark:text-zinc-400">read-only: only {shared.ownerName} records this task</span>
          </dd>
          <TaskFacts task={task} workflow={workflow} />
        </dl>
      </Card>
      <TeamTaskGate shared={shared} />
      <TaskRecordColumns events={events} notes={notes.filter((note) => !note.deleted)} steps={workflow.steps} stepTitle={stepTitle} />
    </div>
  );
}

/** The waiting gate: decided here by an approver who may (the engine's rule), else who it waits for. */
function TeamTaskGate({ shared }: { shared: SharedTask }) {
  const { task, workflow, notes, owner } = shared;
  const gates = useDecidableGates();
  const fingerprint = useOwnFingerprint();
  const connection = useLiveQuery(() => getTeamDb().connection.get('self'), []);
  const taken = useLiveQuery(() => pendingDecisionHere(getTeamDb(), owner, task.id), [owner, task.id, task.rev]);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const step = workflow.steps.find((s) => s.id === task.pendingGate?.stepId);
  if (status?.tone === 'success') {
    return (
      <Alert tone="success" className="mb-4" data-testid="team-decision-sent">
        {status.text}
      </Alert>
    );
  }
  if (task.status !== 'awaiting-approval' || !step?.gate) return null;
  const gate = gates?.find((g) => g.owner === owner && g.taskId === task.id);
  if (taken) {
    return (
      <p className="mb-4 text-sm" data-testid="team-decision-sent">
        You {taken === 'approve' ? 'approved' : 'rejected'} “{step.title}”; it is signed and sent. {shared.ownerName}'s browser checks it and records it.
      </p>
    );
  }
  if (!gate || !connection || !fingerprint) {
    return (
      <p className="mb-4 text-sm" data-testid="team-gate-waiting">
        “{step.title}” waits for a decision by an approver of the team{step.gate.decidedBy === 'approver-not-operator' ? ' other than the person who did the step' : ''}.
      </p>
    );
  }
  const rejectTo = workflow.steps.find((s) => s.id === (step.gate?.onReject ?? step.id))?.title ?? step.title;
  const decide = async ({ decision, comment }: GateDecision) => {
    setBusy(true);
    setStatus(null);
    try {
      await decideTeamGate(teamContextOf(connection), gate, decision, comment, fingerprint);
      setStatus({ tone: 'success', text: `${decision === 'approve' ? 'Approved' : 'Rejected'} “${step.title}” of "${task.title}"; signed and sent to ${shared.ownerName}. Their browser checks it and records it.` });
    } catch (caught) {
      setStatus({ tone: 'error', text: describeError(caught).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="mb-4 flex max-w-2xl flex-col gap-2" data-testid="team-gate">
      <GateResult step={step} notes={notes} missing="Check the record below before you decide." />
      <GateCard gate={step.gate} stepTitle={step.title} rejectTo={rejectTo} busy={busy} onDecide={decide} />
      {status ? (
        <Alert tone="error" className="mt-2" data-testid="gate-error">
          {status.text}
        </Alert>
      ) : null}
    </div>
  );
}

import { useState } from 'react';
import { runAction } from '@/lib/db/tasks-repo';
import { taskPerson } from '@/lib/workflow/actors';
import type { Note, Task } from '@/lib/workflow/records';
import { stepResultNote } from '@/lib/workflow/results';
import type { Step, Workflow } from '@/lib/workflow/schema';
import { GateCard, type GateDecision } from '@/components/gate-card';
import { describeError } from '@/components/errors';
import { Markdown } from '@/components/markdown';
import { Alert, Card } from '@/components/ui';
import { hrefFor } from './router';
import { useSettings } from './use-actor';

/**
 * A waiting gate decided from the task page: a manager need not open the conversation to approve. The
 * same card and rules as in the panel — a real click, a named person, the task's current rev — and,
 * as in the review window, the result being judged right above the decision.
 */
export function TaskGate({ task, workflow, notes }: { task: Task; workflow: Workflow; notes: readonly Note[] }) {
  const settings = useSettings();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const step = workflow.steps.find((s) => s.id === task.pendingGate?.stepId);
  if (task.status !== 'awaiting-approval' || !step?.gate) return null;

  const name = settings?.displayName.trim() ?? '';
  if (settings && !name) {
    return (
      <Alert tone="warning" className="mb-4" data-testid="gate-needs-name">
        “{step.title}” waits for a decision. Set your name in <a href={hrefFor({ name: 'settings' })} className="underline">Settings</a> first: the audit
        trail records who decided.
      </Alert>
    );
  }
  const rejectTo = workflow.steps.find((s) => s.id === (step.gate?.onReject ?? step.id))?.title ?? step.title;
  const decide = async ({ decision, comment }: GateDecision) => {
    setBusy(true);
    setError(null);
    try {
      await runAction(
        task.id,
        task.rev,
        decision === 'approve' ? { type: 'approve', stepId: step.id, ...(comment ? { comment } : {}) } : { type: 'reject', stepId: step.id, comment },
        taskPerson(name),
      );
    } catch (caught) {
      setError(describeError(caught).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="mb-4 flex max-w-2xl flex-col gap-2">
      <GateResult step={step} notes={notes} missing="Check the conversation before you decide." />
      <GateCard gate={step.gate} stepTitle={step.title} rejectTo={rejectTo} busy={busy || !settings} onDecide={decide} />
      {error ? (
        <Alert tone="error" className="mt-2" data-testid="gate-error">
          {error}
        </Alert>
      ) : null}
    </div>
  );
}

/** The result the gate asks about, beside the decision (or a sentence when none was recorded). */
export function GateResult({ step, notes, missing }: { step: Step; notes: readonly Note[]; missing: string }) {
  const result = stepResultNote(notes, step.id);
  return (
    <Card data-testid="gate-result" className="flex max-h-[45vh] flex-col gap-1 overflow-auto">
      <h3 className="text-xs font-semibold tracking-wide text-zinc-600 uppercase dark:text-zinc-400">Result of “{step.title}”</h3>
      {result ? (
        <>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            {result.source === 'captured' ? 'Reply of' : 'Note by'} {result.createdBy.name} · {new Date(result.createdAt).toLocaleString()}
          </p>
          <Markdown source={result.body} className="text-sm" />
        </>
      ) : (
        <p className="text-sm text-zinc-700 dark:text-zinc-300">No result was recorded for this step. {missing}</p>
      )}
    </Card>
  );
}

import { useState } from 'react';
import { runAction } from '@/lib/db/tasks-repo';
import { taskPerson } from '@/lib/workflow/actors';
import type { Task } from '@/lib/workflow/records';
import type { Workflow } from '@/lib/workflow/schema';
import { GateCard, type GateDecision } from '@/components/gate-card';
import { describeError } from '@/components/errors';
import { Alert } from '@/components/ui';
import { hrefFor } from './router';
import { useSettings } from './use-actor';

/**
 * A waiting gate decided from the task page: a manager need not open the conversation to approve. The
 * same card and rules as in the panel — a real click, a named person, the task's current rev.
 */
export function TaskGate({ task, workflow }: { task: Task; workflow: Workflow }) {
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
    <div className="mb-4 max-w-xl">
      <GateCard gate={step.gate} stepTitle={step.title} rejectTo={rejectTo} busy={busy || !settings} onDecide={decide} />
      {error ? (
        <Alert tone="error" className="mt-2" data-testid="gate-error">
          {error}
        </Alert>
      ) : null}
    </div>
  );
}

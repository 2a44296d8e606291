import { TaskInputs } from '@/components/inputs/task-inputs';
import type { AuditEvent, Task } from '@/lib/workflow/records';
import type { Workflow } from '@/lib/workflow/schema';
import { panelRepo } from './data';
import { describeError } from '@/components/errors';

/**
 * The panel's inputs of a task, with "Change" while it runs: the change goes over the port as the
 * person's `set-input` action, so it is recorded (`input.changed`, old → new) and the next briefing
 * uses it. Mounted by the task view under the step list.
 */
export function TaskInputsPanel({ task, workflow, events }: { task: Task; workflow: Workflow; events: readonly AuditEvent[] }) {
  if (!workflow.inputs?.length) return null;
  return (
    <details className="px-3" data-testid="panel-task-inputs">
      <summary className="cursor-pointer text-xs font-medium text-zinc-700 dark:text-zinc-300">Inputs ({workflow.inputs.length})</summary>
      <TaskInputs
        inputs={workflow.inputs}
        task={task}
        events={events}
        onSave={async (name, value) => {
          try {
            await panelRepo.act(task.id, task.rev, { type: 'set-input', name, value });
          } catch (caught) {
            throw new Error(describeError(caught).message);
          }
        }}
      />
    </details>
  );
}

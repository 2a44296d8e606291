import { runAction } from '@/lib/db/tasks-repo';
import { taskPerson } from '@/lib/workflow/actors';
import type { AuditEvent, Task } from '@/lib/workflow/records';
import type { Workflow } from '@/lib/workflow/schema';
import { TaskInputs } from '@/components/inputs/task-inputs';
import { describeError } from '@/components/errors';
import { Card } from '@/components/ui';
import { useSettings } from './use-actor';

/** The task page's inputs card: a named person may change a running task's value (recorded, with the old one). */
export function TaskPageInputs({ task, workflow, events }: { task: Task; workflow: Workflow; events: readonly AuditEvent[] }) {
  const settings = useSettings();
  if (!workflow.inputs?.length) return null;
  const name = settings?.displayName.trim() ?? '';
  const onSave = name
    ? async (input: string, value: string) => {
        try {
          await runAction(task.id, task.rev, { type: 'set-input', name: input, value }, taskPerson(name));
        } catch (caught) {
          throw new Error(describeError(caught).message);
        }
      }
    : undefined;
  return (
    <Card className="mb-4">
      <TaskInputs inputs={workflow.inputs} task={task} events={events} onSave={onSave} />
    </Card>
  );
}

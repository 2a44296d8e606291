import { addManualNote } from '@/lib/db/notes-repo';
import { getTask, runAction, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import { shareTask } from '@/lib/team/sharing';
import type { TeamDatabase } from '@/lib/team/team-db';
import type { Actor, Task } from '@/lib/workflow/records';

/**
 * Shared tasks made as a person makes them: through the repositories (real hash chains, the person's
 * events signed with the browser's key, note bodies hashed into their events), then marked to be
 * shared. For the team fault tests and the team bench. Uses the database set with `setDb`.
 */

export const MEMBER: Actor = { kind: 'human', name: 'Max Member' };

/** Draft → review (a four-eyes gate: an approver other than the operator decides) → publish. */
export const FOUR_EYES_WORKFLOW = {
  id: 'team-four-eyes',
  name: 'Team four eyes',
  steps: [
    { id: 'draft', title: 'Draft', instructions: 'Draft it.' },
    { id: 'review', title: 'Review', instructions: 'Present it.', gate: { type: 'approval' as const, ask: 'Right?', onReject: 'draft', decidedBy: 'approver-not-operator' as const } },
    { id: 'publish', title: 'Publish', instructions: 'Publish it.' },
  ],
};

export async function saveFourEyesWorkflow(): Promise<void> {
  await saveWorkflow(FOUR_EYES_WORKFLOW, MEMBER);
}

/**
 * `count` tasks, each started, its draft completed by the member with a note, and its review step
 * completed by the AI, so each waits at its four-eyes gate: four events (three signed by the member)
 * and one note a task, six documents once shared (the head, the events, the note).
 */
export async function seedSharedGateTasks(teamDb: TeamDatabase, count: number, title = 'Shared task'): Promise<Task[]> {
  const tasks: Task[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = await startTaskRecord({ workflowId: FOUR_EYES_WORKFLOW.id, title: `${title} ${i + 1}`, actor: MEMBER });
    await addManualNote({ taskId: started.id, stepId: 'draft', body: `Draft ${i + 1}: the facts, checked.`, actor: MEMBER });
    const noted = (await getTask(started.id))!;
    let task = await runAction(noted.id, noted.rev, { type: 'complete-step', stepId: 'draft' }, MEMBER);
    task = await runAction(task.id, task.rev, { type: 'complete-step', stepId: 'review' }, { kind: 'ai', name: 'ChatGPT' });
    if (!(await shareTask(teamDb, task.id))) throw new Error('no workspace connected');
    tasks.push(task);
  }
  return tasks;
}

import { getSettings, getTask, getWorkflow } from '@/lib/db';
import type { PanelFirstScreen } from '@/lib/messaging/panel-port';
import { boundTaskFits, isFinished } from '@/lib/workflow/engine';
import { readTab } from './tab-state';

/**
 * The current step of the task bound to a chat tab, for its panel's paint before React (DESIGN.md
 * budget: panel ready ≤ 150 ms after navigation), or null where the panel will not show that task's
 * view next: no task bound, no person named in the settings yet (the panel asks for a name first),
 * the task finished, or bound to another conversation than the page's (engine `boundTaskFits`).
 * Read from what the background holds (the tab's record in memory, the task and its pinned workflow),
 * so the panel paints on one answer instead of waiting for the task's whole detail.
 */
export async function firstScreenOf(tabId: number): Promise<PanelFirstScreen | null> {
  const [{ host, binding }, settings] = await Promise.all([readTab(tabId), getSettings()]);
  if (!binding || !settings.displayName) return null;
  const task = await getTask(binding.taskId);
  if (!task || isFinished(task)) return null;
  if (host && task.conversations.length > 0 && !boundTaskFits(task, host.site, host.conversationId)) return null;
  const workflow = await getWorkflow(task.workflowId, task.workflowVersion);
  const index = workflow ? workflow.steps.findIndex((s) => s.id === task.currentStepId) : -1;
  const step = workflow?.steps[index];
  if (!workflow || !step) return null;
  return {
    taskId: task.id,
    taskTitle: task.title,
    workflowName: workflow.name,
    workflowVersion: workflow.version,
    stepId: step.id,
    stepTitle: step.title,
    stepNumber: index + 1,
    stepCount: workflow.steps.length,
    theme: host?.theme ?? null,
  };
}

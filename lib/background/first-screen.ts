import { getSettings, getTask, getWorkflow } from '@/lib/db';
import type { PanelFirstScreen } from '@/lib/messaging/panel-port';
import type { MessageSent } from '@/lib/messaging/schemas';
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
export async function firstScreenOf(tabId: number, page?: Pick<MessageSent, 'site' | 'conversationId'>): Promise<PanelFirstScreen | null> {
  const [{ host, binding }, settings] = await Promise.all([readTab(tabId), getSettings()]);
  if (!binding || !settings.displayName) return null;
  const task = await getTask(binding.taskId);
  if (!task || isFinished(task)) return null;
  // The page the panel goes into, when it said so; else the page the tab last reported.
  const at = page ?? host;
  if (at && task.conversations.length > 0 && !boundTaskFits(task, at.site, at.conversationId)) return null;
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

/** How long a first screen read ahead for a panel frame is kept for it (the frame asks within a few hundred ms). */
const WARM_FOR_MS = 3000;

const warmed = new Map<number, { at: number; screen: Promise<PanelFirstScreen | null> }>();

/**
 * The content script says a panel frame is going into its page: its first screen is read now, while
 * the frame loads (some 100 ms here), so that the frame's `first-screen` question finds the answer
 * waiting rather than starting three reads. Read for that very page (its conversation, not the one
 * the tab reported last), and kept for one question only: React's render, moments later, reads afresh.
 */
export function warmFirstScreen(tabId: number, page: Pick<MessageSent, 'site' | 'conversationId'>): void {
  const now = Date.now();
  // A frame that never asked (its tab closed, say) leaves nothing behind for long.
  for (const [tab, ahead] of warmed) if (now - ahead.at >= WARM_FOR_MS) warmed.delete(tab);
  warmed.set(tabId, { at: now, screen: firstScreenOf(tabId, page).catch(() => null) });
}

/** The panel's `first-screen` question: the answer read ahead for its frame, when there is a fresh one, else read now. */
export function firstScreenFor(tabId: number): Promise<PanelFirstScreen | null> {
  const ahead = warmed.get(tabId);
  warmed.delete(tabId);
  return ahead && Date.now() - ahead.at < WARM_FOR_MS ? ahead.screen : firstScreenOf(tabId);
}

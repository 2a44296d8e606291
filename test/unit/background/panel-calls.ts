import { runPanelCall, runPanelQuery } from '@/lib/background/panel-bridge';
import { installBuiltinWorkflows } from '@/lib/background/builtins';
import type { PanelCallName, PanelQueryName } from '@/lib/messaging/schemas';

/** The tab the tests' panel is framed in. */
export const PANEL_TAB = 7;

/** A panel call or query as the port runs it for the panel of `PANEL_TAB`. */
export const panelCall = <K extends PanelCallName>(name: K, raw: unknown) => runPanelCall(name, raw, { tabId: PANEL_TAB });
export const panelQuery = <K extends PanelQueryName>(name: K, raw: unknown) => runPanelQuery(name, raw, { tabId: PANEL_TAB });

/** A task Pat started from the panel in a ChatGPT chat (`c-1`), after naming themselves there. */
export async function startedFromPanel(title: string) {
  await installBuiltinWorkflows();
  await panelCall('save-display-name', { name: 'Pat' });
  return panelCall('start-task', { workflowId: 'sop-documentation', title, conversation: PANEL_CHAT });
}

export const PANEL_CHAT = { site: 'chatgpt' as const, conversationId: 'c-1', url: 'https://chatgpt.com/c/c-1', boundAt: '2026-11-21T10:00:00.000Z' };

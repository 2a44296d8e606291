import { runPanelCall, runPanelQuery } from '@/lib/background/panel-bridge';
import type { PanelCallName, PanelQueryName } from '@/lib/messaging/schemas';

/** The tab the tests' panel is framed in. */
export const PANEL_TAB = 7;

/** A panel call or query as the port runs it for the panel of `PANEL_TAB`. */
export const panelCall = <K extends PanelCallName>(name: K, raw: unknown) => runPanelCall(name, raw, { tabId: PANEL_TAB });
export const panelQuery = <K extends PanelQueryName>(name: K, raw: unknown) => runPanelQuery(name, raw, { tabId: PANEL_TAB });

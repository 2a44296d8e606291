import { PANEL_WIDTH } from '@/lib/workflow/panel-width';
import type { Site } from '@/lib/workflow/records';

/**
 * What the content script needs from the settings, a stored item's contract: the background mirrors
 * it into storage.local (lib/settings/ui-mirror.ts), the content script reads it with
 * `parseUiSettings` (it cannot open the database). Light on purpose: the content script bundles it.
 */
export interface UiSettings {
  panelSide: 'left' | 'right';
  panelWidth: number;
  sites: Record<Site, boolean>;
}

export const UI_SETTINGS_KEY = 'convops.ui';
export const DEFAULT_UI_SETTINGS: UiSettings = { panelSide: 'right', panelWidth: PANEL_WIDTH.default, sites: { chatgpt: true, claude: true } };

/** One field of a value that may not be an object at all. */
const field = (value: unknown, key: string): unknown => (value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? Reflect.get(value, key) : undefined);

/** Reads the mirror defensively: it lives in storage a page cannot write, but may be old or partial. */
export function parseUiSettings(value: unknown): UiSettings {
  const sites = field(value, 'sites');
  const panelWidth = field(value, 'panelWidth');
  const width = typeof panelWidth === 'number' && Number.isFinite(panelWidth) ? Math.round(panelWidth) : DEFAULT_UI_SETTINGS.panelWidth;
  return {
    panelSide: field(value, 'panelSide') === 'left' ? 'left' : 'right',
    panelWidth: Math.min(PANEL_WIDTH.max, Math.max(PANEL_WIDTH.min, width)),
    sites: { chatgpt: field(sites, 'chatgpt') !== false, claude: field(sites, 'claude') !== false },
  };
}

import type { HostSite } from '@/lib/hosts/types';
import { PANEL_WIDTH } from '@/lib/settings/panel-width';

/** What the content script needs from the settings, mirrored by the options page into storage.local. */
export interface UiSettings {
  panelSide: 'left' | 'right';
  panelWidth: number;
  sites: Record<HostSite, boolean>;
}

export const UI_SETTINGS_KEY = 'convops.ui';
export const DEFAULT_UI_SETTINGS: UiSettings = { panelSide: 'right', panelWidth: PANEL_WIDTH.default, sites: { chatgpt: true, claude: true } };

/** Reads the mirror defensively: it lives in storage a page cannot write, but may be old or partial. */
export function parseUiSettings(value: unknown): UiSettings {
  const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const sites = (v.sites && typeof v.sites === 'object' ? v.sites : {}) as Record<string, unknown>;
  const width = typeof v.panelWidth === 'number' && Number.isFinite(v.panelWidth) ? Math.round(v.panelWidth) : DEFAULT_UI_SETTINGS.panelWidth;
  return {
    panelSide: v.panelSide === 'left' ? 'left' : 'right',
    panelWidth: Math.min(PANEL_WIDTH.max, Math.max(PANEL_WIDTH.min, width)),
    sites: { chatgpt: sites.chatgpt !== false, claude: sites.claude !== false },
  };
}

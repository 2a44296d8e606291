import { storage } from 'wxt/utils/storage';
import { UI_SETTINGS_KEY, type UiSettings } from '@/lib/messaging/ui-settings';
import type { Settings } from '@/lib/workflow/records';

/** The `browser.storage.local` key the content script reads: it cannot open the database. */
export const UI_MIRROR_KEY = UI_SETTINGS_KEY;

export type UiMirror = UiSettings;

/**
 * The mirror as a stored item. The content script reads the same key without WXT's storage module
 * (its bundle budget), through its defensive parser (`parseUiSettings`).
 */
const uiMirrorItem = storage.defineItem<UiMirror>(`local:${UI_MIRROR_KEY}`);

export function uiMirrorOf(settings: Settings): UiMirror {
  return { panelSide: settings.panelSide, panelWidth: settings.panelWidth, sites: { ...settings.sites } };
}

/**
 * Copies the settings the content script needs (panel side and width, which sites are on) into
 * `browser.storage.local`. The background calls it at start-up and after every settings change
 * (panel, options page, a restore), so the mirror never drifts from the database.
 */
export async function mirrorUiSettings(settings: Settings): Promise<UiMirror> {
  const mirror = uiMirrorOf(settings);
  await uiMirrorItem.setValue(mirror);
  return mirror;
}

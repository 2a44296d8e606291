import { browser } from 'wxt/browser';
import { UI_SETTINGS_KEY, type UiSettings } from '@/lib/content/settings';
import type { Settings } from '@/lib/workflow/records';

/** The `browser.storage.local` key the content script reads: it cannot open the database. */
export const UI_MIRROR_KEY = UI_SETTINGS_KEY;

export type UiMirror = UiSettings;

export function uiMirrorOf(settings: Settings): UiMirror {
  return { panelSide: settings.panelSide, panelWidth: settings.panelWidth, sites: { ...settings.sites } };
}

/**
 * Copies the settings the content script needs (panel side and width, which sites are on) into
 * `browser.storage.local`. Call it after every settings change; the background calls it too, at
 * start-up and after a restore, so the mirror never drifts from the database.
 */
export async function mirrorUiSettings(settings: Settings): Promise<UiMirror> {
  const mirror = uiMirrorOf(settings);
  await browser.storage.local.set({ [UI_MIRROR_KEY]: mirror });
  return mirror;
}

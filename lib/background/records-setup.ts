import { liveQuery } from 'dexie';
import { getDb, getSettings } from '@/lib/db';
import { ownSigningKey } from '@/lib/db/signing';
import { mirrorUiSettings } from '@/lib/settings/ui-mirror';

const logged = (error: unknown) => console.error('ConvOps background:', error);

/**
 * The signing key is made now, in its own transaction, rather than on the first signed event, where
 * it would be made while that event's transaction waits (Firefox's IndexedDB stalls on that).
 */
export function setupSigningKey(): void {
  void ownSigningKey(getDb()).catch(logged);
}

/**
 * The content script cannot open the database: whoever changes the settings (panel, options page,
 * a restore), the background copies what the page side needs into storage.local.
 */
export function setupSettingsMirror(): () => void {
  const subscription = liveQuery(() => getSettings()).subscribe({
    next: (settings) => void mirrorUiSettings(settings).catch(logged),
    error: logged,
  });
  return () => subscription.unsubscribe();
}

import { liveQuery } from 'dexie';
import { getDb, getSettings } from '@/lib/db';
import { buildNoteBlocks, onNoteBlocksStale } from '@/lib/db/note-blocks';
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

/** After the last change to a task's notes, how long the background waits before making its block again (a capture is not made to wait for it). */
const NOTE_BLOCKS_AFTER_MS = 10_000;
/** After the worker starts, when it makes the blocks missing (from changes made elsewhere, or before it last stopped). */
const NOTE_BLOCKS_AT_START_MS = 5_000;

/**
 * Note blocks (lib/db/note-blocks.ts): every change to a task's notes deletes its block; the
 * background makes it again once the task's notes have been still for `NOTE_BLOCKS_AFTER_MS`, and
 * makes every missing one shortly after it starts. A backup meanwhile reads that task's rows instead.
 */
export function setupNoteBlocks(delays = { afterMs: NOTE_BLOCKS_AFTER_MS, atStartMs: NOTE_BLOCKS_AT_START_MS }): () => void {
  let waiting: Set<string> | 'all' = new Set();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const build = () => {
    timer = undefined;
    const taskIds = waiting === 'all' ? undefined : [...waiting];
    waiting = new Set();
    void buildNoteBlocks(getDb(), taskIds ? { taskIds } : {}).catch(logged);
  };
  const stop = onNoteBlocksStale((taskIds) => {
    if (taskIds === 'all') waiting = 'all';
    else if (waiting !== 'all') for (const taskId of taskIds) waiting.add(taskId);
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(build, delays.afterMs);
  });
  const atStart = setTimeout(() => void buildNoteBlocks(getDb()).catch(logged), delays.atStartMs);
  return () => {
    stop();
    clearTimeout(atStart);
    if (timer !== undefined) clearTimeout(timer);
  };
}

import { browser } from 'wxt/browser';
import { installBuiltins } from '@/lib/db';
import { SYSTEM_ACTOR } from '@/lib/workflow/actors';
import { builtinWorkflows } from '@/workflows';

/** The built-in workflows (workflows/*.convops.json), installed by ConvOps itself. */
export async function installBuiltinWorkflows(): Promise<void> {
  await installBuiltins(builtinWorkflows(), SYSTEM_ACTOR);
}

let installing: Promise<void> | null = null;
/** Once per service-worker life; installing is idempotent (identical versions are skipped). */
function ensureBuiltins(): Promise<void> {
  installing ??= installBuiltinWorkflows().catch((error: unknown) => {
    installing = null;
    console.error('ConvOps: installing the built-in workflows failed', error);
  });
  return installing;
}

/**
 * How long after a worker start the built-ins are checked again. A worker mostly starts because a
 * panel asked something: its first answers (tab, task, settings) go first, instead of waiting behind
 * six workflows validated and compared in the database (the bench's worker-start figure).
 */
export const BUILTINS_RECHECK_DELAY_MS = 1_000;

/** Installs the built-ins on install/update and at browser start-up at once, and shortly after any other worker start. */
export function setupBuiltins(): () => void {
  const onInstalled = () => void ensureBuiltins();
  browser.runtime.onInstalled.addListener(onInstalled);
  browser.runtime.onStartup.addListener(onInstalled);
  const recheck = setTimeout(onInstalled, BUILTINS_RECHECK_DELAY_MS);
  return () => {
    clearTimeout(recheck);
    browser.runtime.onInstalled.removeListener(onInstalled);
    browser.runtime.onStartup.removeListener(onInstalled);
  };
}

import { browser } from 'wxt/browser';
import { installBuiltins } from '@/lib/db';
import { SYSTEM_ACTOR } from '@/lib/workflow/actors';
import { builtinWorkflows } from '@/workflows';

/** The built-in workflows (workflows/*.convops.json), installed by ConvOps itself. */
export async function installBuiltinWorkflows(): Promise<void> {
  await installBuiltins(builtinWorkflows, SYSTEM_ACTOR);
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

/** Installs the built-ins at start, on install/update and at browser start-up. */
export function setupBuiltins(): () => void {
  const onInstalled = () => void ensureBuiltins();
  browser.runtime.onInstalled.addListener(onInstalled);
  browser.runtime.onStartup.addListener(onInstalled);
  void ensureBuiltins();
  return () => {
    browser.runtime.onInstalled.removeListener(onInstalled);
    browser.runtime.onStartup.removeListener(onInstalled);
  };
}

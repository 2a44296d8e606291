import type { Plugin } from 'vite';
import { patchDependency } from './patch-dependency';

/**
 * WXT's content-script entry wrapper brings its own logger for one call, the crash at start-up. In a
 * production build that logger prints nothing, yet its four methods stay in the bundle (each spreads
 * its arguments, which the minifier keeps): ~40 bytes gzipped of the content script's 11 KB budget
 * (DESIGN.md). This build step sends that one call to `console.error`: the logger is then unused and
 * dropped, and a crash at start-up is printed where WXT's production logger swallowed it. The build
 * fails if the call is not found, so a WXT update that changes the wrapper is noticed.
 */
export const WXT_STARTUP_CRASH_CALL = /logger\.error\((`The content script "\$\{import\.meta\.env\.ENTRYPOINT\}" crashed on startup!`), err\);/;

/** WXT's virtual module for a content script's entry (`\0virtual:wxt-content-script-…-world-entrypoint?<entry file>`). */
const WRAPPER = /^\0virtual:wxt-content-script-(isolated|main)-world-entrypoint$/;

export function wxtStartupCrashLog(): Plugin {
  return patchDependency({
    name: 'convops:wxt-startup-crash-log',
    file: WRAPPER,
    bundled: WRAPPER,
    find: WXT_STARTUP_CRASH_CALL,
    replacement: 'console.error($1, err);',
    notFound: "WXT's content-script wrapper: the start-up crash log was not found; update scripts/wxt-startup-crash-log.ts for this WXT version",
    notReplaced: "WXT's content-script wrapper was bundled without its start-up crash log being replaced",
  });
}

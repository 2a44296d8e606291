import type { Plugin } from 'vite';
import { patchDependency } from './patch-dependency';

/**
 * Zod 4 compiles object parsers with `new Function` when it can, and finds out whether it can by
 * calling `Function("")` once at load (`allowsEval` in `zod/v4/core/util.js`). In an extension that
 * probe can only fail (the MV3 content security policy forbids eval in every extension page and the
 * service worker), yet Firefox's `web-ext lint` reports it as DANGEROUS_EVAL and AMO's reviewers see
 * the warning. `z.config({ jitless: true })` skips the call at run time but leaves it in the bundle.
 *
 * This build step answers the probe with `false` in the bundled copy of Zod, which is what it
 * returns in the extension anyway: Zod then never builds its compiled parser (the `new Function` in
 * `compile.js` stays in the bundle unreachable, and the linter does not flag it). The build fails
 * if the probe is not found, so a Zod update that moves it is noticed rather than shipped silently.
 */
export const ZOD_EVAL_PROBE = /export const allowsEval = \/\* @__PURE__\*\/ cached\(\(\) => \{[\s\S]*?new F\(""\);[\s\S]*?\n\}\);/;

export function zodWithoutEvalProbe(): Plugin {
  return patchDependency({
    name: 'convops:zod-without-eval-probe',
    file: /[\\/]zod[\\/]v4[\\/]core[\\/]util\.js$/,
    // The content script has no Zod; every other build that bundles Zod goes through util.js.
    bundled: /[\\/]zod[\\/]v4[\\/]core[\\/]/,
    find: ZOD_EVAL_PROBE,
    replacement: '// The extension CSP forbids eval: no probe (scripts/zod-without-eval-probe.ts).\nexport const allowsEval = { value: false };',
    notFound: 'zod/v4/core/util.js: the allowsEval probe was not found; update scripts/zod-without-eval-probe.ts for this Zod version',
    notReplaced: 'Zod was bundled without its allowsEval probe being replaced',
  });
}

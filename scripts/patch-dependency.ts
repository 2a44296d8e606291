import type { Plugin } from 'vite';

/** One piece of one bundled dependency's file, rewritten at build time (see its callers for why). */
export interface DependencyPatch {
  name: string;
  /** The dependency's file that holds the piece. */
  file: RegExp;
  /** Any module that shows the dependency is bundled: the build then must have rewritten `file`. */
  bundled: RegExp;
  find: RegExp;
  replacement: string;
  /** Why the build stops when `find` is not in `file` (a version of the dependency that moved it). */
  notFound: string;
  /** Why the build stops when the dependency was bundled without `file` going through the rewrite. */
  notReplaced: string;
}

/**
 * A Vite plugin that rewrites `patch.find` in the bundled copy of a dependency, and fails the build
 * rather than ship the dependency unchanged: when the piece is not found (an update moved it), or when
 * the dependency was bundled and its file never came through.
 */
/** A module id without its query (WXT's wrapper ids carry the entry after `?`): what `file` and `bundled` are matched on. */
const withoutQuery = (id: string) => id.split('?')[0] ?? '';

export function patchDependency(patch: DependencyPatch): Plugin {
  let replaced = false;
  return {
    name: patch.name,
    enforce: 'pre',
    buildStart() {
      replaced = false;
    },
    transform(code, id) {
      if (!patch.file.test(withoutQuery(id))) return null;
      if (!patch.find.test(code)) this.error(patch.notFound);
      replaced = true;
      return { code: code.replace(patch.find, patch.replacement), map: null };
    },
    buildEnd() {
      if (!replaced && this.getModuleIds && [...this.getModuleIds()].some((id) => patch.bundled.test(withoutQuery(id)))) this.error(patch.notReplaced);
    },
  };
}

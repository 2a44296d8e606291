import { describe, expect, it } from 'vitest';
import type { Plugin } from 'vite';
import { patchDependency } from '@/scripts/patch-dependency';

type Hook = (this: { error: (message: string) => never; getModuleIds?: () => IterableIterator<string> }, ...args: string[]) => { code: string } | null | void;

/** A plugin hook called as Vite calls it, with the few context methods the step uses. */
const hook = (plugin: Plugin, name: 'transform' | 'buildStart' | 'buildEnd') => plugin[name] as unknown as Hook;

const patch = () =>
  patchDependency({
    name: 'test',
    file: /[\\/]dep[\\/]lib\.js$/,
    bundled: /[\\/]dep[\\/]/,
    find: /riskyCall\(\)/,
    replacement: 'safeCall()',
    notFound: 'riskyCall was not found',
    notReplaced: 'dep was bundled without the rewrite',
  });
const error = (message: string): never => {
  throw new Error(message);
};
const context = (ids: string[]) => ({ error, getModuleIds: () => ids[Symbol.iterator]() as IterableIterator<string> });

describe('patchDependency, a build step that rewrites a bundled dependency', () => {
  it('rewrites the piece in the dependency’s file and nowhere else', () => {
    const plugin = patch();
    expect(hook(plugin, 'transform').call(context([]), 'a(); riskyCall();', '/n/dep/lib.js')).toEqual({ code: 'a(); safeCall();', map: null });
    expect(hook(plugin, 'transform').call(context([]), 'riskyCall();', '/n/other/lib.js')).toBeNull();
  });

  it('stops the build when the piece is not in the file (a version that moved it)', () => {
    expect(() => hook(patch(), 'transform').call(context([]), 'renamedCall();', '/n/dep/lib.js')).toThrow('riskyCall was not found');
  });

  it('stops the build when the dependency was bundled but its file never came through the rewrite', () => {
    const plugin = patch();
    hook(plugin, 'buildStart').call(context([]));
    expect(() => hook(plugin, 'buildEnd').call(context(['/n/dep/other.js']))).toThrow('dep was bundled without the rewrite');
    // Rewritten, or not bundled at all: the build goes on.
    hook(plugin, 'transform').call(context([]), 'riskyCall();', '/n/dep/lib.js');
    expect(() => hook(plugin, 'buildEnd').call(context(['/n/dep/lib.js']))).not.toThrow();
    const unused = patch();
    hook(unused, 'buildStart').call(context([]));
    expect(() => hook(unused, 'buildEnd').call(context(['/n/app.js']))).not.toThrow();
  });
});

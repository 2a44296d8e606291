import { describe, expect, it } from 'vitest';
import { patchDependency } from '@/scripts/patch-dependency';
import { callHook, hookContext as context } from '../support/vite-plugin-hooks';

const patchOptions = {
  name: 'test',
  file: /[\\/]dep[\\/]lib\.js$/,
  bundled: /[\\/]dep[\\/]/,
  find: /riskyCall\(\)/,
  replacement: 'safeCall()',
  notFound: 'riskyCall was not found',
  notReplaced: 'dep was bundled without the rewrite',
};
const patch = () => patchDependency(patchOptions);

describe('patchDependency, a build step that rewrites a bundled dependency', () => {
  it('rewrites the piece in the dependency’s file and nowhere else', () => {
    const plugin = patch();
    expect(callHook(plugin, 'transform', context([]), 'a(); riskyCall();', '/n/dep/lib.js')).toEqual({ code: 'a(); safeCall();', map: null });
    expect(callHook(plugin, 'transform', context([]), 'riskyCall();', '/n/other/lib.js')).toBeNull();
  });

  it('stops the build when the piece is not in the file (a version that moved it)', () => {
    expect(() => callHook(patch(), 'transform', context([]), 'renamedCall();', '/n/dep/lib.js')).toThrow('riskyCall was not found');
  });

  it('stops the build when the dependency was bundled but its file never came through the rewrite', () => {
    const plugin = patch();
    callHook(plugin, 'buildStart', context([]));
    expect(() => callHook(plugin, 'buildEnd', context(['/n/dep/other.js']))).toThrow('dep was bundled without the rewrite');
    // Rewritten, or not bundled at all: the build goes on.
    callHook(plugin, 'transform', context([]), 'riskyCall();', '/n/dep/lib.js');
    expect(() => callHook(plugin, 'buildEnd', context(['/n/dep/lib.js']))).not.toThrow();
    const unused = patch();
    callHook(unused, 'buildStart', context([]));
    expect(() => callHook(unused, 'buildEnd', context(['/n/app.js']))).not.toThrow();
  });

  it('matches a module id without its query, in the rewrite and in the check at the end alike (WXT’s wrapper ids carry one)', () => {
    // Told apart by the file alone, as WXT's wrapper is (`bundled` anchored at its end).
    const plugin = patchDependency({ ...patchOptions, bundled: patchOptions.file });
    callHook(plugin, 'buildStart', context([]));
    expect(() => callHook(plugin, 'buildEnd', context(['/n/dep/lib.js?entry=/repo/a.ts']))).toThrow('dep was bundled without the rewrite');
    expect(callHook(plugin, 'transform', context([]), 'riskyCall();', '/n/dep/lib.js?entry=/repo/a.ts')).toEqual({ code: 'safeCall();', map: null });
  });
});

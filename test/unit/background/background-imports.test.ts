import type { Metafile } from 'esbuild';
import { bundleGraph, matching, staticClosure } from '../support/bundle-graph';

/**
 * The service worker's script is one file, compiled at every start (Chrome refuses `import()` of another
 * file there): what the panel's first question does not need stays out of it, or out of the modules a
 * start evaluates (the bench's worker-start figure; README, "Performance").
 */
describe('the background bundle', () => {
  let meta: Metafile;
  beforeAll(async () => {
    meta = await bundleGraph('entrypoints/background.ts');
  }, 30_000);

  it('carries no YAML parser: the built-ins are JSON, checked by the format module that has no parser', () => {
    const all = Object.keys(meta.inputs);
    expect(matching(all, /lib\/workflow\/file-format\.ts$/).length).toBe(1);
    expect(matching(all, /node_modules\/yaml\//)).toEqual([]);
    expect(matching(all, /lib\/workflow\/file\.ts$/)).toEqual([]);
  });

  it('evaluates the HTML-to-Markdown converter at the first reply, not at every start', () => {
    const all = Object.keys(meta.inputs);
    // Still in the script (a reply needs it)...
    expect(matching(all, /node_modules\/(@mixmark-io\/domino|turndown)\//).length).toBeGreaterThan(0);
    // ...but reached only through import(), so the bundler defers its evaluation.
    expect(matching(staticClosure(meta, 'entrypoints/background.ts'), /node_modules\/(@mixmark-io\/domino|turndown)\/|lib\/capture\/html-to-markdown\.ts$/)).toEqual([]);
  });
});

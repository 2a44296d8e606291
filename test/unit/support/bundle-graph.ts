import { build, type Metafile } from 'esbuild';
import path from 'node:path';

/**
 * What an entry pulls in, followed through every module (a lint rule sees only direct imports; a value
 * imported from a module that imports Dexie drags Dexie in all the same). esbuild resolves the graph
 * the way the real bundler does; nothing is written.
 */
export const repositoryRoot = path.resolve(import.meta.dirname, '../../..');

export async function bundleGraph(entry: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [path.join(repositoryRoot, entry)],
    absWorkingDir: repositoryRoot,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    loader: { '.css': 'empty' },
    logLevel: 'silent',
    // Vite's `?raw` and `?inline` imports (the built-in workflow files as text, the panel's early-paint
    // rules) are data, not modules of the graph.
    plugins: [{ name: 'raw-text', setup: (b) => void b.onResolve({ filter: /\?(raw|inline)$/ }, (args) => ({ path: args.path, external: true })) }],
  });
  return result.metafile;
}

/** Modules reached from `from` (the entry, or a module it imports) by static imports only. */
export function staticClosure(meta: Metafile, from: string): Set<string> {
  const entry = Object.keys(meta.inputs).find((p) => p.endsWith(from))!;
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const p = queue.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    for (const i of meta.inputs[p]?.imports ?? []) if (i.kind !== 'dynamic-import' && !i.external) queue.push(i.path);
  }
  return seen;
}

export const matching = (paths: Iterable<string>, pattern: RegExp): string[] => [...paths].filter((p) => pattern.test(p));

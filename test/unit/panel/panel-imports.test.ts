import { build, type Metafile } from 'esbuild';
import path from 'node:path';

/**
 * What the panel's entry pulls in, followed through every module (the lint rule sees only direct
 * imports; a value imported from a module that imports Dexie drags Dexie in all the same). esbuild
 * resolves the graph the way the real bundler does; nothing is written.
 */
const root = path.resolve(import.meta.dirname, '../../..');

async function panelGraph(): Promise<Metafile> {
  const result = await build({
    entryPoints: [path.join(root, 'entrypoints/panel/main.tsx')],
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    loader: { '.css': 'empty' },
    logLevel: 'silent',
  });
  return result.metafile;
}

/** Modules reached from `from` (the entry, or the chunk it imports) by static imports only. */
function staticClosure(meta: Metafile, from = 'entrypoints/panel/main.tsx'): Set<string> {
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

const matching = (paths: Iterable<string>, pattern: RegExp) => [...paths].filter((p) => pattern.test(p));

describe('the panel bundle', () => {
  let meta: Metafile;
  beforeAll(async () => {
    meta = await panelGraph();
  }, 30_000);

  it('reaches neither Dexie nor the database modules, even through another module', () => {
    const all = Object.keys(meta.inputs);
    expect(all.some((p) => p.includes('components/panel/'))).toBe(true);
    expect(matching(all, /node_modules\/dexie/)).toEqual([]);
    expect(matching(all, /(^|\/)lib\/db\//)).toEqual([]);
  });

  it('carries no full Zod (the background validates every panel message)', () => {
    expect(matching(Object.keys(meta.inputs), /node_modules\/zod\/(v4\/classic|v3)\//)).toEqual([]);
  });

  it('the entry asks for the first screen before React is loaded: it carries the port client, not React', () => {
    const entry = staticClosure(meta);
    expect(matching(entry, /components\/panel\/bridge-client\.ts$/).length).toBe(1);
    expect(matching(entry, /node_modules\/(react|react-dom)\//)).toEqual([]);
    expect(matching(staticClosure(meta, 'entrypoints/panel/mount.tsx'), /components\/panel\/panel-app\.tsx$/).length).toBe(1);
  });

  it('loads the Markdown renderer only when a note is shown, not with the panel', () => {
    const all = Object.keys(meta.inputs);
    const eager = staticClosure(meta, 'entrypoints/panel/mount.tsx');
    // It is still part of the panel (a note needs it)...
    expect(matching(all, /node_modules\/react-markdown\//).length).toBeGreaterThan(0);
    // ...but not on the path that runs before the first paint.
    expect(matching(eager, /node_modules\/(react-markdown|remark-gfm|micromark|mdast-util-|unified)/)).toEqual([]);
  });
});

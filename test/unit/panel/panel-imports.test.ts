import { build, type Metafile } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

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

/**
 * The whole import graph as the compiler reads it (`@/` resolved through the repository's own
 * tsconfig.json, type imports included), over lib/, components/ and entrypoints/. The contexts are
 * docs/architecture.md's "Five contexts"; the shared layers below them are listed lowest first, and a
 * layer imports only from the ones below it.
 */
const contexts: Record<string, string[]> = {
  'content script': ['entrypoints/chatgpt.content/', 'entrypoints/claude.content/', 'lib/content/'],
  background: ['entrypoints/background.ts', 'lib/background/'],
  panel: ['entrypoints/panel/', 'components/panel/'],
  'review window': ['entrypoints/review/', 'components/review/'],
  'options page and popup': ['entrypoints/options/', 'entrypoints/popup/', 'components/options/'],
};
const sharedLayers: string[][] = [
  ['lib/workflow/'],
  ['lib/messaging/'],
  ['lib/hosts/', 'lib/db/', 'lib/settings/'],
  ['lib/capture/', 'lib/team/', 'components/'],
];
/** The database is the background's and the first-party pages'; the framed panel, the review window and the content script reach it through the background. */
const databaseUsers = new Set(['background', 'options page and popup']);

interface Arrow {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

/** The repository's own tsconfig.json (JSON with comments), as written. */
function ownTsconfig(): { compilerOptions: { paths?: Record<string, string[]> } } {
  const { config, error } = ts.parseConfigFileTextToJson('tsconfig.json', readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return config;
}

/** The compiler options of the repository's own tsconfig.json, without what it extends (generated by `wxt prepare`). */
function ownCompilerOptions(): ts.CompilerOptions {
  const { options } = ts.convertCompilerOptionsFromJson(ownTsconfig().compilerOptions, root);
  return { ...options, moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.Preserve, allowImportingTsExtensions: true };
}

/** Every import, export-from, dynamic import() and import('…') type of each file, resolved to a repository path. */
function importGraph(): { files: string[]; arrows: Arrow[]; unresolved: string[] } {
  const options = ownCompilerOptions();
  const files = ['lib', 'components', 'entrypoints'].flatMap(sourceFiles);
  const arrows: Arrow[] = [];
  const unresolved: string[] = [];
  for (const from of files) {
    const source = ts.createSourceFile(from, readFileSync(path.join(root, from), 'utf8'), ts.ScriptTarget.Latest, true);
    const add = (specifier: string, typeOnly: boolean) => {
      if (!/^(\.|@\/)/.test(specifier) || specifier.endsWith('.css')) return;
      const resolved = ts.resolveModuleName(specifier, path.join(root, from), options, ts.sys).resolvedModule;
      if (!resolved) return void unresolved.push(`${from}: ${specifier}`);
      const to = path.relative(root, resolved.resolvedFileName).split(path.sep).join('/');
      if (/^(lib|components|entrypoints)\//.test(to)) arrows.push({ from, to, typeOnly });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const clause = node.importClause;
        const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : null;
        const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
        add(node.moduleSpecifier.text, typeOnly);
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        add(node.moduleSpecifier.text, node.isTypeOnly);
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
        add(node.argument.literal.text, true);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
        add(node.arguments[0].text, false);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { files, arrows, unresolved };
}

/** Where a file sits: its context, or its shared layer (a rank: higher layers build on lower ones). */
function placeOf(file: string): { context: string | null; rank: number; area: string } {
  for (const [context, prefixes] of Object.entries(contexts)) {
    const prefix = prefixes.find((p) => file.startsWith(p));
    if (prefix) return { context, rank: sharedLayers.length, area: context };
  }
  const rank = sharedLayers.findIndex((layer) => layer.some((p) => file.startsWith(p)));
  if (rank < 0) throw new Error(`${file} is in no context and no shared layer: add it to the lists above (and to docs/architecture.md)`);
  return { context: null, rank, area: sharedLayers[rank]!.find((p) => file.startsWith(p))! };
}

/** Circles, as the files of each strongly connected component (Tarjan), and files that import themselves. */
function circles(files: string[], arrows: Arrow[]): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const a of arrows) next.get(a.from)?.push(a.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next.get(v)!.includes(v)) found.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) connect(f);
  return found;
}

/** What is wrong with one arrow, in words, or null. */
function wrongArrow({ from, to, typeOnly }: Arrow): string | null {
  const a = placeOf(from);
  const b = placeOf(to);
  const arrow = `${from} -> ${to}${typeOnly ? ' (type)' : ''}`;
  if (from.startsWith('lib/') && !to.startsWith('lib/')) return `lib/ imports up into a context: ${arrow}`;
  if (a.context && b.context) {
    // A type crosses erased (a port's result types are inferred from the handler that answers them); code does not.
    if (a.context !== b.context && !typeOnly) return `the ${a.context} imports the ${b.context}'s code: ${arrow}`;
    return null;
  }
  if (to.startsWith('lib/db/') && a.context && !databaseUsers.has(a.context) && !typeOnly) return `the ${a.context} imports the database: ${arrow}`;
  if (a.area !== b.area && b.rank >= a.rank) return `${a.area} imports ${b.context ? `the ${b.context}'s code` : `a layer at or above its own (${b.area})`}: ${arrow}`;
  return null;
}

describe('the import graph (lib/, components/, entrypoints/, @/ resolved)', () => {
  let graph: ReturnType<typeof importGraph>;
  beforeAll(() => {
    graph = importGraph();
  });

  it('resolves @/ from the repository\'s own tsconfig.json, so editors and tools see the imports before `wxt prepare`', () => {
    expect(ownTsconfig().compilerOptions.paths?.['@/*']).toEqual(['./*']);
    expect(graph.unresolved).toEqual([]);
    // It is the graph of the code: the panel's entry and its bridge are in it.
    expect(graph.arrows).toContainEqual({ from: 'entrypoints/panel/main.tsx', to: 'components/panel/boot.ts', typeOnly: false });
  });

  it('has no circle', () => {
    expect(circles(graph.files, graph.arrows)).toEqual([]);
  });

  it('has no arrow from lib/ up into a context, from a layer to one above it, or from one context into another\'s code', () => {
    expect(graph.arrows.map(wrongArrow).filter(Boolean)).toEqual([]);
  });

  it('the rules catch what they are meant to (a panel value from lib/background, lib/ up into components/, the content script into lib/db)', () => {
    expect(wrongArrow({ from: 'components/panel/bridge-client.ts', to: 'lib/background/panel-bridge.ts', typeOnly: false })).toMatch(/the panel imports the background's code/);
    expect(wrongArrow({ from: 'components/panel/bridge-client.ts', to: 'lib/background/panel-bridge.ts', typeOnly: true })).toBeNull();
    expect(wrongArrow({ from: 'lib/workflow/records.ts', to: 'components/options/settings-page.tsx', typeOnly: true })).toMatch(/lib\/ imports up/);
    expect(wrongArrow({ from: 'lib/messaging/schemas.ts', to: 'lib/hosts/site-report.ts', typeOnly: false })).toMatch(/at or above/);
    expect(wrongArrow({ from: 'lib/content/runtime.ts', to: 'lib/db/index.ts', typeOnly: false })).toMatch(/the content script imports the database/);
    expect(circles(['a', 'b', 'c'], [{ from: 'a', to: 'b', typeOnly: false }, { from: 'b', to: 'c', typeOnly: true }, { from: 'c', to: 'a', typeOnly: true }])).toEqual([['a', 'b', 'c']]);
  });
});

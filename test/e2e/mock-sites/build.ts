import { build } from 'esbuild';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

const here = import.meta.dirname;
export const mockDistDir = path.join(here, 'dist');
const sources = [path.join(here, 'src'), path.join(here, 'config.ts')];
const entries = { chatgpt: path.join(here, 'src/chatgpt.ts'), claude: path.join(here, 'src/claude.ts') };

async function newestSource(): Promise<number> {
  let newest = 0;
  for (const source of sources) {
    const info = await stat(source);
    if (info.isDirectory()) {
      for (const name of await readdir(source)) newest = Math.max(newest, (await stat(path.join(source, name))).mtimeMs);
    } else newest = Math.max(newest, info.mtimeMs);
  }
  return newest;
}

async function bundlesFresh(): Promise<boolean> {
  try {
    const built = await Promise.all(Object.keys(entries).map(async (name) => (await stat(path.join(mockDistDir, `${name}.js`))).mtimeMs));
    return Math.min(...built) >= (await newestSource());
  } catch {
    return false;
  }
}

let pending: Promise<void> | null = null;

/** Bundles the mock pages' scripts (real ProseMirror and Tiptap) into `dist/`, unless they are up to date. */
export function ensureMockBundles(): Promise<void> {
  pending ??= (async () => {
    if (await bundlesFresh()) return;
    await build({
      entryPoints: entries,
      outdir: mockDistDir,
      bundle: true,
      format: 'iife',
      target: 'chrome120',
      legalComments: 'none',
      logLevel: 'warning',
    });
  })();
  return pending;
}

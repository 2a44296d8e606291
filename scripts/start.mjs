#!/usr/bin/env node
// `npm start`: build the extension, then open Chromium with it on a chat, the ConvOps panel beside it.
// The launcher is TypeScript that shares the end-to-end harness (mock sites, Chromium flags), so it is
// bundled with esbuild first: plain Node cannot import the harness's extensionless TS imports.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
if (!process.argv.includes('--no-build')) {
  execFileSync('npx', ['wxt', 'build'], { cwd: root, stdio: 'inherit' });
}
const outfile = path.join(root, 'node_modules', '.cache', 'convops', 'launch-browser.mjs');
await build({
  entryPoints: [path.join(root, 'scripts', 'launch-browser.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
  // The harness finds its files from `import.meta.dirname`; keep each module's own directory.
  plugins: [
    {
      name: 'module-dirname',
      setup(builder) {
        builder.onLoad({ filter: /\.ts$/ }, async (args) => ({
          contents: (await readFile(args.path, 'utf8')).replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path))),
          loader: 'ts',
        }));
      },
    },
  ],
});
const { launchBrowser } = await import(pathToFileURL(outfile).href);
await launchBrowser(process.argv.slice(2));

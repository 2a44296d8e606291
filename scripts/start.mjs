#!/usr/bin/env node
// `npm start`: build the extension, then open Chromium with it on a chat, the ConvOps panel beside it.
// The launcher is TypeScript that shares the end-to-end harness (mock sites, Chromium flags), so it is
// bundled with esbuild first: plain Node cannot import the harness's extensionless TS imports.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureChromium } from './preflight.mjs';

// Chromium first: a fresh machine must hear what to do (or get it installed), not a launcher's stack trace.
const chromium = process.argv.includes('--help') ? null : ensureChromium();
if (!chromium && !process.argv.includes('--help')) process.exit(1);
if (chromium) process.env.CHROMIUM_PATH = chromium;

const { build } = await import('esbuild');
const root = path.resolve(import.meta.dirname, '..');
if (!process.argv.includes('--no-build') && !process.argv.includes('--help')) {
  try {
    execFileSync('npx', ['wxt', 'build'], { cwd: root, stdio: 'inherit' });
  } catch {
    // wxt has printed its own error above.
    console.error('ConvOps: the build failed (see above); fix it and run `npm start` again.');
    process.exit(1);
  }
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
try {
  await launchBrowser(process.argv.slice(2));
} catch (error) {
  // One line, not a stack: the person needs what went wrong and what to try.
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  console.error(`ConvOps: Chromium did not start (${message}). Try \`${chromium} --version\`, or set CHROMIUM_PATH to another Chromium or Chrome.`);
  process.exit(1);
}

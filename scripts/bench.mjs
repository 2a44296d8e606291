#!/usr/bin/env node
// `npm run bench`: measured figures against the budgets in DESIGN.md, printed and written to
// bench-results/latest.json. No timing assertions live in the test suite; this is where figures are.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, '.output', 'chrome-mv3');

if (!existsSync(path.join(outDir, 'manifest.json')) || process.argv.includes('--build')) {
  execFileSync('npx', ['wxt', 'build'], { cwd: root, stdio: 'inherit' });
}

const gzippedSize = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** What each entrypoint loads: its own file plus the chunks its HTML or code pulls in. */
function entrypointClosure(entryFile) {
  const seen = new Set();
  const queue = [entryFile];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:src|href)="(\/[^"]+\.(?:js|css))"|from\s*"(\.{1,2}\/[^"]+\.js)"|import\s*"(\.{1,2}\/[^"]+\.js)"/g)) {
      const ref = match[1] ?? match[2] ?? match[3];
      queue.push(ref.startsWith('/') ? path.join(outDir, ref) : path.resolve(path.dirname(file), ref));
    }
  }
  return [...seen];
}

const entrypoints = {
  'content script': path.join(outDir, 'content-scripts', 'host.js'),
  background: path.join(outDir, 'background.js'),
  panel: path.join(outDir, 'panel.html'),
  options: path.join(outDir, 'options.html'),
};

const figures = { bundles: {} };
const lines = [];
for (const [name, file] of Object.entries(entrypoints)) {
  const files = entrypointClosure(file);
  const gz = files.reduce((sum, f) => sum + gzippedSize(f), 0);
  figures.bundles[name] = { gzippedBytes: gz, files: files.map((f) => path.relative(outDir, f)) };
  lines.push({ name: `bundle: ${name} (gzipped)`, value: kb(gz), budget: name === 'content script' ? '≤ 15.0 KB' : '—', pass: name === 'content script' ? gz <= 15 * 1024 : null });
}

console.log('\nConvOps benchmarks\n');
for (const line of lines) {
  const verdict = line.pass === null ? '' : line.pass ? 'PASS' : 'FAIL';
  console.log(`${line.name.padEnd(40)} ${line.value.padStart(10)}   budget ${line.budget.padEnd(10)} ${verdict}`);
}
mkdirSync(path.join(root, 'bench-results'), { recursive: true });
writeFileSync(path.join(root, 'bench-results', 'latest.json'), JSON.stringify({ at: new Date().toISOString(), figures, lines }, null, 2));
console.log('\nWritten to bench-results/latest.json');

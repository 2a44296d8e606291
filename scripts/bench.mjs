#!/usr/bin/env node
// `npm run bench`: measured figures against the budgets in DESIGN.md, printed and written to
// bench-results/latest.json. No timing assertions live in the test suite; this is where figures are.
//
//   npm run bench                 build if the sources changed, measure bundles, run every bench spec
//   npm run bench -- --build      rebuild first regardless
//   npm run bench -- --bundles    bundle sizes only (no browser)
//   npm run bench -- storage      only the bench specs matching "storage" (arguments go to Playwright)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, '.output', 'chrome-mv3');
const resultsDir = path.join(root, 'bench-results');
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a === '--build' || a === '--bundles'));
const playwrightArgs = args.filter((a) => !flags.has(a));

/** Newest modification time under the sources that go into the build. */
function newestSource() {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const stat = statSync(p);
    if (stat.isDirectory()) for (const entry of readdirSync(p)) visit(path.join(p, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const p of ['entrypoints', 'lib', 'components', 'workflows', 'public', 'wxt.config.ts', 'package.json']) visit(path.join(root, p));
  return newest;
}

const manifest = path.join(outDir, 'manifest.json');
if (flags.has('--build') || !existsSync(manifest) || statSync(manifest).mtimeMs < newestSource()) {
  execFileSync('npx', ['wxt', 'build'], { cwd: root, stdio: 'inherit' });
}

const gzippedSize = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

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
const bundles = {};
for (const [name, file] of Object.entries(entrypoints)) {
  const files = entrypointClosure(file);
  bundles[name] = { gzippedBytes: files.reduce((sum, f) => sum + gzippedSize(f), 0), files: files.map((f) => path.relative(outDir, f)) };
}

// The browser measurements: Playwright specs under test/bench, one at a time, each writing bench-results/<name>.json.
mkdirSync(resultsDir, { recursive: true });
const specNames = ['host-overhead', 'capture-latency', 'panel-ready', 'storage', 'long-session', 'sop-drive'];
let playwrightStatus = 0;
if (!flags.has('--bundles')) {
  const selected = playwrightArgs.filter((a) => !a.startsWith('-'));
  for (const name of specNames) if (selected.length === 0) rmSync(path.join(resultsDir, `${name}.json`), { force: true });
  const run = spawnSync('npx', ['playwright', 'test', '-c', 'playwright.bench.config.ts', ...playwrightArgs], { cwd: root, stdio: 'inherit' });
  playwrightStatus = run.status ?? 1;
}
const read = (name) => {
  const file = path.join(resultsDir, `${name}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
};
const results = Object.fromEntries(specNames.map((name) => [name, read(name)]));

const lines = [];
/** One figure; `pass` is true/false against a budget, or null when there is none (or no result). */
const line = (name, value, budget = '—', pass = null) => lines.push({ name, value, budget, pass });
const ms = (v, digits = 0) => (typeof v === 'number' ? `${v.toFixed(digits)} ms` : 'no result');
const missing = (r) => (r === null ? { value: 'no result', pass: false } : null);

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
for (const [name, { gzippedBytes }] of Object.entries(bundles)) {
  const isContent = name === 'content script';
  line(`bundle: ${name} (gzipped)`, kb(gzippedBytes), isContent ? '≤ 15.0 KB' : '—', isContent ? gzippedBytes <= 15 * 1024 : null);
}

if (!flags.has('--bundles')) {
  const host = results['host-overhead'];
  if (host) {
    line('host page: extension CPU while streaming (median)', ms(host.extensionMs.median, 2), '≤ 5 ms', host.extensionMs.median <= 5);
    line('host page: extension CPU, worst run', ms(host.extensionMs.max, 2));
    line('host page: extension CPU, gap-weighted (median)', ms(host.extensionWeightedMs.median, 2));
    line('host page: script time with/without (median, noisy)', host.scriptRatio.median.toFixed(3), '≤ 1.03', host.scriptRatio.median <= 1.03);
  } else line('host page: extension CPU while streaming', 'no result', '≤ 5 ms', false);

  const capture = results['capture-latency'];
  if (capture) {
    line(`capture latency (median of ${capture.replies})`, ms(capture.medianMs), '≤ 250 ms', capture.medianMs <= 250);
    line('capture latency (p95)', ms(capture.p95Ms));
  } else line('capture latency (median)', missing(capture).value, '≤ 250 ms', false);

  const panel = results['panel-ready'];
  line(`panel ready after navigation (median${panel ? ` of ${panel.navigations}` : ''})`, panel ? ms(panel.medianMs) : 'no result', '—', panel ? null : false);

  const storage = results.storage;
  if (storage) {
    const s = storage.seeded;
    line(`dashboard query, ${s.tasks} tasks/${s.notes} notes/${s.events} events (first)`, ms(storage.dashboardQuery.coldMs, 1), '≤ 50 ms', storage.dashboardQuery.coldMs <= 50);
    line('dashboard query (warm median)', ms(storage.dashboardQuery.medianWarmMs, 1));
    line('dashboard first page visible in options', ms(storage.dashboardVisibleMs));
    line('task detail with 1,000 notes (warm median)', ms(storage.taskDetail1000Notes.medianWarmMs, 1));
    line('verify a 5,000-event chain (warm median)', ms(storage.verifyChain5000.medianWarmMs));
    line(`full backup export + JSON (${storage.backupExport.jsonMegabytes} MB)`, ms(storage.backupExport.ms));
  } else line('dashboard query at scale', 'no result', '≤ 50 ms', false);

  const long = results['long-session'];
  if (long) {
    line(`long session: extension listeners (step 0 → ${long.steps})`, `${long.first.extensionListeners} → ${long.last.extensionListeners}`, 'flat', long.last.extensionListeners <= long.first.extensionListeners);
    line('long session: page JS listeners', `${long.first.jsEventListeners} → ${long.last.jsEventListeners}`);
    line('long session: DOM nodes (page grows 2 turns/step)', `${long.first.nodes} → ${long.last.nodes}`);
    line('long session: JS heap after GC (MB)', `${long.first.heapMb} → ${long.last.heapMb}`);
  } else line('long session: extension listeners', 'no result', 'flat', false);

  // The person's effort on a whole SOP task driven by the AI (one rejection, one approval).
  const drive = results['sop-drive'];
  if (drive) {
    line('SOP task: the person\'s clicks (start → published)', String(drive.clicks), '≤ 6', drive.clicks <= 6);
    for (const b of drive.briefings) {
      line(`SOP task: briefing characters, ${b.step} (visit ${b.visit})`, b.chars.toLocaleString('en'), '≤ 3,000', b.chars <= 3000);
    }
  } else line('SOP task: the person\'s clicks', 'no result', '≤ 6', false);
}

console.log('\nConvOps benchmarks\n');
const width = Math.max(...lines.map((l) => l.name.length));
for (const l of lines) {
  const verdict = l.pass === null ? '' : l.pass ? 'PASS' : 'FAIL';
  console.log(`${l.name.padEnd(width)}  ${String(l.value).padStart(14)}   budget ${l.budget.padEnd(9)} ${verdict}`);
}
writeFileSync(path.join(resultsDir, 'latest.json'), JSON.stringify({ at: new Date().toISOString(), bundles, results, lines }, null, 2));
console.log('\nWritten to bench-results/latest.json (details per figure in bench-results/<name>.json)');
const failed = lines.some((l) => l.pass === false);
if (failed || playwrightStatus !== 0) process.exitCode = 1;

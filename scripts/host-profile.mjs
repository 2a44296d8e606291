#!/usr/bin/env node
// Where the extension's samples go in a host-page CPU profile (bench-results/host-overhead.cpuprofile,
// or any `.cpuprofile` of the chat tab). The bench counts a sample as the extension's when its nearest
// frame with a URL is `chrome-extension://…` (test/bench/support/host.ts); this prints those samples
// grouped three ways — by that frame (self + the native work under it), by the extension function that
// was entered from the page (the callback: observer, timer, listener, message) and by the native leaf —
// plus when in the profile they fell and how evenly the sampler ticked.
//
//   node scripts/host-profile.mjs a.cpuprofile [b.cpuprofile …] [--script .output/chrome-mv3/content-scripts/chatgpt.js] [--stacks]
//
// With --script, each frame is shown with the built code at its column (the content script is minified
// into a few long lines), which names the source function when the minifier did not keep its name.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const scriptAt = args.indexOf('--script');
const scriptLines = scriptAt >= 0 ? readFileSync(args[scriptAt + 1], 'utf8').split('\n') : null;
const files = args.filter((a, i) => !a.startsWith('--') && (scriptAt < 0 || i !== scriptAt + 1));
const PREFIX = 'chrome-extension://';

const snippet = (frame) => {
  if (!scriptLines || !frame.url.startsWith(PREFIX)) return '';
  const line = scriptLines[frame.lineNumber] ?? '';
  return `  ‹${line.slice(frame.columnNumber, frame.columnNumber + 70).replace(/\s+/g, ' ')}›`;
};
const where = (f) => `${f.functionName || '(anonymous)'} ${f.url ? `${f.url.split('/').at(-1)}:${f.lineNumber}:${f.columnNumber}` : '(native)'}`;
const pct = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

function table(title, map, unitUs, limit = 12) {
  const rows = [...map.entries()].sort((a, b) => b[1].n - a[1].n).slice(0, limit);
  console.log(`  ${title}`);
  // unitUs null: profiles with different intervals summed, so samples only (and their gaps).
  for (const [name, { n, us, frame }] of rows) console.log(`    ${String(n).padStart(4)} smp ${unitUs === null ? '' : `${(n * unitUs / 1000).toFixed(2).padStart(6)} ms `}(gap-weighted ${(us / 1000).toFixed(2)} ms)  ${name}${frame ? snippet(frame) : ''}`);
}

const totals = new Map();
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id) => {
    const stack = [];
    for (let at = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at));
    return stack; // leaf first
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const meanUs = (profile.endTime - profile.startTime) / Math.max(1, samples.length);
  const sortedDeltas = deltas.slice(1).sort((a, b) => a - b);
  const byFrame = new Map();
  const byEntry = new Map();
  const byLeaf = new Map();
  const when = [];
  let n = 0;
  let us = 0;
  let t = 0;
  const add = (map, key, gap, frame) => {
    const row = map.get(key) ?? { n: 0, us: 0, frame };
    row.n++;
    row.us += gap;
    map.set(key, row);
  };
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    const stack = stackOf(samples[i]);
    const owner = stack.find((f) => f.callFrame.url);
    if (!owner?.callFrame.url.startsWith(PREFIX)) continue;
    const gap = deltas[i + 1] ?? meanUs;
    n++;
    us += gap;
    when.push(t / 1000);
    const leaf = stack[0];
    if (args.includes('--stacks')) console.log(`    ${(t / 1000).toFixed(1)} ms: ${stack.filter((f) => f.callFrame.url.startsWith(PREFIX) || !f.callFrame.url).slice(0, 12).map((f) => f.callFrame.url ? `${f.callFrame.functionName || '?'}@${f.callFrame.columnNumber}` : f.callFrame.functionName).join(' < ')}`);
    add(byFrame, where(owner.callFrame) + (leaf === owner ? '' : ` > ${leaf.callFrame.functionName || '?'}`), gap, owner.callFrame);
    // The outermost extension frame: what the page (or the browser) called into.
    const entry = stack.filter((f) => f.callFrame.url.startsWith(PREFIX)).at(-1);
    add(byEntry, where(entry.callFrame), gap, entry.callFrame);
    add(byLeaf, leaf.callFrame.url ? '(extension JS)' : leaf.callFrame.functionName || '(native)', gap);
    const key = where(owner.callFrame);
    const total = totals.get(key) ?? { n: 0, us: 0, frame: owner.callFrame };
    total.n++;
    total.us += gap;
    totals.set(key, total);
  }
  console.log(`\n${file}`);
  console.log(`  window ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms, ${samples.length} samples; interval mean ${meanUs.toFixed(0)} µs, median ${pct(sortedDeltas, 0.5)} µs, p90 ${pct(sortedDeltas, 0.9)} µs, max ${sortedDeltas.at(-1)} µs`);
  console.log(`  extension: ${n} samples = ${(n * meanUs / 1000).toFixed(2)} ms (gap-weighted ${(us / 1000).toFixed(2)} ms)`);
  console.log(`  at (ms into the profile): ${when.map((w) => w.toFixed(0)).join(' ')}`);
  table('by nearest extension frame (> native leaf under it)', byFrame, meanUs);
  table('by entry (outermost extension frame)', byEntry, meanUs);
  table('by leaf', byLeaf, meanUs);
}
if (files.length > 1) table(`all ${files.length} profiles, by nearest extension frame`, totals, null, 20);

#!/usr/bin/env node
// `npm test`: check the machine first (Node, Chromium, Firefox; installs them as root on Debian), then
// every check: types, lint, both builds, web-ext lint, unit tests, Chromium and Firefox end-to-end.
import { ensureTestTools } from './preflight.mjs';

// Before anything runs: a fresh machine hears what to do (or gets it installed), not a stack trace.
const tools = ensureTestTools();
if (!tools) process.exit(1);
if (process.argv.includes('--preflight-only')) {
  console.log(`ConvOps: ready for \`npm test\` (${Object.entries(tools).map(([name, value]) => `${name}=${value}`).join(', ')}).`);
  process.exit(0);
}

// Loaded after the preflight, so that an old Node hears the preflight's sentence first.
const { collectTimings, freshTimingsDir, runNpm, runPhases, summary, testPlan } = await import('./test-run.mjs');
const started = Date.now();
freshTimingsDir();
const results = await runPhases(testPlan(), (step) => runNpm(step, tools));
console.log(summary(results, (Date.now() - started) / 1000, collectTimings()));
process.exit(results.every((result) => result.status === 'passed') ? 0 : 1);

#!/usr/bin/env node
// `npm run lint:firefox`: Mozilla's `web-ext lint` (what addons.mozilla.org runs on an upload) over the
// Firefox build. It exits 0 on warnings, so a new DANGEROUS_EVAL reached the build once unnoticed (PouchDB's
// `scopeEval`); here every warning must be one of the few known, each with its reason, or the check fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const sourceDir = path.resolve(process.argv[2] ?? '.output/firefox-mv3');

/**
 * The warnings a reviewer sees and why each stays: all inside bundled libraries, never ConvOps code
 * (ESLint refuses an `innerHTML` assignment in our sources).
 */
export const KNOWN_WARNINGS = [
  { code: 'UNSAFE_VAR_ASSIGNMENT', file: /^chunks\/ui-[\w-]+\.js$/, message: /innerHTML/, why: 'React DOM: dangerouslySetInnerHTML, which ConvOps never uses, and its <script> placeholder' },
  { code: 'UNSAFE_VAR_ASSIGNMENT', file: /^chunks\/markdown-[\w-]+\.js$/, message: /innerHTML/, why: 'the Markdown parser\'s entity decoder: `&name;` on a detached element, to read its text' },
  { code: 'UNSAFE_VAR_ASSIGNMENT', file: /^chunks\/markdown-[\w-]+\.js$/, message: /document\(\)\.write/, why: 'micromark\'s tokenizer `document().write`, not the DOM\'s document.write' },
];

/** Splits web-ext's JSON report into what is known (with its reason) and what fails the check. */
export function judgeLint(report) {
  const known = [];
  const unexpected = [...report.errors.map((item) => ({ ...item, kind: 'error' }))];
  for (const warning of report.warnings) {
    const reason = KNOWN_WARNINGS.find((k) => k.code === warning.code && k.file.test(warning.file ?? '') && k.message.test(warning.message ?? ''));
    if (reason) known.push({ ...warning, why: reason.why });
    else unexpected.push({ ...warning, kind: 'warning' });
  }
  return { known, unexpected, notices: report.notices };
}

function run() {
  if (!existsSync(path.join(sourceDir, 'manifest.json'))) {
    console.error(`lint:firefox: no Firefox build at ${sourceDir}; run \`npm run build:firefox\` first.`);
    return 1;
  }
  const bin = path.resolve('node_modules/.bin/web-ext');
  const result = spawnSync(bin, ['lint', '--source-dir', sourceDir, '--no-config-discovery', '--output', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    console.error(`lint:firefox: web-ext lint gave no report (exit ${result.status}).\n${result.stderr || result.stdout}`);
    return 1;
  }
  const { known, unexpected, notices } = judgeLint(report);
  const where = (item) => `${item.code} in ${item.file ?? '?'}${item.line ? `:${item.line}` : ''}: ${item.message}`;
  console.log(`web-ext lint: ${report.summary.errors} errors, ${report.summary.warnings} warnings, ${report.summary.notices} notices`);
  for (const item of known) console.log(`  known   ${where(item)} (${item.why})`);
  for (const item of notices) console.log(`  notice  ${where(item)}`);
  for (const item of unexpected) console.log(`  NEW     ${item.kind}: ${where(item)}`);
  if (unexpected.length) {
    console.error(`lint:firefox: ${unexpected.length} finding(s) that AMO's reviewers would see and no reason is on record for. Remove the cause, or add it to KNOWN_WARNINGS in scripts/lint-firefox.mjs with why it stays.`);
    return 1;
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(run());

// `npm test`'s runner: the preflight, then every check in lanes that fit two cores, each timed, and at
// the end the ten slowest unit and end-to-end tests. Plain JavaScript (runs before anything is built);
// the pieces are exported for the unit tests, scripts/test.mjs runs them.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Not import.meta.dirname: on a Node too old for it, the preflight's sentence must still come out.
export const root = fileURLToPath(new URL('..', import.meta.url));
/** Where the suites write their JSON reports for the slowest-tests list (kept out of test-results/, which Playwright empties). */
export const timingsDir = path.join(root, 'node_modules', '.cache', 'convops', 'test-timings');

/**
 * @typedef {{ name: string, args: string[], env?: Record<string, string> }} Step
 * @typedef {{ lanes: Step[][] }} Phase
 * @typedef {{ name: string, seconds: number, status: 'passed' | 'failed' | 'skipped' }} StepResult
 * @typedef {{ title: string, file: string, seconds: number }} TestTiming
 */

/**
 * Every check `npm test` runs, in phases. Inside a phase the lanes run side by side (each lane's steps
 * one after another); the next phase starts when every lane is done. Single-threaded steps (tsc,
 * eslint, the two builds) share the two cores; the unit tests and the Chromium suite each use both.
 * @returns {Phase[]}
 */
export function testPlan(/** @type {string} */ dir = timingsDir) {
  const npm = (/** @type {string} */ script, /** @type {string[]} */ extra = [], /** @type {Record<string, string>} */ env = {}) => ({
    name: script,
    args: ['run', '--silent', script, ...(extra.length ? ['--', ...extra] : [])],
    env,
  });
  return [
    // eslint alone takes about as long as tsc, both builds and web-ext lint together (55 s against 66 s here).
    { lanes: [[npm('lint')], [npm('typecheck'), npm('build'), npm('build:firefox'), npm('lint:firefox')]] },
    { lanes: [[npm('test:unit', ['--reporter=default', '--reporter=json', `--outputFile.json=${path.join(dir, 'unit.json')}`])]] },
    { lanes: [[npm('test:e2e', [], { CONVOPS_JSON_REPORT: path.join(dir, 'e2e.json') })]] },
    // The Firefox suite and the deep-file page each drive one headless Firefox; neither fills two cores.
    { lanes: [[npm('test:firefox', [], { CONVOPS_JSON_REPORT: path.join(dir, 'firefox.json') })], [npm('test:firefox-deep')]] },
  ];
}

/** Runs one step (npm with its output shown) and resolves with its exit status. */
export function runNpm(/** @type {Step} */ step, /** @type {Record<string, string>} */ env) {
  return new Promise((resolve) => {
    const child = spawn('npm', step.args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env, ...step.env } });
    child.on('error', () => resolve(1));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/**
 * Runs the phases, stopping after the first phase with a failure (a failed step also skips the rest of
 * its own lane); returns every step's result in plan order.
 * @param {Phase[]} phases
 * @param {(step: Step) => Promise<number>} run
 * @param {() => number} now milliseconds
 * @returns {Promise<StepResult[]>}
 */
export async function runPhases(phases, run, now = () => Date.now()) {
  /** @type {StepResult[]} */
  const results = [];
  let failed = false;
  for (const phase of phases) {
    if (failed) {
      for (const step of phase.lanes.flat()) results.push({ name: step.name, seconds: 0, status: 'skipped' });
      continue;
    }
    const laneResults = await Promise.all(
      phase.lanes.map(async (lane) => {
        /** @type {StepResult[]} */
        const done = [];
        for (const step of lane) {
          if (done.some((result) => result.status === 'failed')) {
            done.push({ name: step.name, seconds: 0, status: 'skipped' });
            continue;
          }
          const started = now();
          const status = await run(step);
          done.push({ name: step.name, seconds: (now() - started) / 1000, status: status === 0 ? 'passed' : 'failed' });
        }
        return done;
      }),
    );
    results.push(...laneResults.flat());
    failed = results.some((result) => result.status === 'failed');
  }
  return results;
}

/** The tests in a Vitest JSON report (`--reporter=json`), with their durations. @returns {TestTiming[]} */
export function vitestTimings(/** @type {any} */ report) {
  return (report?.testResults ?? []).flatMap((/** @type {any} */ file) =>
    (file.assertionResults ?? []).map((/** @type {any} */ test) => ({ title: test.fullName ?? test.title, file: path.relative(root, file.name), seconds: (test.duration ?? 0) / 1000 })),
  );
}

/** The tests in a Playwright JSON report (`json` reporter), each attempt's time added up. @returns {TestTiming[]} */
export function playwrightTimings(/** @type {any} */ report) {
  /** @type {TestTiming[]} */
  const timings = [];
  // Spec paths are relative to the suite's folder; the list names them from the repository's root.
  const fileOf = (/** @type {string} */ file) => (report?.config?.rootDir ? path.relative(root, path.join(report.config.rootDir, file)) : file);
  const visit = (/** @type {any} */ suite, /** @type {string[]} */ titles) => {
    const here = suite.title && !suite.title.endsWith('.ts') ? [...titles, suite.title] : titles;
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        const ms = (test.results ?? []).reduce((sum, /** @type {any} */ result) => sum + (result.duration ?? 0), 0);
        timings.push({ title: [...here, spec.title].join(' › '), file: fileOf(spec.file), seconds: ms / 1000 });
      }
    }
    for (const child of suite.suites ?? []) visit(child, here);
  };
  for (const suite of report?.suites ?? []) visit(suite, []);
  return timings;
}

/** The `count` slowest, slowest first. */
export function slowest(/** @type {TestTiming[]} */ timings, count = 10) {
  return [...timings].sort((a, b) => b.seconds - a.seconds).slice(0, count);
}

function readJson(/** @type {string} */ file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

const clock = (/** @type {number} */ seconds) => (seconds >= 60 ? `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s` : `${seconds.toFixed(1)} s`);
const cut = (/** @type {string} */ text, /** @type {number} */ width) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);

/** The closing summary: each step's time, then the ten slowest tests of each kind. */
export function summary(/** @type {StepResult[]} */ results, /** @type {number} */ totalSeconds, /** @type {{ unit: TestTiming[], e2e: TestTiming[] }} */ timings) {
  const lines = ['', `npm test: ${results.every((r) => r.status === 'passed') ? 'passed' : 'FAILED'} in ${clock(totalSeconds)}`];
  for (const result of results) lines.push(`  ${result.status.padEnd(7)} ${clock(result.seconds).padStart(10)}  ${result.name}`);
  for (const [label, list] of /** @type {const} */ ([['unit', timings.unit], ['end-to-end (Chromium and Firefox)', timings.e2e]])) {
    if (list.length === 0) continue;
    lines.push('', `Slowest ${Math.min(10, list.length)} ${label} tests:`);
    for (const test of slowest(list)) lines.push(`  ${clock(test.seconds).padStart(10)}  ${test.file} › ${cut(test.title, 110)}`);
  }
  return lines.join('\n');
}

/** Reads what the suites wrote into `dir`. */
export function collectTimings(/** @type {string} */ dir = timingsDir) {
  return {
    unit: vitestTimings(readJson(path.join(dir, 'unit.json'))),
    e2e: [...playwrightTimings(readJson(path.join(dir, 'e2e.json'))), ...playwrightTimings(readJson(path.join(dir, 'firefox.json')))],
  };
}

export function freshTimingsDir(/** @type {string} */ dir = timingsDir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

// What `npm start` and `npm test` need before they build anything: Node 22.12+, a Chromium to open, and
// (for `npm test`) a Firefox. Pure decisions over an injected environment (so a unit test can play
// "fresh machine without Firefox"), plus the functions that act on them. Plain JavaScript: it must run
// before anything is bundled or built, on whatever Node the machine has.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const DEFAULT_FIREFOX = '/usr/bin/firefox-esr';
/** What .ci/run runs too; `apt-get update` first, because a fresh machine's package lists are empty. */
export const DEBIAN_INSTALL = debianInstall(['chromium']);
/** package.json's engines: what wxt, puppeteer-core and @axe-core/playwright declare. */
export const MINIMUM_NODE = [22, 12];

/**
 * @typedef {{ env: Record<string, string | undefined>, isRoot: boolean, isDebian: boolean,
 *   isExecutable: (file: string) => boolean }} PreflightEnv
 * @typedef {{ name: string, envVar: string, defaultPath: string, pathNames: string[], debianPackage: string }} BrowserNeed
 * @typedef {{ kind: 'found', path: string }
 *   | { kind: 'install', command: string[], path: string }
 *   | { kind: 'missing', message: string }} ChromiumCheck
 */

/** @type {BrowserNeed} */
export const CHROMIUM = { name: 'Chromium', envVar: 'CHROMIUM_PATH', defaultPath: DEFAULT_CHROMIUM, pathNames: ['chromium', 'chromium-browser', 'google-chrome'], debianPackage: 'chromium' };
/** The Firefox suite drives Debian's firefox-esr over WebDriver BiDi (test/e2e-firefox). @type {BrowserNeed} */
export const FIREFOX = { name: 'Firefox', envVar: 'FIREFOX_PATH', defaultPath: DEFAULT_FIREFOX, pathNames: ['firefox-esr', 'firefox'], debianPackage: 'firefox-esr' };

export function debianInstall(/** @type {string[]} */ packages) {
  return ['sh', '-c', `apt-get update && apt-get install -y ${packages.join(' ')}`];
}

/** Where a browser is, or null. Its `…_PATH` variable wins (an invalid one counts as not found); then Debian's path; then `PATH`. */
function locate(/** @type {BrowserNeed} */ need, /** @type {PreflightEnv} */ { env, isExecutable }) {
  const wanted = env[need.envVar];
  if (wanted) return isExecutable(wanted) ? wanted : null;
  const onPath = (env.PATH ?? '').split(path.delimiter).filter(Boolean).flatMap((dir) => need.pathNames.map((name) => path.join(dir, name)));
  return [need.defaultPath, ...onPath].find((file) => isExecutable(file)) ?? null;
}

/** Where Chromium is, or what to do about it (for `npm start`). */
export function checkChromium(/** @type {PreflightEnv} */ environment) {
  const { env, isRoot, isDebian } = environment;
  const found = locate(CHROMIUM, environment);
  if (found) return /** @type {ChromiumCheck} */ ({ kind: 'found', path: found });
  if (env.CHROMIUM_PATH) return { kind: 'missing', message: `ConvOps: CHROMIUM_PATH is ${env.CHROMIUM_PATH}, which is not an executable file: point it at Chromium or Chrome, or unset it.` };
  if (isDebian && isRoot) return { kind: 'install', command: DEBIAN_INSTALL, path: DEFAULT_CHROMIUM };
  if (isDebian) return { kind: 'missing', message: 'ConvOps needs Chromium: run `sudo apt-get update && sudo apt-get install -y chromium`, then `npm start` again.' };
  return { kind: 'missing', message: 'ConvOps needs Chromium or Chrome: install it, then run `CHROMIUM_PATH=/path/to/chromium npm start`.' };
}

/** Null when this Node is recent enough; otherwise the sentence that says what to do. */
export function checkNode(/** @type {string} */ version) {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const [needMajor, needMinor] = MINIMUM_NODE;
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return null;
  return `ConvOps needs Node ${needMajor}.${needMinor} or later and this is Node ${version.replace(/^v/, '')}: install Node 22 (for example \`npm install --prefix /opt/convops-node22 node@22 && export PATH=/opt/convops-node22/node_modules/.bin:$PATH\`), then \`npm test\` again.`;
}

/**
 * @typedef {{ kind: 'ready', env: Record<string, string> }
 *   | { kind: 'install', command: string[], packages: string[] }
 *   | { kind: 'missing', message: string }} TestToolsCheck
 */

/**
 * What `npm test` needs: Node 22.12+, Chromium and Firefox (one suite run alone asks for its own browser). `ready` carries the browsers' paths for
 * the suites (CHROMIUM_PATH, FIREFOX_PATH); `install` is one apt command for everything missing (root
 * on Debian); `missing` is one sentence with the exact command.
 */
export function checkTestTools(/** @type {PreflightEnv} */ environment, /** @type {string} */ nodeVersion, /** @type {BrowserNeed[]} */ needs = [CHROMIUM, FIREFOX]) {
  const nodeProblem = checkNode(nodeVersion);
  if (nodeProblem) return /** @type {TestToolsCheck} */ ({ kind: 'missing', message: nodeProblem });
  const { env, isRoot, isDebian } = environment;
  const badOverride = needs.find((need) => env[need.envVar] && !environment.isExecutable(/** @type {string} */ (env[need.envVar])));
  if (badOverride) {
    return { kind: 'missing', message: `ConvOps: ${badOverride.envVar} is ${env[badOverride.envVar]}, which is not an executable file: point it at ${badOverride.name}, or unset it.` };
  }
  const located = needs.map((need) => ({ need, path: locate(need, environment) }));
  const absent = located.filter((entry) => !entry.path).map((entry) => entry.need);
  if (absent.length === 0) return { kind: 'ready', env: Object.fromEntries(located.map((entry) => [entry.need.envVar, /** @type {string} */ (entry.path)])) };
  const names = absent.map((need) => need.name).join(' and ');
  const packages = absent.map((need) => need.debianPackage);
  if (isDebian && isRoot) return { kind: 'install', command: debianInstall(packages), packages };
  if (isDebian) return { kind: 'missing', message: `ConvOps needs ${names} for \`npm test\`: run \`sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}\`, then \`npm test\` again.` };
  const overrides = absent.map((need) => `${need.envVar}=/path/to/${need.pathNames[0]}`).join(' ');
  return { kind: 'missing', message: `ConvOps needs ${names} for \`npm test\`: install ${absent.length > 1 ? 'them' : 'it'}, then run \`${overrides} npm test\`.` };
}

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** This machine, as the checks see it. */
export function currentEnv() {
  return {
    env: process.env,
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    isDebian: existsSync('/etc/debian_version') && executable('/usr/bin/apt-get'),
    isExecutable: executable,
  };
}

/** Runs an install command in the foreground, its output shown, apt asking nothing. */
export function runInstall(/** @type {string[]} */ command) {
  return spawnSync(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status;
}

/**
 * Makes sure Chromium is there (installing Debian's package when this process may) and returns its
 * path; otherwise prints one line saying what to do and returns null. Never throws.
 */
export function ensureChromium(environment = currentEnv(), run = runInstall) {
  const check = checkChromium(environment);
  if (check.kind === 'found') return check.path;
  if (check.kind === 'missing') {
    console.error(check.message);
    return null;
  }
  console.log(`ConvOps: Chromium is missing; installing Debian's package: ${check.command.at(-1)}`);
  const status = run(check.command);
  if (status === 0 && environment.isExecutable(check.path)) return check.path;
  console.error(`ConvOps: installing Chromium failed (exit ${status}); run \`${check.command.at(-1)}\` yourself and look at its output, then \`npm start\` again.`);
  return null;
}

/**
 * Makes sure `npm test` can run: returns the variables to hand to the suites (browser paths), after
 * installing Debian's packages when this process may; otherwise prints one line saying what to do and
 * returns null. Never throws.
 */
export function ensureTestTools(environment = currentEnv(), run = runInstall, nodeVersion = process.version, needs = [CHROMIUM, FIREFOX]) {
  const check = checkTestTools(environment, nodeVersion, needs);
  if (check.kind === 'ready') return check.env;
  if (check.kind === 'missing') {
    console.error(check.message);
    return null;
  }
  console.log(`ConvOps: ${check.packages.join(' and ')} missing; installing Debian's packages: ${check.command.at(-1)}`);
  const status = run(check.command);
  const after = status === 0 ? checkTestTools(environment, nodeVersion, needs) : null;
  if (after?.kind === 'ready') return after.env;
  const what = status === 0 ? `installed ${check.packages.join(' and ')}, but the browser is still not there` : `installing ${check.packages.join(' and ')} failed (exit ${status})`;
  console.error(`ConvOps: ${what}; run \`${check.command.at(-1)}\` yourself and look at its output, then \`npm test\` again.`);
  return null;
}

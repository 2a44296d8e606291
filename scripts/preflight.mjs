// What `npm start` needs before it builds anything: a Chromium to open. Pure decisions over an injected
// environment (so a unit test can play "fresh machine without Chromium"), plus the one function that
// acts on them. Plain JavaScript: it must run before anything is bundled or built.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
/** What .ci/run runs too; `apt-get update` first, because a fresh machine's package lists are empty. */
export const DEBIAN_INSTALL = ['sh', '-c', 'apt-get update && apt-get install -y chromium'];

/**
 * @typedef {{ env: Record<string, string | undefined>, isRoot: boolean, isDebian: boolean,
 *   isExecutable: (file: string) => boolean }} PreflightEnv
 * @typedef {{ kind: 'found', path: string }
 *   | { kind: 'install', command: string[], path: string }
 *   | { kind: 'missing', message: string }} ChromiumCheck
 */

/** Where Chromium is, or what to do about it. `CHROMIUM_PATH` wins; then Debian's path; then `PATH`. */
export function checkChromium(/** @type {PreflightEnv} */ { env, isRoot, isDebian, isExecutable }) {
  const wanted = env.CHROMIUM_PATH;
  if (wanted) {
    if (isExecutable(wanted)) return /** @type {ChromiumCheck} */ ({ kind: 'found', path: wanted });
    return { kind: 'missing', message: `ConvOps: CHROMIUM_PATH is ${wanted}, which is not an executable file: point it at Chromium or Chrome, or unset it.` };
  }
  const candidates = [DEFAULT_CHROMIUM, ...(env.PATH ?? '').split(path.delimiter).filter(Boolean).flatMap((dir) => ['chromium', 'chromium-browser', 'google-chrome'].map((name) => path.join(dir, name)))];
  const found = candidates.find((file) => isExecutable(file));
  if (found) return { kind: 'found', path: found };
  if (isDebian && isRoot) return { kind: 'install', command: DEBIAN_INSTALL, path: DEFAULT_CHROMIUM };
  if (isDebian) return { kind: 'missing', message: 'ConvOps needs Chromium: run `sudo apt-get update && sudo apt-get install -y chromium`, then `npm start` again.' };
  return { kind: 'missing', message: 'ConvOps needs Chromium or Chrome: install it, then run `CHROMIUM_PATH=/path/to/chromium npm start`.' };
}

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** This machine, as `checkChromium` sees it. */
export function currentEnv() {
  return {
    env: process.env,
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    isDebian: existsSync('/etc/debian_version') && executable('/usr/bin/apt-get'),
    isExecutable: executable,
  };
}

/**
 * Makes sure Chromium is there (installing Debian's package when this process may) and returns its
 * path; otherwise prints one line saying what to do and returns null. Never throws.
 */
export function ensureChromium(environment = currentEnv(), run = (command) => spawnSync(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status) {
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

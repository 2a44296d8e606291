import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkChromium, CHROMIUM, checkNode, checkTestTools, DEBIAN_INSTALL, ensureChromium, ensureTestTools, type PreflightEnv } from '../../../scripts/preflight.mjs';

/** A machine where exactly the files in `present` are executables. */
function machine(present: string[], overrides: Partial<PreflightEnv> = {}): PreflightEnv {
  return { env: { PATH: '/usr/local/bin:/usr/bin' }, isRoot: false, isDebian: true, isExecutable: (file) => present.includes(file), ...overrides };
}

afterEach(() => vi.restoreAllMocks());

describe('npm start preflight: Chromium', () => {
  it('finds Debian’s Chromium', () => {
    expect(checkChromium(machine(['/usr/bin/chromium']))).toEqual({ kind: 'found', path: '/usr/bin/chromium' });
  });

  it('finds a Chromium elsewhere on PATH', () => {
    expect(checkChromium(machine(['/usr/local/bin/chromium-browser']))).toEqual({ kind: 'found', path: '/usr/local/bin/chromium-browser' });
  });

  it('honours CHROMIUM_PATH, and says so when it points at nothing', () => {
    expect(checkChromium(machine(['/opt/chrome/chrome'], { env: { CHROMIUM_PATH: '/opt/chrome/chrome' } }))).toEqual({ kind: 'found', path: '/opt/chrome/chrome' });
    const wrong = checkChromium(machine(['/usr/bin/chromium'], { env: { CHROMIUM_PATH: '/nowhere/chrome' } }));
    expect(wrong).toMatchObject({ kind: 'missing' });
    expect(wrong.kind === 'missing' && wrong.message).toContain('/nowhere/chrome');
  });

  it('no Chromium, not root, on Debian: one sentence with the exact command', () => {
    const check = checkChromium(machine([]));
    expect(check).toEqual({ kind: 'missing', message: 'ConvOps needs Chromium: run `sudo apt-get update && sudo apt-get install -y chromium`, then `npm start` again.' });
  });

  it('no Chromium, not Debian: says to install one and set CHROMIUM_PATH', () => {
    const check = checkChromium(machine([], { isDebian: false, isRoot: true }));
    expect(check.kind).toBe('missing');
    expect(check.kind === 'missing' && check.message).toMatch(/CHROMIUM_PATH=.* npm start/);
  });

  it('no Chromium, root on Debian: installs Debian’s package', () => {
    expect(checkChromium(machine([], { isRoot: true }))).toEqual({ kind: 'install', command: DEBIAN_INSTALL, path: '/usr/bin/chromium' });
    expect(DEBIAN_INSTALL.at(-1)).toBe('apt-get update && apt-get install -y chromium');
  });

  it('ensureChromium runs the install and returns the path once the binary is there', () => {
    const present: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const run = vi.fn(() => {
      present.push('/usr/bin/chromium');
      return 0;
    });
    expect(ensureChromium(machine(present, { isRoot: true }), run)).toBe('/usr/bin/chromium');
    expect(run).toHaveBeenCalledWith(DEBIAN_INSTALL);
    expect(log).toHaveBeenCalledTimes(1);
  });

  it('ensureChromium prints one line and returns null when it cannot help', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const run = vi.fn(() => 100);
    expect(ensureChromium(machine([]), run)).toBeNull();
    expect(run).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledTimes(1);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(ensureChromium(machine([], { isRoot: true }), run)).toBeNull();
    expect(error).toHaveBeenCalledTimes(2);
    expect(String(error.mock.calls[1]?.[0])).toContain('exit 100');
  });
});

describe('npm test preflight: Node, Chromium and Firefox', () => {
  const both = ['/usr/bin/chromium', '/usr/bin/firefox-esr'];

  it('Node 22.12 or later passes; older Node gets one sentence with the command', () => {
    expect(checkNode('v22.12.0')).toBeNull();
    expect(checkNode('v24.1.0')).toBeNull();
    expect(checkNode('v22.11.0')).toMatch(/^ConvOps needs Node 22\.12 or later and this is Node 22\.11\.0: install Node 22 \(for example `npm install --prefix \/opt\/convops-node22 node@22/);
    const old = checkTestTools(machine(both), 'v20.19.0');
    expect(old.kind).toBe('missing');
    expect(old.kind === 'missing' && old.message).toContain('this is Node 20.19.0');
  });

  it('both browsers there: ready, with their paths for the suites', () => {
    expect(checkTestTools(machine(both), 'v22.23.0')).toEqual({ kind: 'ready', env: { CHROMIUM_PATH: '/usr/bin/chromium', FIREFOX_PATH: '/usr/bin/firefox-esr' } });
  });

  it('finds a Firefox on PATH, and honours FIREFOX_PATH and CHROMIUM_PATH', () => {
    expect(checkTestTools(machine(['/usr/bin/chromium', '/usr/local/bin/firefox']), 'v22.12.0')).toEqual({ kind: 'ready', env: { CHROMIUM_PATH: '/usr/bin/chromium', FIREFOX_PATH: '/usr/local/bin/firefox' } });
    const overridden = machine(['/opt/chrome/chrome', '/opt/ff/firefox'], { env: { CHROMIUM_PATH: '/opt/chrome/chrome', FIREFOX_PATH: '/opt/ff/firefox' } });
    expect(checkTestTools(overridden, 'v22.12.0')).toEqual({ kind: 'ready', env: { CHROMIUM_PATH: '/opt/chrome/chrome', FIREFOX_PATH: '/opt/ff/firefox' } });
  });

  it('a FIREFOX_PATH that points at nothing is said, even as root with Firefox installed (no install behind the person’s back)', () => {
    const run = vi.fn(() => 0);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(ensureTestTools(machine(both, { isRoot: true, env: { FIREFOX_PATH: '/nowhere/firefox' } }), run, 'v22.12.0')).toBeNull();
    expect(run).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledWith('ConvOps: FIREFOX_PATH is /nowhere/firefox, which is not an executable file: point it at Firefox, or unset it.');
  });

  it('a machine without Firefox, not root: one sentence with the exact command, nothing run', () => {
    const run = vi.fn(() => 0);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(ensureTestTools(machine(['/usr/bin/chromium']), run, 'v22.12.0')).toBeNull();
    expect(run).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
    expect(error.mock.calls).toEqual([['ConvOps needs Firefox for `npm test`: run `sudo apt-get update && sudo apt-get install -y firefox-esr`, then `npm test` again.']]);
  });

  it('neither browser, not root: one sentence naming both packages', () => {
    const check = checkTestTools(machine([]), 'v22.12.0');
    expect(check).toEqual({ kind: 'missing', message: 'ConvOps needs Chromium and Firefox for `npm test`: run `sudo apt-get update && sudo apt-get install -y chromium firefox-esr`, then `npm test` again.' });
  });

  it('one suite run alone asks only for its own browser', () => {
    expect(checkTestTools(machine(['/usr/bin/chromium']), 'v22.12.0', [CHROMIUM])).toEqual({ kind: 'ready', env: { CHROMIUM_PATH: '/usr/bin/chromium' } });
  });

  it('no Firefox, not Debian: says to install it and set FIREFOX_PATH', () => {
    const check = checkTestTools(machine(['/usr/bin/chromium'], { isDebian: false, isRoot: true }), 'v22.12.0');
    expect(check).toEqual({ kind: 'missing', message: 'ConvOps needs Firefox for `npm test`: install it, then run `FIREFOX_PATH=/path/to/firefox-esr npm test`.' });
  });

  it('a machine without Firefox, root on Debian: runs the apt install, says so, and goes on with the installed path', () => {
    const present = ['/usr/bin/chromium'];
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const run = vi.fn(() => {
      present.push('/usr/bin/firefox-esr');
      return 0;
    });
    expect(ensureTestTools(machine(present, { isRoot: true }), run, 'v22.12.0')).toEqual({ CHROMIUM_PATH: '/usr/bin/chromium', FIREFOX_PATH: '/usr/bin/firefox-esr' });
    expect(run.mock.calls).toEqual([[['sh', '-c', 'apt-get update && apt-get install -y firefox-esr']]]);
    expect(log.mock.calls).toEqual([["ConvOps: firefox-esr missing; installing Debian's packages: apt-get update && apt-get install -y firefox-esr"]]);
  });

  it('root on Debian, the install fails or leaves no Firefox: one line with the exit status, null', () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(ensureTestTools(machine(['/usr/bin/chromium'], { isRoot: true }), () => 100, 'v22.12.0')).toBeNull();
    expect(ensureTestTools(machine(['/usr/bin/chromium'], { isRoot: true }), () => 0, 'v22.12.0')).toBeNull();
    expect(error).toHaveBeenCalledTimes(2);
    expect(String(error.mock.calls[0]?.[0])).toContain('exit 100');
    expect(String(error.mock.calls[1]?.[0])).toBe('ConvOps: installed firefox-esr, but the browser is still not there; run `apt-get update && apt-get install -y firefox-esr` yourself and look at its output, then `npm test` again.');
  });
});

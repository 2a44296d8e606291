import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkChromium, DEBIAN_INSTALL, ensureChromium, type PreflightEnv } from '../../../scripts/preflight.mjs';

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

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { wxtStartupCrashLog } from '@/scripts/wxt-startup-crash-log';
import { transformWith } from '../support/vite-plugin-hooks';

// The installed WXT's wrapper (its package exports neither the file nor package.json).
const wrapperFile = path.resolve(import.meta.dirname, '../../../node_modules/wxt/dist/virtual/content-script-isolated-world-entrypoint.mjs');
// The id WXT gives the wrapper of one content script entry.
const wrapperId = '\0virtual:wxt-content-script-isolated-world-entrypoint?/repo/entrypoints/chatgpt.content/index.ts';
const transform = (code: string, id: string) => transformWith(wxtStartupCrashLog(), code, id);

describe('the build step that drops WXT’s content-script logger', () => {
  it('sends the installed WXT wrapper’s start-up crash to console.error, leaving its logger unused', () => {
    const source = readFileSync(wrapperFile, 'utf8');
    expect(source).toMatch(/logger\.error\(/);
    const out = transform(source, wrapperId)!.code;
    expect(out).not.toMatch(/logger\.(error|warn|log|debug)\(/);
    expect(out).toContain('console.error(`The content script "${import.meta.env.ENTRYPOINT}" crashed on startup!`, err);');
    // The crash is still thrown on, and the rest of the wrapper is untouched.
    expect(out).toContain('throw err;');
    expect(out.length).toBeGreaterThan(source.length - 20);
  });

  it('fails the build when a WXT version changed the call, rather than shipping the logger unnoticed', () => {
    expect(() => transform('logger.error("The content script crashed", err);', wrapperId)).toThrow(/crash log was not found/);
  });

  it('leaves every other module alone', () => {
    expect(transform('logger.error("x")', '\0virtual:wxt-background-entrypoint?/repo/entrypoints/background.ts')).toBeNull();
    expect(transform('logger.error("x")', '/repo/entrypoints/chatgpt.content/index.ts')).toBeNull();
  });
});

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { zodWithoutEvalProbe } from '@/scripts/zod-without-eval-probe';
import { transformWith } from '../support/vite-plugin-hooks';

const zodUtil = path.join(path.dirname(createRequire(import.meta.url).resolve('zod/package.json')), 'v4', 'core', 'util.js');
const transform = (code: string, id: string) => transformWith(zodWithoutEvalProbe(), code, id);

describe('the build step that removes Zod’s eval probe', () => {
  it('replaces the installed Zod’s Function("") probe with a constant false', () => {
    const source = readFileSync(zodUtil, 'utf8');
    expect(source).toContain('new F("")');
    const out = transform(source, zodUtil)!.code;
    expect(out).not.toMatch(/new F\(|Function\(/);
    expect(out).toContain('export const allowsEval = { value: false };');
    // The rest of the module is untouched.
    expect(out.length).toBeGreaterThan(source.length - 600);
  });

  it('fails the build when a Zod version moved the probe, rather than shipping it', () => {
    expect(() => transform('export const allowsEval = () => new Function("");', zodUtil)).toThrow(/probe was not found/);
  });

  it('leaves every other module alone', () => {
    expect(transform('new Function("")', '/x/node_modules/zod/v4/core/compile.js')).toBeNull();
  });
});

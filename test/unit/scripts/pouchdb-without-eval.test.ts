import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pouchdbWithoutEval, SCOPE_EVAL_REFUSAL } from '@/scripts/pouchdb-without-eval';
import { transformWith } from '../support/vite-plugin-hooks';

const pouchdbLib = path.join(path.dirname(createRequire(import.meta.url).resolve('pouchdb-browser/package.json')), 'lib');
const transform = (code: string, id: string) => transformWith(pouchdbWithoutEval(), code, id);

/** The module's `scopeEval`, as the bundle would define it, with what it needs to run. */
function scopeEvalOf(code: string): (source: string, scope: Record<string, unknown>) => unknown {
  const start = code.indexOf('function scopeEval(');
  const end = code.indexOf('\n}\n', start) + 2;
  // The test runs it the way the bundle would (in Node, where Function is allowed, so a kept original would run).
  return new Function(`${code.slice(start, end)}\nreturn scopeEval;`)() as (source: string, scope: Record<string, unknown>) => unknown;
}

describe('the build step that takes eval out of PouchDB', () => {
  it.each(['index.es.js', 'index.js'])('replaces scopeEval in the installed pouchdb-browser %s with one that refuses', (file) => {
    const id = path.join(pouchdbLib, file);
    const source = readFileSync(id, 'utf8');
    // Before: a design document's source becomes a function.
    expect(scopeEvalOf(source)('return 6 * 7;', {})).toBe(42);
    const out = transform(source, id)!.code;
    const code = out.split('\n').filter((line) => !line.trim().startsWith('//')).join('\n');
    expect(code).not.toMatch(/Function\.apply|new Function\(|\bFunction\(/);
    // After: the same call is refused with ConvOps' reason, and evaluates nothing.
    let ran = 0;
    const scope = { mark: () => (ran += 1) };
    expect(scopeEvalOf(source)('mark(); return 1;', scope)).toBe(1);
    expect(ran).toBe(1);
    expect(() => scopeEvalOf(out)('mark(); return 1;', scope)).toThrow(SCOPE_EVAL_REFUSAL);
    expect(ran).toBe(1);
    // Every caller keeps its name: the rest of the module is untouched.
    expect(out.length).toBeGreaterThan(source.length - 400);
    expect(out).toContain('function evalFilter(input)');
  });

  it('fails the build when a PouchDB version moved scopeEval, rather than shipping it', () => {
    expect(() => transform('function scopeEval(a, b) { return new Function(a)(); }', path.join(pouchdbLib, 'index.es.js'))).toThrow(/scopeEval was not found/);
  });

  it('leaves every other module alone', () => {
    expect(transform('return Function.apply(null, keys)', '/x/node_modules/other/lib/index.js')).toBeNull();
  });
});

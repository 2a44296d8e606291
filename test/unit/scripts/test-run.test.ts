import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { playwrightTimings, runPhases, slowest, summary, testPlan, vitestTimings, type Phase, type Step } from '../../../scripts/test-run.mjs';

const step = (name: string): Step => ({ name, args: ['run', name] });

describe('npm test runner', () => {
  it('runs every check that npm test ran before: none dropped', () => {
    const names = testPlan('/tmp/timings').flatMap((phase) => phase.lanes.flat().map((s) => s.name));
    expect(names.sort()).toEqual(['build', 'build:firefox', 'lint', 'lint:firefox', 'test:e2e', 'test:firefox', 'test:firefox-deep', 'test:unit', 'typecheck'].sort());
  });

  it('web-ext lint runs after the Firefox build, and the browser suites after both builds', () => {
    const plan = testPlan('/tmp/timings');
    const phaseOf = (name: string) => plan.findIndex((phase) => phase.lanes.flat().some((s) => s.name === name));
    const lane = plan[0]?.lanes.find((l) => l.some((s) => s.name === 'lint:firefox')) ?? [];
    expect(lane.map((s) => s.name).indexOf('build:firefox')).toBeLessThan(lane.map((s) => s.name).indexOf('lint:firefox'));
    expect(phaseOf('test:e2e')).toBeGreaterThan(phaseOf('build'));
    expect(phaseOf('test:firefox')).toBeGreaterThan(phaseOf('build:firefox'));
  });

  it('lanes run side by side; a failure skips the rest of its lane and every later phase, and the other lane finishes', async () => {
    const phases: Phase[] = [{ lanes: [[step('a1'), step('a2')], [step('b1'), step('b2')]] }, { lanes: [[step('c')]] }];
    const ran: string[] = [];
    const results = await runPhases(phases, async (s) => {
      ran.push(s.name);
      return s.name === 'a1' ? 2 : 0;
    });
    expect(ran.sort()).toEqual(['a1', 'b1', 'b2']);
    expect(results.map((r) => `${r.name}:${r.status}`)).toEqual(['a1:failed', 'a2:skipped', 'b1:passed', 'b2:passed', 'c:skipped']);
  });

  it('times each step', async () => {
    let clock = 0;
    const results = await runPhases([{ lanes: [[step('slow')]] }], async () => {
      clock += 4_500;
      return 0;
    }, () => clock);
    expect(results).toEqual([{ name: 'slow', seconds: 4.5, status: 'passed' }]);
  });

  it('reads the slowest tests from the Vitest and Playwright JSON reports', () => {
    const unit = vitestTimings({
      testResults: [
        { name: path.resolve('test/unit/a.test.ts'), assertionResults: [{ fullName: 'a fast', duration: 5 }, { fullName: 'a slow', duration: 9_000 }] },
        { name: path.resolve('test/unit/b.test.ts'), assertionResults: [{ fullName: 'b middle', duration: 300 }] },
      ],
    });
    expect(slowest(unit, 2)).toEqual([
      { title: 'a slow', file: 'test/unit/a.test.ts', seconds: 9 },
      { title: 'b middle', file: 'test/unit/b.test.ts', seconds: 0.3 },
    ]);
    const e2e = playwrightTimings({
      config: { rootDir: path.resolve(import.meta.dirname, '../../../test/e2e') },
      suites: [
        {
          title: 'host.spec.ts',
          specs: [{ title: 'top', file: 'host.spec.ts', tests: [{ results: [{ duration: 1_000 }] }] }],
          suites: [{ title: 'chatgpt classic', specs: [{ title: 'inner', file: 'host.spec.ts', tests: [{ results: [{ duration: 60_000 }, { duration: 2_000 }] }] }] }],
        },
      ],
    });
    expect(slowest(e2e)).toEqual([
      { title: 'chatgpt classic › inner', file: 'test/e2e/host.spec.ts', seconds: 62 },
      { title: 'top', file: 'test/e2e/host.spec.ts', seconds: 1 },
    ]);
    expect(vitestTimings(null)).toEqual([]);
    expect(playwrightTimings(undefined)).toEqual([]);
  });

  it('the summary lists each step and at most ten tests of each kind', () => {
    const many = Array.from({ length: 15 }, (_, i) => ({ title: `t${i}`, file: 'x.test.ts', seconds: i }));
    const text = summary([{ name: 'lint', seconds: 75, status: 'passed' }, { name: 'test:e2e', seconds: 0, status: 'skipped' }], 600, { unit: many, e2e: [] });
    expect(text).toContain('npm test: FAILED in 10 min 0 s');
    expect(text).toMatch(/passed +1 min 15 s {2}lint/);
    expect(text).toContain('Slowest 10 unit tests:');
    expect(text).not.toContain('end-to-end');
    expect(text.split('\n').filter((line) => line.includes('x.test.ts'))).toHaveLength(10);
    expect(text.indexOf('› t14')).toBeLessThan(text.indexOf('› t13'));
  });

  it('on a machine without the Firefox it is told to use, npm test says so in one line within seconds and runs nothing', () => {
    const started = Date.now();
    const result = spawnSync(process.execPath, [path.resolve(import.meta.dirname, '../../../scripts/test.mjs')], {
      env: { ...process.env, FIREFOX_PATH: '/nowhere/firefox-esr' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('ConvOps: FIREFOX_PATH is /nowhere/firefox-esr, which is not an executable file: point it at Firefox, or unset it.\n');
  });
});

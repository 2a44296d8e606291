import { defineConfig } from '@playwright/test';

/**
 * `npm run bench` runs these specs (test/bench/*.bench.ts) one at a time: each measures a figure and
 * writes it to bench-results/<name>.json; scripts/bench.mjs prints them against the budgets. They are
 * measurements, not tests: they assert only that the scenario really happened.
 */
export default defineConfig({
  testDir: './test/bench',
  testMatch: '**/*.bench.ts',
  globalSetup: './test/e2e/support/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 5 * 60_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  outputDir: 'test-results/bench',
});

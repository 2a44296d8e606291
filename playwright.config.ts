import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './test/e2e',
  testMatch: '**/*.spec.ts',
  // Bundles the mock chatgpt.com / claude.ai pages (and builds the extension if it was never built).
  globalSetup: './test/e2e/support/global-setup.ts',
  // Each test launches its own Chromium with the extension; two cores run two at once at best, in CI
  // too (E2E_WORKERS=1 runs one at a time, to tell a load-dependent failure from a real one).
  workers: Number(process.env.E2E_WORKERS) || 2,
  fullyParallel: true,
  // One retry in CI, where the suite shares two cores with nothing to spare: a test that passes only on
  // its retry is listed as flaky in the output (and in the note of the session that saw it), never hidden.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // `npm test` (scripts/test.mjs) asks for a JSON report too, for its slowest-tests list.
  reporter: process.env.CONVOPS_JSON_REPORT ? [['list'], ['json', { outputFile: process.env.CONVOPS_JSON_REPORT }]] : [['list']],
  outputDir: 'test-results',
});

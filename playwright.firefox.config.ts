import { defineConfig } from '@playwright/test';

// Real Firefox (Debian's firefox-esr) driven by puppeteer-core over WebDriver BiDi: Playwright's own
// Firefox is a patched build that is not on this machine and cannot install an unpacked extension.
// The Playwright runner is only the test runner here (TypeScript, expect, reporting).
export default defineConfig({
  testDir: './test/e2e-firefox',
  testMatch: '**/*.spec.ts',
  globalSetup: './test/e2e-firefox/global-setup.ts',
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  // `npm test` (scripts/test.mjs) asks for a JSON report too, for its slowest-tests list.
  reporter: process.env.CONVOPS_JSON_REPORT ? [['list'], ['json', { outputFile: process.env.CONVOPS_JSON_REPORT }]] : [['list']],
  outputDir: 'test-results/firefox',
});

import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './test/e2e',
  testMatch: '**/*.spec.ts',
  // Bundles the mock chatgpt.com / claude.ai pages (and builds the extension if it was never built).
  globalSetup: './test/e2e/support/global-setup.ts',
  // Each test launches its own Chromium with the extension; two cores run two at once at best.
  workers: process.env.CI ? 1 : 2,
  fullyParallel: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  outputDir: 'test-results',
});

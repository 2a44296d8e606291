import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

/**
 * The bench's Node measurements (test/bench/*.node-bench.ts): the team workspace's sync code against
 * the real server, outside a browser. `npm run bench` runs them after the Playwright bench specs;
 * like those, they write bench-results/<name>.json and assert only that the scenario happened.
 */
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['test/bench/**/*.node-bench.ts'],
    maxWorkers: 1,
    testTimeout: 20 * 60_000,
  },
});

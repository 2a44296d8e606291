import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
    setupFiles: ['test/unit/setup.ts'],
    globals: true,
    coverage: {
      provider: 'v8',
      include: ['lib/**/*.ts'],
      reporter: ['text-summary', 'text'],
      // lib/ as a whole (the content script and background code included), and higher where the rules live.
      thresholds: {
        lines: 80,
        'lib/workflow/**': { lines: 90 },
        'lib/db/**': { lines: 90 },
      },
    },
  },
});

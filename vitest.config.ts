import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

/** The fuzz files take a fifth of the suite each; started last, one of them is the whole tail. */
const longFile = /(-fuzz|backup-restore)\.test\.ts$/;

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter((file) => longFile.test(file.moduleId)), ...sorted.filter((file) => !longFile.test(file.moduleId))];
  }
}

export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
    setupFiles: ['test/unit/setup.ts'],
    globals: true,
    // Vitest's default is one worker fewer than the cores: one worker on a 2-core machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: LongestFirst },
    // A limit catches a hang; on a shared 2-core machine a 0.6 s test has taken 6.5 s (5 s is Vitest's default).
    testTimeout: 30_000,
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

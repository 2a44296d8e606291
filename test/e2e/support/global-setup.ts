import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CHROMIUM, ensureTestTools } from '../../../scripts/preflight.mjs';
import { ensureMockBundles } from '../mock-sites/build';
import { extensionPath } from './extension';

/** Checks the machine, bundles the mock sites once for all workers, and builds the extension when no build exists yet. */
export default async function globalSetup(): Promise<void> {
  // Run alone (`npm run test:e2e`, `test:firefox`), a suite checks the machine as `npm test` does: one
  // sentence and a non-zero exit when a browser is missing, not a launch's stack trace in every test.
  const tools = ensureTestTools(undefined, undefined, undefined, [CHROMIUM]);
  if (!tools) process.exit(1);
  Object.assign(process.env, tools);
  if (!existsSync(path.join(extensionPath, 'manifest.json'))) {
    execFileSync('npx', ['wxt', 'build'], { cwd: path.resolve(extensionPath, '../..'), stdio: 'inherit' });
  }
  await ensureMockBundles();
}

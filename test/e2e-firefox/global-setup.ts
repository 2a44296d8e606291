import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureTestTools, FIREFOX } from '../../scripts/preflight.mjs';
import { ensureMockBundles } from '../e2e/mock-sites/build';
import { firefoxExtensionPath } from './firefox';

/** Checks the machine, bundles the mock sites, and builds the Firefox extension when no build exists yet. */
export default async function globalSetup(): Promise<void> {
  // Run alone (`npm run test:e2e`, `test:firefox`), a suite checks the machine as `npm test` does: one
  // sentence and a non-zero exit when a browser is missing, not a launch's stack trace in every test.
  const tools = ensureTestTools(undefined, undefined, undefined, [FIREFOX]);
  if (!tools) process.exit(1);
  Object.assign(process.env, tools);
  if (!existsSync(path.join(firefoxExtensionPath, 'manifest.json'))) {
    execFileSync('npx', ['wxt', 'build', '-b', 'firefox', '--mv3'], { cwd: path.resolve(firefoxExtensionPath, '../..'), stdio: 'inherit' });
  }
  await ensureMockBundles();
}

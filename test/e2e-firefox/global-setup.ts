import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureMockBundles } from '../e2e/mock-sites/build';
import { firefoxExtensionPath } from './firefox';

/** Bundles the mock sites, and builds the Firefox extension when no build exists yet. */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(path.join(firefoxExtensionPath, 'manifest.json'))) {
    execFileSync('npx', ['wxt', 'build', '-b', 'firefox', '--mv3'], { cwd: path.resolve(firefoxExtensionPath, '../..'), stdio: 'inherit' });
  }
  await ensureMockBundles();
}

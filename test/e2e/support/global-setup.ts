import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureMockBundles } from '../mock-sites/build';
import { extensionPath } from './extension';

/** Bundles the mock sites once for all workers, and builds the extension when no build exists yet. */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(path.join(extensionPath, 'manifest.json'))) {
    execFileSync('npx', ['wxt', 'build'], { cwd: path.resolve(extensionPath, '../..'), stdio: 'inherit' });
  }
  await ensureMockBundles();
}

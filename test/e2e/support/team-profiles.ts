import { chromium, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestTeamServer } from '../../support/team-server';
import { installPanelReveal, registerPanelEngine } from './closed-panel';
import { chromiumArgsWithExtension, chromiumPath, expect, extensionPath, extensionServiceWorker } from './extension';

/**
 * Browser profiles for the team workspace specs, against the real server (PouchDB Server on loopback).
 * The extension asks for the workspace's origin when a person connects (optional_host_permissions); a
 * test cannot click the browser's own permission prompt, so a profile loads a copy of the build in
 * which loopback is already granted — the state after the person said yes.
 */

export interface TeamProfile {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  close: () => Promise<void>;
}

export async function profileWithLoopbackGranted(): Promise<TeamProfile> {
  const dir = await mkdtemp(path.join(tmpdir(), 'convops-team-e2e-'));
  const build = path.join(dir, 'extension');
  await cp(extensionPath, build, { recursive: true });
  const manifestPath = path.join(build, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { host_permissions: string[] };
  manifest.host_permissions = [...manifest.host_permissions, 'http://127.0.0.1/*'];
  await writeFile(manifestPath, JSON.stringify(manifest));
  await registerPanelEngine();
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), { executablePath: chromiumPath, headless: true, args: chromiumArgsWithExtension(build) });
  await installPanelReveal(context);
  const worker = await extensionServiceWorker(context);
  return {
    context,
    worker,
    extensionId: new URL(worker.url()).host,
    close: async () => {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Names the person in Settings, then connects on Options → Team (to `url`, the team database by default); returns that options page. */
export async function connectToTeam(team: TestTeamServer, profile: Pick<TeamProfile, 'context' | 'extensionId'>, user: string, name: string, url = team.url): Promise<Page> {
  const page = await profile.context.newPage();
  await page.goto(`chrome-extension://${profile.extensionId}/options.html#/settings`);
  await page.getByTestId('setting-display-name').fill(name);
  await page.getByTestId('setting-display-name').blur();
  await expect(page.getByTestId('settings-status')).toContainText('Saved');
  await page.goto(`chrome-extension://${profile.extensionId}/options.html#/team`);
  await page.getByTestId('team-url').fill(url);
  await page.getByTestId('team-user').fill(user);
  await page.getByTestId('team-password').fill(team.user(user).password);
  await page.getByTestId('team-connect-submit').click();
  await expect(page.getByTestId('team-status')).toHaveAttribute('data-state', 'connected');
  return page;
}

import { chromium, type BrowserContext, type Worker } from '@playwright/test';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestTeamServer, type TestTeamServer } from '../support/team-server';
import { createWorkflow } from './options-support';
import { completeStep, ensureName, openReview, panelOf, startWorkflow } from './panel-support';
import { installPanelReveal, registerPanelEngine } from './support/closed-panel';
import { openChatGPT, routeMockSites } from './support/mock-sites';
import { chromiumArgsWithExtension, chromiumPath, expect, extensionPath, extensionServiceWorker, test } from './support/extension';

/**
 * The team workspace against the real server (PouchDB Server on loopback, started here), in real
 * browser profiles. The extension asks for the workspace's origin when a person connects
 * (optional_host_permissions); a test cannot click the browser's own permission prompt, so these
 * profiles load a copy of the build in which loopback is already granted — the state after the
 * person said yes. (`permissions.request` for a granted origin answers at once, without a prompt.)
 */

let team: TestTeamServer;

test.beforeAll(async () => {
  team = await startTestTeamServer();
});

test.afterAll(async () => {
  await team?.stop();
});

async function profileWithLoopbackGranted(): Promise<{ context: BrowserContext; worker: Worker; extensionId: string; close: () => Promise<void> }> {
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

test('without the workspace origin granted, the session cookie does not travel (the permission is needed)', async ({ serviceWorker }) => {
  const answer = await serviceWorker.evaluate(
    async ({ origin, password }) => {
      await fetch(`${origin}/_session`, { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'max', password }) });
      return ((await (await fetch(`${origin}/_session`, { credentials: 'include' })).json()) as { userCtx: { name: string | null } }).userCtx.name;
    },
    { origin: team.server.replace(/\/$/, ''), password: team.user('max').password },
  );
  expect(answer).toBeNull();
});

test('with it, the background signs in once and its later requests carry the session cookie', async () => {
  const profile = await profileWithLoopbackGranted();
  try {
    const answer = await profile.worker.evaluate(
      async ({ origin, url, password }) => {
        const login = await fetch(`${origin}/_session`, { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'max', password }) });
        // No password and no Authorization header from here on: only the cookie the browser kept.
        const session = (await (await fetch(`${origin}/_session`, { credentials: 'include' })).json()) as { userCtx: { name: string | null } };
        const database = await fetch(url, { credentials: 'include' });
        const without = await fetch(url, { credentials: 'omit' });
        return { login: login.status, name: session.userCtx.name, database: database.status, without: without.status };
      },
      { origin: team.server.replace(/\/$/, ''), url: team.url, password: team.user('max').password },
    );
    expect(answer).toEqual({ login: 200, name: 'max', database: 200, without: 401 });
  } finally {
    await profile.close();
  }
});

async function connect(profile: { context: BrowserContext; extensionId: string }, user: string, name: string) {
  const page = await profile.context.newPage();
  await page.goto(`chrome-extension://${profile.extensionId}/options.html#/settings`);
  await page.getByTestId('setting-display-name').fill(name);
  await page.getByTestId('setting-display-name').blur();
  await expect(page.getByTestId('settings-status')).toContainText('Saved');
  await page.goto(`chrome-extension://${profile.extensionId}/options.html#/team`);
  await page.getByTestId('team-url').fill(team.url);
  await page.getByTestId('team-user').fill(user);
  await page.getByTestId('team-password').fill(team.user(user).password);
  await page.getByTestId('team-connect-submit').click();
  await expect(page.getByTestId('team-status')).toHaveAttribute('data-state', 'connected');
  return page;
}

test('a lead publishes a four-eyes workflow from Options → Team; a member\'s library shows it as the team\'s, read-only', async () => {
  test.setTimeout(120_000);
  // One browser at a time on this machine: the lead publishes and closes, then the member connects.
  const leadProfile = await profileWithLoopbackGranted();
  try {
    const page = await connect(leadProfile, 'lea', 'Lea Lead');
    await createWorkflow(page, leadProfile.extensionId, {
      name: 'Team onboarding',
      steps: [
        { title: 'Collect facts', instructions: 'Collect the facts.' },
        { title: 'Check it', instructions: 'Present it.', gate: { type: 'approval', ask: 'Complete and correct?' } },
      ],
    });
    // The editor offers who may decide in plain words; four eyes for this gate.
    await page.getByTestId('editor-step').nth(1).getByTestId('step-gate-decided-by').selectOption({ label: 'An approver other than the person who did the step (four eyes)' });
    await page.getByTestId('save-workflow').click();
    await expect(page.getByTestId('version-note')).toContainText('2');
    await page.goto(`chrome-extension://${leadProfile.extensionId}/options.html#/team`);
    await page.getByTestId('team-publish-workflow').selectOption({ label: 'Team onboarding (v2)' });
    await page.getByTestId('team-publish').click();
    await expect(page.getByText('Published "team-onboarding" to the team')).toBeVisible();
    // The background sends it: the server holds the signed version.
    await expect
      .poll(async () => ((await team.request('lea', 'GET', '_all_docs')).json.rows as Array<{ id: string }>).map((row) => row.id), { timeout: 15_000 })
      .toContain('workflow:team-onboarding:2');
  } finally {
    await leadProfile.close();
  }

  const memberProfile = await profileWithLoopbackGranted();
  try {
    const member = await connect(memberProfile, 'max', 'Max Member');
    await member.goto(`chrome-extension://${memberProfile.extensionId}/options.html#/library`);
    const row = member.locator('[data-testid="workflow-row"][data-workflow-id="team-onboarding"]');
    await expect(row).toHaveAttribute('data-source', 'team', { timeout: 15_000 });
    await expect(row.getByTestId('workflow-version')).toHaveText('v2');
    await expect(row.getByTestId('edit-workflow')).toHaveCount(0);
    await expect(row.getByTestId('duplicate-workflow')).toContainText('Duplicate to edit');
  } finally {
    await memberProfile.close();
  }
});

test('four eyes across two browsers: the operator cannot approve their own gate; the approver approves in hers; the operator\'s panel moves on', async () => {
  test.setTimeout(180_000);
  const operator = await profileWithLoopbackGranted();
  const approver = await profileWithLoopbackGranted();
  try {
    const options = await connect(operator, 'max', 'Max Member');
    await createWorkflow(options, operator.extensionId, {
      name: 'Four eyes SOP',
      steps: [
        { title: 'Draft', instructions: 'Draft the SOP.' },
        { title: 'Review', instructions: 'Present it.', gate: { type: 'approval', ask: 'Is the SOP right?' } },
        { title: 'Publish', instructions: 'Publish it.' },
      ],
    });
    await options.getByTestId('editor-step').nth(1).getByTestId('step-gate-decided-by').selectOption('approver-not-operator');
    await options.getByTestId('save-workflow').click();
    await expect(options.getByTestId('version-note')).toContainText('2');

    await routeMockSites(operator.context);
    const chat = await operator.context.newPage();
    await openChatGPT(chat);
    const panel = panelOf(chat);
    await ensureName(panel, 'Max Member');
    // The operator completes the steps by hand: nothing goes to the chat meanwhile.
    await startWorkflow(panel, 'four-eyes-sop', 'Quarterly SOP', { drive: false });
    await completeStep(panel);
    await completeStep(panel);
    await expect(panel.getByTestId('approve-gate')).toBeVisible();

    // The operator's own approval is refused by the engine, in plain words, and changes nothing.
    const review = await openReview(panel, 'approve-gate');
    await review.getByTestId('confirm-approve').click();
    await expect(review.getByText('needs a second pair of eyes').or(review.getByText('Only an approver of the team'))).toBeVisible();
    await review.close();
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'review');

    // The approver, in her own browser, sees the shared task waiting and approves it.
    const team = await connect(approver, 'ana', 'Ana Approver');
    const waiting = team.locator('[data-testid="team-waiting-gate"]').filter({ hasText: 'Quarterly SOP' });
    await expect(waiting).toBeVisible({ timeout: 20_000 });
    await waiting.getByTestId('confirm-approve').click();
    await expect(team.getByText('Approved "Quarterly SOP"; signed and sent to max.')).toBeVisible();

    // The operator's open panel moves on by itself, and says who decided.
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'publish', { timeout: 15_000 });
    await expect(panel.getByTestId('decided-by')).toHaveText('Approved by Ana Approver (signed)');
  } finally {
    await approver.close();
    await operator.close();
  }
});

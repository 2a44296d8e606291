import type { Worker } from '@playwright/test';
import { startTestTeamServer, type TestTeamServer } from '../support/team-server';
import { createWorkflow } from './options-support';
import { completeStep, ensureName, openReview, panelOf, startWorkflow, taskIdOf } from './panel-support';
import { openChatGPT, routeMockSites } from './support/mock-sites';
import { expect, test } from './support/extension';
import { connectToTeam, profileWithLoopbackGranted, type TeamProfile } from './support/team-profiles';

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

const connect = (profile: TeamProfile, user: string, name: string) => connectToTeam(team, profile, user, name);

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

const badgeText = (worker: Worker) => worker.evaluate(() => (globalThis as unknown as { chrome: { action: { getBadgeText(details: object): Promise<string> } } }).chrome.action.getBadgeText({}));

test('four eyes across browsers: the approver\'s badge counts the gate; she rejects from the shared task\'s page and approves from her Team screen; a manager sees the task live, Verify says verified, and a note edited on the server is not', async () => {
  test.setTimeout(240_000);
  const operator = await profileWithLoopbackGranted();
  let approver: TeamProfile | undefined = await profileWithLoopbackGranted();
  let manager: TeamProfile | undefined;
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
    // The operator completes the steps by hand: nothing goes to the chat meanwhile. A note on the draft.
    await startWorkflow(panel, 'four-eyes-sop', 'Quarterly SOP', { drive: false });
    const taskId = await taskIdOf(panel);
    await panel.getByRole('button', { name: /Add a note to/ }).click();
    await panel.getByLabel(/New note for/).fill('Draft: steps 1 to 3, with owners.');
    await panel.getByRole('button', { name: 'Add note', exact: true }).click();
    await expect(panel.locator('[data-testid="note"][data-source="manual"]')).toHaveCount(1);
    await completeStep(panel);
    await completeStep(panel);
    await expect(panel.getByTestId('approve-gate')).toBeVisible();

    // The operator's own approval is refused by the engine, in plain words, and changes nothing.
    const review = await openReview(panel, 'approve-gate');
    await review.getByTestId('confirm-approve').click();
    await expect(review.getByText('needs a second pair of eyes').or(review.getByText('Only an approver of the team'))).toBeVisible();
    await review.close();
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'review');

    // The approver, in her own browser: her toolbar badge counts the colleague's gate she may decide.
    const ana = await connect(approver, 'ana', 'Ana Approver');
    await expect.poll(() => badgeText(approver!.worker), { timeout: 20_000 }).toBe('1');
    // She opens it from her dashboard (the team's tasks beside her own) and rejects it there.
    await ana.goto(`chrome-extension://${approver.extensionId}/options.html#/tasks`);
    const sharedRow = ana.locator('[data-testid="team-task"][data-owner="max"]').filter({ hasText: 'Quarterly SOP' });
    await expect(sharedRow.getByTestId('team-task-decide')).toHaveText('your decision');
    await sharedRow.getByRole('link', { name: 'Quarterly SOP' }).click();
    await expect(ana.getByTestId('team-task-owner')).toContainText('Max Member');
    await ana.getByTestId('gate-comment').fill('Add the rollback step.');
    await ana.getByTestId('reject-gate').click();
    await expect(ana.getByTestId('team-decision-sent')).toContainText('Rejected “Review” of "Quarterly SOP"; signed and sent to Max Member.');
    await expect.poll(() => badgeText(approver!.worker)).toBe('');

    // The operator's panel takes the rejection (checked there again): the step is open again.
    await expect(panel.getByTestId('complete-step')).toBeVisible({ timeout: 15_000 });
    await expect(panel.getByTestId('approve-gate')).toHaveCount(0);
    await completeStep(panel);
    await expect(panel.getByTestId('approve-gate')).toBeVisible();

    // The new gate request counts again; she approves it from her Team screen.
    await expect.poll(() => badgeText(approver!.worker), { timeout: 20_000 }).toBe('1');
    await ana.goto(`chrome-extension://${approver.extensionId}/options.html#/team`);
    const waiting = ana.locator('[data-testid="team-waiting-gate"]').filter({ hasText: 'Quarterly SOP' });
    await expect(waiting).toBeVisible({ timeout: 20_000 });
    await waiting.getByTestId('confirm-approve').click();
    await expect(ana.getByText('Approved "Quarterly SOP"; signed and sent to max.')).toBeVisible();
    await expect.poll(() => badgeText(approver!.worker)).toBe('');

    // The operator's open panel moves on by itself, and says who decided.
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'publish', { timeout: 15_000 });
    await expect(panel.getByTestId('decided-by')).toHaveText('Approved by Ana Approver (signed)');
    await approver.close();
    approver = undefined;

    // A manager (here the lead) connects a third browser: the shared task is on her dashboard, marked as Max's.
    manager = await profileWithLoopbackGranted();
    const lea = await connect(manager, 'lea', 'Lea Lead');
    await lea.goto(`chrome-extension://${manager.extensionId}/options.html#/tasks`);
    const row = lea.locator(`[data-testid="team-task"][data-owner="max"][data-task-id="${taskId}"]`);
    await expect(row).toContainText('Publish', { timeout: 20_000 });
    await expect(row).toContainText('Max Member');
    await expect(row).toHaveAttribute('data-verified', 'true');
    // Live: the operator completes the last step; her dashboard follows without a reload.
    await completeStep(panel);
    await expect(row).toContainText('Completed', { timeout: 15_000 });
    await operator.context.close();

    await row.getByRole('link', { name: 'Quarterly SOP' }).click();
    await lea.getByTestId('verify-task').click();
    const verdict = lea.getByTestId('task-verdict');
    await expect(verdict).toHaveAttribute('data-ok', 'true');
    // Max's own events and Ana's two signed decisions (each carried by the event that records it).
    await expect(verdict).toHaveText(/^Record verified: \d+ events, 1 note, \d+ signatures from the team directory\.$/);

    // An admin edits the note on the server: her open view says at once that the record does not verify, and why.
    const ids = ((await team.request(team.admin.name, 'GET', '_all_docs')).json.rows as Array<{ id: string }>).map((r) => r.id);
    const noteId = ids.find((id) => id.startsWith(`task:max:${taskId}:note:`))!;
    const stored = await team.request(team.admin.name, 'GET', encodeURIComponent(noteId));
    const edited = { ...stored.json, note: { ...(stored.json['note'] as object), body: 'Draft: nothing to check.' } };
    expect((await team.request(team.admin.name, 'PUT', encodeURIComponent(noteId), edited)).status).toBe(201);
    await expect(verdict).toHaveAttribute('data-ok', 'false', { timeout: 20_000 });
    await expect(verdict).toContainText(/The note by Max Member of .* was changed after it was recorded: its text does not match event \d+\./);
    await lea.goto(`chrome-extension://${manager.extensionId}/options.html#/tasks`);
    await expect(row).toHaveAttribute('data-verified', 'false');
    await expect(row.getByTestId('team-task-unverified')).toHaveText('not verified');
  } finally {
    await manager?.close();
    await approver?.close();
    await operator.close();
  }
});

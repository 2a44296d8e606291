import type { Worker } from '@playwright/test';
import { startTestTeamServer, type TestTeamServer } from '../support/team-server';
import { completeStep, ensureName, openReview, panelOf, readEvents, taskIdOf } from './panel-support';
import { briefingSent, fastProtocol, onStep, say } from './support/drive';
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

const badgeText = (worker: Worker) => worker.evaluate(() => (globalThis as unknown as { chrome: { action: { getBadgeText(details: object): Promise<string> } } }).chrome.action.getBadgeText({}));

type BadgeGlobal = { chrome: { action: { setBadgeText(details: { text: string }): Promise<void> } }; __badgesShown?: string[] };
/**
 * From now on, keeps every text the background sets on the badge. In drive mode the operator's AI asks
 * for the gate again soon after a rejection, so the empty badge between the two requests can be too
 * short for a poll of the badge to see; the texts set say that it was shown.
 */
const keepBadgesShown = (worker: Worker) =>
  worker.evaluate(() => {
    const g = globalThis as unknown as BadgeGlobal;
    const action = g.chrome.action;
    const set = action.setBadgeText.bind(action);
    g.__badgesShown = [];
    action.setBadgeText = (details) => (g.__badgesShown!.push(details.text), set(details));
  });
const badgesShown = (worker: Worker) => worker.evaluate(() => (globalThis as unknown as BadgeGlobal).__badgesShown ?? []);

test('SOP Documentation, four eyes, across browsers: the lead publishes her copy; a member runs it in drive mode to the Walkthrough gate and may not approve it; the approver\'s badge counts it, she rejects from the task\'s page and approves from her Team screen; the driven task moves on; a manager sees it live, Verify says verified, and a note edited on the server is not', async () => {
  test.setTimeout(180_000);
  // The lead duplicates the built-in SOP Documentation, makes its Walkthrough gate four eyes in plain
  // words, and publishes it. One browser at a time on this machine: she closes before the others open.
  const leadProfile = await profileWithLoopbackGranted();
  try {
    const page = await connect(leadProfile, 'lea', 'Lea Lead');
    await page.goto(`chrome-extension://${leadProfile.extensionId}/options.html#/library`);
    await page.locator('[data-testid="workflow-row"][data-workflow-id="sop-documentation"]').getByTestId('duplicate-workflow').click();
    const editor = page.getByTestId('workflow-editor');
    await expect(editor.getByTestId('workflow-name')).toHaveValue('SOP Documentation (copy)');
    await editor.getByTestId('workflow-name').fill('SOP Documentation (four eyes)');
    const walkthrough = editor.getByTestId('editor-step').nth(2);
    await expect(walkthrough.getByTestId('step-title')).toHaveValue('Walkthrough');
    await walkthrough.getByTestId('step-gate-decided-by').selectOption({ label: 'An approver other than the person who did the step (four eyes)' });
    await editor.getByTestId('save-workflow').click();
    await expect(page).toHaveURL(/#\/library\/sop-documentation-copy\/edit$/);
    await expect(page.getByTestId('version-note')).toContainText('Running tasks keep version 1');
    await page.goto(`chrome-extension://${leadProfile.extensionId}/options.html#/team`);
    await page.getByTestId('team-publish-workflow').selectOption({ label: 'SOP Documentation (four eyes) (v1)' });
    await page.getByTestId('team-publish').click();
    await expect(page.getByText('Published "sop-documentation-copy" to the team')).toBeVisible();
    // The background sends it: the server holds the signed version, its gate four eyes.
    await expect
      .poll(async () => ((await team.request('lea', 'GET', '_all_docs')).json.rows as Array<{ id: string }>).map((row) => row.id), { timeout: 15_000 })
      .toContain('workflow:sop-documentation-copy:1');
    const publishedCopy = (await team.request('lea', 'GET', 'workflow:sop-documentation-copy:1')).json['workflow'] as { steps: Array<{ id: string; gate?: object }> };
    expect(publishedCopy.steps.map((step) => step.id)).toEqual(['capture-process', 'draft-sop', 'walkthrough', 'publish']);
    expect(publishedCopy.steps[2]!.gate).toMatchObject({ type: 'approval', onReject: 'draft-sop', decidedBy: 'approver-not-operator' });
  } finally {
    await leadProfile.close();
  }

  const operator = await profileWithLoopbackGranted();
  let approver: TeamProfile | undefined;
  let manager: TeamProfile | undefined;
  try {
    // The member's library shows it as the team's, read-only.
    const options = await connect(operator, 'max', 'Max Member');
    await options.goto(`chrome-extension://${operator.extensionId}/options.html#/library`);
    const published = options.locator('[data-testid="workflow-row"][data-workflow-id="sop-documentation-copy"]');
    await expect(published).toHaveAttribute('data-source', 'team', { timeout: 15_000 });
    await expect(published.getByTestId('workflow-version')).toHaveText('v1');
    await expect(published.getByTestId('edit-workflow')).toHaveCount(0);
    await expect(published.getByTestId('duplicate-workflow')).toContainText('Duplicate to edit');

    // He starts a task from it in the ChatGPT panel (drive mode, the default): the AI interviews him.
    await routeMockSites(operator.context);
    const chat = await operator.context.newPage();
    await openChatGPT(chat, { script: fastProtocol, urlDelayMs: 200 });
    const panel = panelOf(chat);
    await ensureName(panel, 'Max Member');
    await expect(panel.getByTestId('workflow-picker').locator('option[value="sop-documentation-copy"]')).toBeAttached({ timeout: 15_000 });
    await panel.getByTestId('workflow-picker').selectOption('sop-documentation-copy');
    await panel.getByTestId('task-title').fill('Quarterly SOP');
    await panel.getByTestId('start-and-send').click();
    await onStep(panel, 'capture-process');
    const taskId = await taskIdOf(panel);
    await expect(panel.getByTestId('drive-toggle')).toBeChecked();
    await expect(panel.locator('[data-testid="note"][data-step-id="capture-process"]')).toContainText('two questions', { timeout: 15_000 });
    await say(chat, 'classic', 'The controller runs it every quarter, in the ledger.');
    // The AI completes the interview and the draft; ConvOps sends each next briefing; the AI requests the gate.
    await briefingSent(chat, 'Step 2 of 4: Draft SOP');
    await briefingSent(chat, 'Step 3 of 4: Walkthrough');
    await onStep(panel, 'walkthrough');
    await expect(panel.getByTestId('approve-gate')).toBeVisible({ timeout: 15_000 });
    // His own note on the walkthrough.
    await panel.getByRole('button', { name: /Add a note to/ }).click();
    await panel.getByLabel(/New note for/).fill('Walkthrough: checked with the controller.');
    await panel.getByRole('button', { name: 'Add note', exact: true }).click();
    await expect(panel.locator('[data-testid="note"][data-source="manual"]')).toHaveCount(1);

    // The operator's own approval is refused by the engine, in plain words, and changes nothing.
    const review = await openReview(panel, 'approve-gate');
    await review.getByTestId('confirm-approve').click();
    await expect(review.getByText('needs a second pair of eyes').or(review.getByText('Only an approver of the team'))).toBeVisible();
    await review.close();
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'walkthrough');
    await expect(panel.getByTestId('approve-gate')).toBeVisible();

    // The approver, in her own browser: her toolbar badge counts the colleague's gate she may decide.
    approver = await profileWithLoopbackGranted();
    const ana = await connect(approver, 'ana', 'Ana Approver');
    await expect.poll(() => badgeText(approver!.worker), { timeout: 20_000 }).toBe('1');
    // She opens it from her dashboard (the team's tasks beside her own) and rejects it there.
    await ana.goto(`chrome-extension://${approver.extensionId}/options.html#/tasks`);
    const sharedRow = ana.locator('[data-testid="team-task"][data-owner="max"]').filter({ hasText: 'Quarterly SOP' });
    await expect(sharedRow.getByTestId('team-task-decide')).toHaveText('your decision');
    await sharedRow.getByRole('link', { name: 'Quarterly SOP' }).click();
    await expect(ana.getByTestId('team-task-owner')).toContainText('Max Member');
    // She decides on the AI's walkthrough (the step's result), not on his note beside it.
    await expect(ana.getByTestId('gate-result')).toContainText('Reply of ChatGPT');
    await expect(ana.getByTestId('gate-result')).toContainText('Walkthrough of the SOP for Quarterly SOP');
    await ana.getByTestId('gate-comment').fill('Add the rollback step.');
    await keepBadgesShown(approver.worker);
    await ana.getByTestId('reject-gate').click();
    await expect(ana.getByTestId('team-decision-sent')).toContainText('Rejected “Walkthrough” of "Quarterly SOP"; signed and sent to Max Member.');
    // Her decision takes it off her badge.
    await expect.poll(() => badgesShown(approver!.worker), { timeout: 20_000 }).toContain('');

    // The operator's panel takes the rejection: back to Draft SOP, whose briefing (with her comment) drive
    // mode sends; the AI redrafts, walks it through again and requests the gate again.
    const redraft = await briefingSent(chat, 'Step 2 of 4: Draft SOP', 2);
    expect(redraft).toContain('Add the rollback step.');
    await briefingSent(chat, 'Step 3 of 4: Walkthrough', 2);
    await expect(panel.getByTestId('approve-gate')).toBeVisible({ timeout: 15_000 });
    // This time the AI will answer the Publish briefing without the completion line (a model forgets
    // it): the last step waits for the operator, and the manager watches him complete it.
    await chat.evaluate(() => window.__mock.setScript({ protocol: false, replies: ['Publish: the final text is on the team wiki, with a review date in six months.'] }));

    // The new gate request counts again; she approves it from her Team screen.
    await expect.poll(() => badgeText(approver!.worker), { timeout: 20_000 }).toBe('1');
    await ana.goto(`chrome-extension://${approver.extensionId}/options.html#/team`);
    const waiting = ana.locator('[data-testid="team-waiting-gate"]').filter({ hasText: 'Quarterly SOP' });
    await expect(waiting).toBeVisible({ timeout: 20_000 });
    await waiting.getByTestId('confirm-approve').click();
    await expect(ana.getByText('Approved "Quarterly SOP"; signed and sent to max.')).toBeVisible();
    await expect.poll(() => badgeText(approver!.worker), { timeout: 20_000 }).toBe('');

    // The operator's open panel moves on by itself, says who decided, and drive mode sends Publish's briefing.
    await onStep(panel, 'publish');
    await expect(panel.getByTestId('decided-by')).toHaveText('Approved by Ana Approver (signed)');
    await briefingSent(chat, 'Step 4 of 4: Publish');
    await expect(panel.locator('[data-testid="note"][data-step-id="publish"]')).toHaveCount(1, { timeout: 15_000 });
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
    // His record: the AI completed the steps before the gate and requested it twice; only Ana decided it;
    // ConvOps sent each briefing after the first; his refused approval left nothing.
    const events = await readEvents(operator.worker, taskId);
    const of = (type: string) => events.filter((e) => e.type === type).map((e) => [e.stepId, e.actor.name]);
    expect(of('step.completed')).toEqual([['capture-process', 'ChatGPT'], ['draft-sop', 'ChatGPT'], ['draft-sop', 'ChatGPT'], ['walkthrough', 'Ana Approver'], ['publish', 'Max Member']]);
    expect(of('gate.requested')).toEqual([['walkthrough', 'ChatGPT'], ['walkthrough', 'ChatGPT']]);
    expect(of('gate.rejected')).toEqual([['walkthrough', 'Ana Approver']]);
    expect(of('gate.approved')).toEqual([['walkthrough', 'Ana Approver']]);
    expect(events.filter((e) => e.type === 'briefing.inserted' && e.actor.kind === 'system').map((e) => e.stepId)).toEqual(['draft-sop', 'walkthrough', 'draft-sop', 'walkthrough', 'publish']);
    await operator.context.close();

    await row.getByRole('link', { name: 'Quarterly SOP' }).click();
    await lea.getByTestId('verify-task').click();
    const verdict = lea.getByTestId('task-verdict');
    await expect(verdict).toHaveAttribute('data-ok', 'true', { timeout: 20_000 });
    // Max's own events, the AI's seven captured replies beside his note, and Ana's two signed decisions.
    await expect(verdict).toHaveText(/^Record verified: \d+ events, 8 notes, \d+ signatures from the team directory\.$/);

    // An admin edits Max's note on the server: her open view says at once that the record does not verify, and why.
    const ids = ((await team.request(team.admin.name, 'GET', '_all_docs')).json.rows as Array<{ id: string }>).map((r) => r.id);
    const notes = await Promise.all(ids.filter((id) => id.startsWith(`task:max:${taskId}:note:`)).map(async (id) => (await team.request(team.admin.name, 'GET', encodeURIComponent(id))).json));
    const stored = notes.find((doc) => (doc['note'] as { body: string }).body === 'Walkthrough: checked with the controller.')!;
    const edited = { ...stored, note: { ...(stored['note'] as object), body: 'Walkthrough: nothing to check.' } };
    expect((await team.request(team.admin.name, 'PUT', encodeURIComponent(stored['_id'] as string), edited)).status).toBe(201);
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

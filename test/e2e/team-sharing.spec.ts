import { startTeamProxy, type TeamProxy } from '../support/team-proxy';
import { startTestTeamServer, type TestTeamServer } from '../support/team-server';
import { ensureName, fillRequiredInputs, panelOf, taskIdOf } from './panel-support';
import { openChatGPT, routeMockSites } from './support/mock-sites';
import { expect, test } from './support/extension';
import { connectToTeam, profileWithLoopbackGranted } from './support/team-profiles';

/**
 * A member's side of the team workspace in a real browser, against the real server: the start form's
 * "Share this task with the team" (preset from the Team screen's default; unticked, the task stays
 * here), "Share with the team" on the task's page, and the panel's line while the workspace does not answer.
 */

let team: TestTeamServer;
let proxy: TeamProxy;

test.beforeAll(async () => {
  team = await startTestTeamServer();
  // The browser reaches the server through a proxy that can drop off the network and come back.
  proxy = await startTeamProxy(team.server);
});

test.afterAll(async () => {
  await proxy?.close();
  await team?.stop();
});

const serverIds = async () => ((await team.request(team.admin.name, 'GET', '_all_docs')).json['rows'] as Array<{ id: string }>).map((row) => row.id);

test('a task started unshared stays here until shared from its page; the panel says when the workspace is offline, and no more once it is back', async () => {
  test.setTimeout(90_000);
  const profile = await profileWithLoopbackGranted();
  try {
    const options = await connectToTeam(team, profile, 'max', 'Max Member', `${proxy.url}/${team.database}`);
    await routeMockSites(profile.context);
    const chat = await profile.context.newPage();
    await openChatGPT(chat);
    const panel = panelOf(chat);
    await ensureName(panel, 'Max Member');
    await expect(panel.getByTestId('team-offline')).toHaveCount(0);

    // The start form offers sharing, ticked as the Team screen's default says; the member unticks it.
    const share = panel.getByTestId('share-task');
    await expect(share).toBeChecked();
    await share.uncheck();
    const picker = panel.getByTestId('workflow-picker');
    await expect(picker.locator('option[value="sop-documentation"]')).toBeAttached({ timeout: 15_000 });
    await picker.selectOption('sop-documentation');
    await panel.getByTestId('task-title').fill('Kept on this machine');
    await fillRequiredInputs(panel);
    await panel.getByTestId('start-task').click();
    await expect(panel.getByTestId('step-list')).toBeVisible();
    const id = await taskIdOf(panel);

    // Nothing of it on the server, though the member's directory entry arrived (the sync ran).
    await expect.poll(serverIds, { timeout: 15_000 }).toContain('member:max');
    await expect(options.getByText('Everything is sent.')).toBeVisible();
    expect((await serverIds()).filter((doc) => doc.includes(id))).toEqual([]);

    // Shared later from its page: its head and events arrive.
    await options.goto(`chrome-extension://${profile.extensionId}/options.html#/tasks/${encodeURIComponent(id)}`);
    await options.getByTestId('share-with-team').click();
    await expect(options.getByTestId('team-shared')).toBeVisible();
    await expect.poll(async () => (await serverIds()).filter((doc) => doc.includes(id)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);

    // The workspace stops answering: the open panel says since when, and that the work is kept.
    await proxy.pause();
    const line = panel.getByTestId('team-offline');
    await expect(line).toHaveAttribute('data-state', 'offline', { timeout: 20_000 });
    await expect(line).toContainText('Team workspace offline since');
    await expect(line).toContainText('your work is kept here and sent when it is back');
    // Back: the line goes once the background's next try gets through.
    await proxy.resume();
    await expect(line).toHaveCount(0, { timeout: 25_000 });
  } finally {
    await profile.close();
  }
});

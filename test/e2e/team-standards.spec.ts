import { startTestTeamServer, type TestTeamServer } from '../support/team-server';
import { ensureName, panelOf, readEvents, startWorkflow, taskIdOf } from './panel-support';
import { expect, test } from './support/extension';
import { openChatGPT, routeMockSites } from './support/mock-sites';
import { connectToTeam, profileWithLoopbackGranted } from './support/team-profiles';

/**
 * The team's standards published through the workspace, in two real browser profiles against the real
 * server: a lead publishes from Settings → Standards; a member sees them read-only as the team's, and
 * their next task's first briefing carries them after the workflow's own, saying where they came from;
 * the task's record and report name the version and who published it.
 */

let team: TestTeamServer;

test.beforeAll(async () => {
  team = await startTestTeamServer();
});

test.afterAll(async () => {
  await team?.stop();
});

const RULES = ['Never paste customer data; use placeholders.', 'Cite the source of every figure.'];

test('a lead publishes the standards; a member\'s next briefing carries them, and the task records which version', async () => {
  test.setTimeout(120_000);
  // One browser at a time on this machine: the lead publishes and closes, then the member connects.
  const lead = await profileWithLoopbackGranted();
  try {
    const page = await connectToTeam(team, lead, 'lea', 'Lea Lead');
    await page.goto(`chrome-extension://${lead.extensionId}/options.html#/settings`);
    await page.getByTestId('team-standards-text').fill(RULES.join('\n'));
    await page.getByTestId('save-team-standards').click();
    await expect(page.getByTestId('team-standards')).toContainText('This is version 1');
    await page.getByTestId('publish-team-standards').click();
    await expect(page.getByTestId('settings-status')).toContainText('Published to the team as version 1');
    // The background sends it; once the workspace has it, the lead's own page shows it as the team's.
    const published = page.getByTestId('team-standards-published');
    await expect(published).toHaveAttribute('data-version', '1', { timeout: 15_000 });
    const stored = await team.request('lea', 'GET', 'standards%3A1');
    expect(stored.json).toMatchObject({ kind: 'standards-version', version: 1, lines: RULES, publishedBy: 'lea' });
  } finally {
    await lead.close();
  }

  const member = await profileWithLoopbackGranted();
  try {
    const options = await connectToTeam(team, member, 'max', 'Max Member');
    await options.goto(`chrome-extension://${member.extensionId}/options.html#/settings`);
    const published = options.getByTestId('team-standards-published');
    await expect(published).toHaveAttribute('data-source', 'team', { timeout: 15_000 });
    await expect(published).toContainText('Your team\'s standards, version 1');
    await expect(published).toContainText('published by Lea Lead');
    await expect(published).toContainText(RULES[0]!);
    // Read-only for a member: nothing to publish.
    await expect(options.getByTestId('publish-team-standards')).toHaveCount(0);

    await routeMockSites(member.context);
    const chat = await member.context.newPage();
    await openChatGPT(chat);
    const panel = panelOf(chat);
    await ensureName(panel, 'Max Member');
    await startWorkflow(panel, 'task', 'Quarterly figures', { drive: false });
    const taskId = await taskIdOf(panel);
    await panel.getByTestId('insert-briefing').click();
    await expect(panel.getByTestId('headline')).toHaveAttribute('data-moment', 'inserted');
    const briefing = await chat.evaluate(() => (window as unknown as { __mock: { editorText: () => string } }).__mock.editorText());
    const workflowGroup = briefing.indexOf('From the workflow “Task”:');
    const teamGroup = briefing.indexOf('From your team\'s standards (published by Lea Lead, version 1):');
    expect(workflowGroup).toBeGreaterThan(-1);
    expect(teamGroup).toBeGreaterThan(workflowGroup);
    expect(briefing.slice(teamGroup)).toContain(`- ${RULES[0]}\n- ${RULES[1]}`);

    // The task's record: its start names the version and who published it.
    const started = (await readEvents(member.worker, taskId)).find((event) => event.type === 'task.started');
    expect(started?.data['teamStandards']).toMatchObject({ version: 1, lines: RULES, publishedBy: { user: 'lea', name: 'Lea Lead' } });
    await options.goto(`chrome-extension://${member.extensionId}/options.html#/tasks/${taskId}/report`);
    await expect(options.getByTestId('report-team-standards').first()).toContainText('Team standards used (version 1, published by Lea Lead in the team workspace)');
  } finally {
    await member.close();
  }
});

import { expect, test as playwrightTest } from '@playwright/test';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestTeamServer, type TestTeamServer } from '../support/team-server';
import { firefoxExtensionPath, launchFirefox, mockedPage, mockState, openExtensionPage, panelFrame, testId, until, type FirefoxSession } from './firefox';

/**
 * The team workspace in real Firefox (firefox-esr, whose MV3 background is an event page, not a
 * service worker): the person signs in on the Team page (the password is exchanged for CouchDB's
 * `AuthSession` cookie and not kept), and the background's own requests must then carry that cookie.
 * DESIGN.md asks for this check in both browsers (PouchDB issue 5851: service workers and cookies).
 * The proof is on the server: the member's directory entry, which only the background sends, arrives
 * signed in as that member; an outsider's request is refused.
 *
 * The add-on asks for the workspace's origin when a person connects (optional_host_permissions); a test
 * cannot answer Firefox's permission prompt, so it installs a copy of the build in which loopback is
 * already granted: the state after the person said yes.
 */

let team: TestTeamServer;

const test = playwrightTest.extend<{ session: FirefoxSession }>({
  // eslint-disable-next-line no-empty-pattern
  session: async ({}, use) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'convops-firefox-team-'));
    const build = path.join(dir, 'extension');
    await cp(firefoxExtensionPath, build, { recursive: true });
    const manifestPath = path.join(build, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { host_permissions: string[] };
    manifest.host_permissions = [...manifest.host_permissions, 'http://127.0.0.1/*'];
    await writeFile(manifestPath, JSON.stringify(manifest));
    const session = await launchFirefox({}, build);
    try {
      await use(session);
    } finally {
      await session.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
});

test.beforeAll(async () => {
  team = await startTestTeamServer();
});

test.afterAll(async () => {
  await team?.stop();
});

test('Firefox: a member signs in on the Team page; the background’s requests carry the session cookie, the password is not kept', async ({ session }) => {
  const page = await mockedPage(session);
  await page.goto('https://chatgpt.com/');
  await until('the mock page', () => mockState(page), (s) => s.ready);
  const { frame: panel, url: panelUrl } = await panelFrame(page);
  const base = panelUrl.slice(0, -'/panel.html'.length);

  const options = await openExtensionPage(session, panel, `${base}/options.html#/settings`);
  await options.locator(testId('setting-display-name')).fill('Max Member');
  await options.keyboard.press('Tab');
  await options.waitForSelector(`${testId('settings-status')}::-p-text(Saved)`);

  await options.evaluate(() => {
    location.hash = '#/team';
  });
  await options.waitForSelector(testId('team-url'));
  await options.locator(testId('team-url')).fill(team.url);
  await options.locator(testId('team-user')).fill('max');
  await options.locator(testId('team-password')).fill(team.user('max').password);
  await options.locator(testId('team-connect-submit')).click();
  await options.waitForSelector(`${testId('team-status')}[data-state="connected"]`);

  // The background (not the page) sends the member's directory entry, with the cookie only.
  const entry = await until(
    'the directory entry on the server',
    () => team.request(team.admin.name, 'GET', 'member:max'),
    (answer) => answer.status === 200,
    30_000,
  );
  expect(entry.json).toMatchObject({ kind: 'member', user: 'max', name: 'Max Member', roles: ['member'] });
  // Written by max's own user: the design document refuses a member document from anyone else.
  expect((entry.json.keys as unknown[]).length).toBe(1);

  // Nothing the extension keeps holds the password.
  const kept = await options.evaluate(async () => {
    const ext = (globalThis as unknown as { browser: { storage: { local: { get(): Promise<unknown> } } } }).browser;
    return JSON.stringify(await ext.storage.local.get());
  });
  expect(kept).not.toContain(team.user('max').password);

  // An outsider (no cookie, no password) is refused by the server.
  expect((await team.request(null, 'GET', 'member:max')).status).toBe(401);
});

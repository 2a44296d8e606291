import { readFile } from 'node:fs/promises';
import path from 'node:path';
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';
import { mockDistDir } from '../e2e/mock-sites/build';
import type { MockPageOptions, MockSite } from '../e2e/mock-sites/config';
import { mockPageHtml } from '../e2e/mock-sites/pages';
import { MockSites } from '../e2e/support/mock-sites';

/**
 * Real Firefox for the end-to-end suite: Debian's firefox-esr, driven by puppeteer-core over WebDriver
 * BiDi, with the unpacked `.output/firefox-mv3` installed through BiDi's `webExtension.install` (a
 * temporary add-on, as `about:debugging` would load it). The mock chatgpt.com / claude.ai are served by
 * BiDi request interception for the whole browser: the browser asks for https://chatgpt.com/…, the test
 * answers before any connection is made, so the content script matches the real host name and nothing
 * leaves the machine — in every tab, the ones the extension opens too.
 */

export const firefoxExtensionPath = path.resolve(import.meta.dirname, '../../.output/firefox-mv3');
export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export interface FirefoxSession {
  browser: Browser;
  /** The add-on id from the manifest (`browser_specific_settings.gecko.id`). */
  addonId: string;
  sites: MockSites;
  close(): Promise<void>;
}

export async function launchFirefox(options: Partial<Record<MockSite, MockPageOptions>> = {}, extensionPath = firefoxExtensionPath): Promise<FirefoxSession> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    protocol: 'webDriverBiDi',
    headless: true,
    // Quiet on a machine without internet: no update checks, telemetry or first-run pages.
    extraPrefsFirefox: { 'app.update.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false, 'browser.shell.checkDefaultBrowser': false },
  });
  try {
    const addonId = await browser.installExtension(extensionPath);
    const sites = new MockSites(options);
    await routeMockSitesEverywhere(browser, sites);
    return { browser, addonId, sites, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

function siteOf(url: URL): MockSite | null {
  if (url.protocol !== 'https:') return null;
  if (url.hostname === 'chatgpt.com') return 'chatgpt';
  if (url.hostname === 'claude.ai') return 'claude';
  return null;
}

/** The part of WebDriver BiDi's `network.beforeRequestSent` event the routing reads. */
interface BeforeRequestSent {
  isBlocked: boolean;
  navigation: string | null;
  request: { request: string; url: string };
}

/** puppeteer's BiDi connection: a command, and the events of the modules its session subscribed to (network among them). */
interface BidiConnection {
  send(method: string, params: object): Promise<unknown>;
  on(event: 'network.beforeRequestSent', handler: (event: BeforeRequestSent) => void): void;
}

/** The response the mock sites give to one request: the mock's script, its page, or nothing. */
async function mockResponse(url: URL, site: MockSite, navigation: boolean, sites: MockSites): Promise<{ status: number; contentType: string; body: string }> {
  if (url.pathname.startsWith('/__mock/')) {
    const body = await readFile(path.join(mockDistDir, path.basename(url.pathname)), 'utf8').catch(() => null);
    return body === null ? { status: 404, contentType: 'text/plain', body: '' } : { status: 200, contentType: 'text/javascript', body };
  }
  // BiDi has no resource types; everything of the mock that is not its script is the page itself.
  if (!navigation) return { status: 404, contentType: 'text/plain', body: '' };
  return { status: 200, contentType: 'text/html; charset=utf-8', body: mockPageHtml(sites.configFor(site)) };
}

/**
 * Serves the mock sites to every tab of the browser, those the extension opens included: one BiDi
 * intercept for the browser as a whole (no `contexts`, so a tab that does not exist yet is covered
 * from its first request), answered over puppeteer's own connection. A page's own
 * `setRequestInterception` would come too late for a tab the extension opens: its navigation starts
 * before the test sees the tab.
 */
async function routeMockSitesEverywhere(browser: Browser, sites: MockSites): Promise<void> {
  const connection = (browser as unknown as { connection: BidiConnection }).connection;
  connection.on('network.beforeRequestSent', (event) => {
    if (!event.isBlocked) return;
    const url = new URL(event.request.url);
    const site = siteOf(url);
    const id = event.request.request;
    const answered = site
      ? mockResponse(url, site, event.navigation !== null, sites).then(({ status, contentType, body }) =>
          connection.send('network.provideResponse', {
            request: id,
            statusCode: status,
            reasonPhrase: status === 200 ? 'OK' : 'Not Found',
            headers: [{ name: 'content-type', value: { type: 'string', value: contentType } }],
            body: { type: 'string', value: body },
          }),
        )
      : connection.send('network.continueRequest', { request: id });
    // A tab closed meanwhile has no request left to answer.
    void answered.catch(() => undefined);
  });
  await connection.send('network.addIntercept', {
    phases: ['beforeRequestSent'],
    urlPatterns: [
      { type: 'pattern', protocol: 'https', hostname: 'chatgpt.com' },
      { type: 'pattern', protocol: 'https', hostname: 'claude.ai' },
    ],
  });
}

/** A tab (the mock sites are served to every tab of the session). */
export async function mockedPage(session: FirefoxSession): Promise<Page> {
  return session.browser.newPage();
}

/**
 * A tab opened since `before` whose address `is` accepts. Puppeteer over BiDi may go on reporting a
 * new tab's first URL (about:blank), so each new tab is asked where it is.
 */
async function newTabWhere(session: FirefoxSession, before: ReadonlySet<Page>, what: string, is: (where: { href: string; origin: string }) => boolean): Promise<Page> {
  const found = await until(
    what,
    async () => {
      for (const candidate of await session.browser.pages()) {
        if (before.has(candidate)) continue;
        const where = await candidate.evaluate(() => ({ href: location.href, origin: location.origin })).catch(() => null);
        if (where && is(where)) return candidate;
      }
      return null;
    },
    (page) => page !== null,
  );
  return found!;
}

/** The next tab that opens, once it is a page of `site`'s mock (a tab the extension opens: Continue on …). */
export function nextTabOn(session: FirefoxSession, origin: string, before: ReadonlySet<Page>): Promise<Page> {
  return newTabWhere(session, before, `a new tab on ${origin}`, (where) => where.origin === origin);
}

/**
 * Opens an extension page (options.html#/…) in a new tab and returns it. BiDi may not navigate a tab
 * to a moz-extension: page, so a link in the panel (an extension page itself) opens it, as the
 * panel's own links do.
 */
export async function openExtensionPage(session: FirefoxSession, panel: Frame, url: string): Promise<Page> {
  const before = new Set(await session.browser.pages());
  await panel.evaluate((href) => {
    const link = Object.assign(document.createElement('a'), { href, target: '_blank' });
    document.body.append(link);
    link.click();
    link.remove();
  }, url);
  return newTabWhere(session, before, `the page ${url}`, (where) => where.href === url);
}

/** Polls `read` until `accept` says yes; the message says what was last seen. */
export async function until<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let failure: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch (error) {
      failure = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}${failure ? ` (${String(failure)})` : ''}`);
}

/**
 * The panel iframe's frame. It lives in a closed shadow root, so no selector reaches its element (the
 * page cannot either); the browser still lists it among the page's frames. Over BiDi puppeteer may
 * report a frame's first URL (about:blank), so each child frame is asked where it is.
 */
export async function panelFrame(page: Page): Promise<{ frame: Frame; url: string }> {
  await page.waitForSelector('#convops-panel-host', { timeout: 15_000 });
  // Closed: the host element exposes no shadow root to page scripts.
  if (await page.$eval('#convops-panel-host', (el) => el.shadowRoot !== null)) throw new Error('the panel host has an open shadow root');
  const found = await until(
    'the panel frame',
    async () => {
      for (const frame of page.mainFrame().childFrames()) {
        const href = await frame.evaluate(() => location.href).catch(() => '');
        if (/\/panel\.html$/.test(href)) return { frame, url: href };
      }
      return null;
    },
    (f) => f !== null,
  );
  return found!;
}

export const testId = (id: string) => `[data-testid="${id}"]`;

export async function textOf(frame: Frame | Page, selector: string): Promise<string> {
  return frame.$eval(selector, (el) => el.textContent ?? '');
}

export async function count(frame: Frame | Page, selector: string): Promise<number> {
  return frame.$$eval(selector, (els) => els.length);
}

interface MockWindow {
  __mock: { ready: boolean; editorText(): string; repliesFinished: number; sentMessages: string[] };
}

/** The messages sent in a mock chat so far (what the person or the extension sent). */
export function sentMessages(page: Page): Promise<string[]> {
  return page.evaluate(() => [...((window as unknown as MockWindow).__mock?.sentMessages ?? [])]);
}

export function mockState(page: Page): Promise<{ ready: boolean; editorText: string; repliesFinished: number; sent: number }> {
  return page.evaluate(() => {
    const mock = (window as unknown as MockWindow).__mock;
    return { ready: mock?.ready === true, editorText: mock?.editorText() ?? '', repliesFinished: mock?.repliesFinished ?? 0, sent: mock?.sentMessages.length ?? 0 };
  });
}

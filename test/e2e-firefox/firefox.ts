import { readFile } from 'node:fs/promises';
import path from 'node:path';
import puppeteer, { type Browser, type Frame, type HTTPRequest, type Page } from 'puppeteer-core';
import { mockDistDir } from '../e2e/mock-sites/build';
import type { MockPageOptions, MockSite } from '../e2e/mock-sites/config';
import { mockPageHtml } from '../e2e/mock-sites/pages';
import { MockSites } from '../e2e/support/mock-sites';

/**
 * Real Firefox for the end-to-end suite: Debian's firefox-esr, driven by puppeteer-core over WebDriver
 * BiDi, with the unpacked `.output/firefox-mv3` installed through BiDi's `webExtension.install` (a
 * temporary add-on, as `about:debugging` would load it). The mock chatgpt.com / claude.ai are served by
 * BiDi request interception: the browser asks for https://chatgpt.com/…, the test answers before any
 * connection is made, so the content script matches the real host name and nothing leaves the machine.
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
    return { browser, addonId, sites: new MockSites(options), close: () => browser.close() };
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

async function answer(request: HTTPRequest, sites: MockSites): Promise<void> {
  const url = new URL(request.url());
  const site = siteOf(url);
  if (!site) return request.continue();
  if (url.pathname.startsWith('/__mock/')) {
    const body = await readFile(path.join(mockDistDir, path.basename(url.pathname))).catch(() => null);
    return body ? request.respond({ status: 200, contentType: 'text/javascript', body }) : request.respond({ status: 404, body: '' });
  }
  // BiDi has no resource types; everything of the mock that is not its script is the page itself.
  if (!request.isNavigationRequest()) return request.respond({ status: 404, body: '' });
  return request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: mockPageHtml(sites.configFor(site)) });
}

/** A tab that sees the mock sites instead of the network. */
export async function mockedPage(session: FirefoxSession): Promise<Page> {
  const page = await session.browser.newPage();
  await page.setRequestInterception(true);
  page.on('request', (request) => void answer(request, session.sites).catch(() => undefined));
  return page;
}

/**
 * Opens an extension page (options.html#/…) in a new tab and returns it. BiDi may not navigate a tab
 * to a moz-extension: page, so a link in the panel (an extension page itself) opens it, as the panel's
 * own links do; puppeteer may go on reporting such a tab as about:blank, so it is found by asking
 * each new tab where it is.
 */
export async function openExtensionPage(session: FirefoxSession, panel: Frame, url: string): Promise<Page> {
  const before = new Set(await session.browser.pages());
  await panel.evaluate((href) => {
    const link = Object.assign(document.createElement('a'), { href, target: '_blank' });
    document.body.append(link);
    link.click();
    link.remove();
  }, url);
  const found = await until(
    `the page ${url}`,
    async () => {
      for (const candidate of await session.browser.pages()) {
        if (before.has(candidate)) continue;
        if ((await candidate.evaluate(() => location.href).catch(() => '')) === url) return candidate;
      }
      return null;
    },
    (page) => page !== null,
  );
  return found!;
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

export function mockState(page: Page): Promise<{ ready: boolean; editorText: string; repliesFinished: number; sent: number }> {
  return page.evaluate(() => {
    const mock = (window as unknown as MockWindow).__mock;
    return { ready: mock?.ready === true, editorText: mock?.editorText() ?? '', repliesFinished: mock?.repliesFinished ?? 0, sent: mock?.sentMessages.length ?? 0 };
  });
}

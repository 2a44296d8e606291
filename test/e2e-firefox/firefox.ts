import path from 'node:path';
import { readFile } from 'node:fs/promises';
import puppeteer, { type Browser, type HTTPRequest, type Page } from 'puppeteer-core';
import { mockDistDir } from '../e2e/mock-sites/build';
import { MockSites, type MockSite } from '../e2e/support/mock-sites';
import { mockPageHtml } from '../e2e/mock-sites/pages';

export const firefoxExtensionPath = path.resolve(import.meta.dirname, '../../.output/firefox-mv3');
export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export async function launchFirefox(): Promise<{ browser: Browser; extensionId: string }> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    protocol: 'webDriverBiDi',
    headless: true,
    extraPrefsFirefox: {},
  });
  const extensionId = await browser.installExtension(firefoxExtensionPath);
  return { browser, extensionId };
}

function siteOf(url: URL): MockSite | null {
  if (url.hostname === 'chatgpt.com') return 'chatgpt';
  if (url.hostname === 'claude.ai') return 'claude';
  return null;
}

export async function serveMockSites(page: Page, sites: MockSites): Promise<void> {
  await page.setRequestInterception(true);
  page.on('request', (request: HTTPRequest) => void answer(request, sites));
}

async function answer(request: HTTPRequest, sites: MockSites): Promise<void> {
  const url = new URL(request.url());
  const site = siteOf(url);
  if (!site) return request.continue();
  if (url.pathname.startsWith('/__mock/')) {
    const body = await readFile(path.join(mockDistDir, path.basename(url.pathname))).catch(() => null);
    return body ? request.respond({ status: 200, contentType: 'text/javascript', body }) : request.respond({ status: 404, body: '' });
  }
  if (!request.isNavigationRequest()) return request.respond({ status: 404, body: '' });
  return request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: mockPageHtml(sites.configFor(site)) });
}

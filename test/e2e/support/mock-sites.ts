import type { BrowserContext, Page, Route } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureMockBundles, mockDistDir } from '../mock-sites/build';
import type { AssistantScript, ChatGPTGeneration, MockApi, MockPageConfig, MockPageOptions, MockSite } from '../mock-sites/config';
import { mockPageHtml } from '../mock-sites/pages';
import { fakeUuid, scriptWithDefaults } from '../mock-sites/src/shared';
import { expect, test as extensionTest } from './extension';

export type { AssistantScript, ChatGPTGeneration, MockApi, MockPageOptions, MockSite };

export const siteOrigins: Record<MockSite, string> = { chatgpt: 'https://chatgpt.com', claude: 'https://claude.ai' };

/** The per-site page options a context serves; change them before (re)loading a page. */
export class MockSites {
  readonly options: Record<MockSite, MockPageOptions>;
  constructor(options: Partial<Record<MockSite, MockPageOptions>> = {}) {
    this.options = { chatgpt: { ...options.chatgpt }, claude: { ...options.claude } };
  }
  set(site: MockSite, options: MockPageOptions): void {
    this.options[site] = { ...options };
  }
  configFor(site: MockSite): MockPageConfig {
    const options = this.options[site];
    return {
      site,
      generation: options.generation ?? (site === 'chatgpt' ? 'classic' : 'flat'),
      composer: options.composer ?? 'present',
      turns: options.turns ?? 2,
      urlDelayMs: options.urlDelayMs ?? 1000,
      hydrateDelayMs: options.hydrateDelayMs ?? 0,
      persist: options.persist ?? false,
      script: scriptWithDefaults(options.script ?? {}),
    };
  }
}

const installed = new WeakMap<BrowserContext, MockSites>();

async function fulfil(site: MockSite, sites: MockSites, route: Route): Promise<void> {
  const url = new URL(route.request().url());
  if (url.pathname.startsWith('/__mock/')) {
    await ensureMockBundles();
    const file = path.join(mockDistDir, path.basename(url.pathname));
    const body = await readFile(file).catch(() => null);
    if (!body) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, contentType: 'text/javascript', body });
  }
  if (route.request().resourceType() !== 'document') return route.fulfill({ status: 404, body: '' });
  return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: mockPageHtml(sites.configFor(site)) });
}

/**
 * Serves the project's mock chatgpt.com and claude.ai to every page of `context` (no real network).
 * Calling it again on the same context only updates the options.
 */
export async function routeMockSites(context: BrowserContext, options: Partial<Record<MockSite, MockPageOptions>> = {}): Promise<MockSites> {
  const existing = installed.get(context);
  if (existing) {
    for (const site of ['chatgpt', 'claude'] as const) if (options[site]) existing.set(site, options[site]);
    return existing;
  }
  const sites = new MockSites(options);
  installed.set(context, sites);
  await ensureMockBundles();
  await context.route('https://chatgpt.com/**', (route) => fulfil('chatgpt', sites, route));
  await context.route('https://claude.ai/**', (route) => fulfil('claude', sites, route));
  return sites;
}

/**
 * One mock site served at another origin too (the bench's reference host): the same page, at an
 * address the extension's content scripts do not match.
 */
export async function routeMockSiteAt(context: BrowserContext, origin: string, site: MockSite, options: MockPageOptions): Promise<void> {
  const sites = new MockSites({ [site]: options });
  await ensureMockBundles();
  await context.route(`${origin}/**`, (route) => fulfil(site, sites, route));
}

export interface OpenOptions extends MockPageOptions {
  /** Open an existing conversation: an id, or `true` for a fixed invented one. Default: a new chat. */
  conversation?: string | true;
}

/** A conversation id that the mock renders with `turns` pairs of invented messages. */
export function inventedConversationId(site: MockSite, n = 0): string {
  return fakeUuid(`${site}-conversation-${n}`);
}

async function open(page: Page, site: MockSite, newPath: string, prefix: string, options: OpenOptions): Promise<void> {
  const { conversation, ...pageOptions } = options;
  const sites = await routeMockSites(page.context());
  sites.set(site, pageOptions);
  const id = conversation === true ? inventedConversationId(site) : conversation;
  await page.goto(`${siteOrigins[site]}${id ? `${prefix}${id}` : newPath}`);
  await page.waitForFunction(() => window.__mock?.ready === true);
}

export function openChatGPT(page: Page, options: OpenOptions = {}): Promise<void> {
  return open(page, 'chatgpt', '/', '/c/', options);
}

export function openClaude(page: Page, options: OpenOptions = {}): Promise<void> {
  return open(page, 'claude', '/new', '/chat/', options);
}

/** The visible composer of each generation (the real editor, never Claude's hidden duplicate). */
export const composerSelectors = {
  classic: 'form[data-type="unified-composer"] #prompt-textarea.ProseMirror',
  octane: 'form[data-mobile-composer] textarea#mobile-composer-prompt',
  thread: 'form[data-chatgpt-composer] [data-composer-markdown]',
  flat: '[data-chat-input-container] fieldset:not(.opacity-0) [data-testid="chat-input"]',
  virtualized: '[data-chat-input-container] fieldset:not(.opacity-0) [data-testid="chat-input"]',
  hub: '[data-chat-input-container] fieldset:not(.opacity-0) [data-testid="chat-input"]',
} as const;

export type MockGeneration = keyof typeof composerSelectors;

/**
 * Types like a person: focus the composer, then keys (Shift+Enter between lines). Focus rather than a
 * click, so that whatever the extension mounts over the page cannot swallow it. When focus leaves the
 * composer while typing (something else took it) the composer is cleared and typing starts again, up
 * to `attempts` times; returns how many attempts it took, so a caller can assert focus was never lost.
 */
export async function typeIntoComposer(page: Page, generation: MockGeneration, text: string, attempts = 3): Promise<number> {
  const composer = page.locator(composerSelectors[generation]);
  for (let attempt = 1; ; attempt++) {
    await composer.focus();
    if (attempt > 1) {
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Backspace');
    }
    for (const [i, line] of text.split('\n').entries()) {
      if (i > 0) await page.keyboard.press('Shift+Enter');
      if (line) await page.keyboard.type(line);
    }
    if ((await page.evaluate(() => window.__mock.editorText())) === text || attempt >= attempts) return attempt;
  }
}

export function mockState(page: Page): Promise<{ editorText: string; sentMessages: string[]; repliesFinished: number; streaming: boolean; path: string }> {
  return page.evaluate(() => ({
    editorText: window.__mock.editorText(),
    sentMessages: [...window.__mock.sentMessages],
    repliesFinished: window.__mock.repliesFinished,
    streaming: window.__mock.isStreaming(),
    path: location.pathname,
  }));
}

/** Waits until the page has finished `count` assistant replies in total (the mock's own count). */
export async function waitForReplyFinished(page: Page, count = 1, timeout = 15_000): Promise<void> {
  await page.waitForFunction((n) => window.__mock.repliesFinished >= n, count, { timeout });
}

/** The extension fixture plus the mock sites routed into its context. */
export const test = extensionTest.extend<{ mockSites: MockSites }>({
  mockSites: async ({ context }, use) => {
    await use(await routeMockSites(context));
  },
});

export { expect };

declare global {
  interface Window {
    __mock: MockApi;
  }
}

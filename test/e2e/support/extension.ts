import { chromium, test as base, type BrowserContext, type ConsoleMessage, type Page, type Worker } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { browser } from 'wxt/browser';
import { installPanelReveal, registerPanelEngine } from './closed-panel';

/** The extension API as seen inside `serviceWorker.evaluate` and extension pages (Chromium names it `chrome`). */
export type ExtensionGlobal = typeof globalThis & { chrome: typeof browser };

/** Where the built Chrome extension is; `npm run build` writes it. */
export const extensionPath = path.resolve(import.meta.dirname, '../../../.output/chrome-mv3');

/** Chromium to drive. Debian's by default; set CHROMIUM_PATH on other machines. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Without the networking flags Chromium spends its time on connections this machine refuses.
const quietChromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
];

/** Chromium flags that load `extensionDir` unpacked (also used by `npm start`); several: comma-separated. */
export function chromiumArgsWithExtension(extensionDir: string): string[] {
  return [...quietChromiumFlags, `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`];
}

interface Launched {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** Chromium with `args` on a fresh profile, removed again by `close`. */
export async function launchChromium(args: string[]): Promise<Launched> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'convops-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath, headless: true, args });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Chromium with the built extension (and `alongside`, other unpacked extensions: the bench's reference). */
export async function launchWithExtension(alongside: string[] = []): Promise<Launched> {
  await registerPanelEngine();
  const launched = await launchChromium(chromiumArgsWithExtension([extensionPath, ...alongside].join(',')));
  await installPanelReveal(launched.context);
  return launched;
}

/** The same Chromium with the same flags and no extension: what the bench compares against. */
export function launchWithoutExtension(): Promise<Launched> {
  return launchChromium([...quietChromiumFlags, '--disable-extensions']);
}

/**
 * The extension's service worker. Under load the `serviceworker` event can fire before anyone
 * listens, so the list is polled as well; a clear error beats a test that hangs until its timeout.
 */
export async function extensionServiceWorker(context: BrowserContext, timeoutMs = 30_000): Promise<Worker> {
  const existing = context.serviceWorkers()[0];
  if (existing) return existing;
  const event = context.waitForEvent('serviceworker', { timeout: timeoutMs }).catch(() => null);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = context.serviceWorkers()[0] ?? (await Promise.race([event, new Promise<null>((resolve) => setTimeout(() => resolve(null), 250))]));
    if (found) return found;
  }
  throw new Error(`the extension's service worker did not start within ${timeoutMs} ms (is ${extensionPath} built?)`);
}

/**
 * Each test gets a fresh Chromium and profile, unless its file opts into one browser per worker with
 * `test.use({ sharedExtensionBrowser: true })`: for specs that check the mock pages themselves and
 * rely on nothing the extension keeps, a launch per test (about 1.5 s here) is only waiting. The
 * pages a test opened are closed after it.
 */
export const test = base.extend<{ context: BrowserContext; serviceWorker: Worker; extensionId: string }, { sharedExtensionBrowser: boolean; workerExtension: Launched | null }>({
  sharedExtensionBrowser: [false, { scope: 'worker', option: true }],
  workerExtension: [
    async ({ sharedExtensionBrowser }, use) => {
      if (!sharedExtensionBrowser) return use(null);
      const launched = await launchWithExtension();
      await use(launched);
      await launched.close();
    },
    { scope: 'worker' },
  ],
  context: async ({ workerExtension }, use) => {
    if (workerExtension) {
      const before = new Set(workerExtension.context.pages());
      await use(workerExtension.context);
      await Promise.all(workerExtension.context.pages().filter((page) => !before.has(page)).map((page) => page.close()));
      return;
    }
    const launched = await launchWithExtension();
    await use(launched.context);
    await launched.close();
  },
  serviceWorker: async ({ context }, use, testInfo) => {
    // What the worker and the extension's own pages said (the conductor's reasons for waiting, errors),
    // shown when a test fails: a flake on a loaded CI machine is explained by its log, not guessed at.
    const lines: string[] = [];
    const record = (from: string, message: ConsoleMessage) => {
      lines.push(`${new Date().toISOString().slice(11, 23)} ${from} ${message.type()} ${message.text()}`);
      if (lines.length > 300) lines.shift();
    };
    const listen = (worker: Worker) => worker.on('console', (message) => record('worker', message));
    // Options, review window, popup and the panel frame: only what the extension's code logged, not the site's.
    const ours = (url: string) => url.startsWith('chrome-extension://');
    const onPageConsole = (message: ConsoleMessage) => {
      const page = message.page();
      const url = ours(message.location().url) ? message.location().url : (page?.url() ?? '');
      if (ours(url)) record(new URL(url).pathname, message);
    };
    const watched: Page[] = [];
    const listenPage = (page: Page) => {
      watched.push(page);
      page.on('console', onPageConsole);
    };
    const worker = await extensionServiceWorker(context);
    listen(worker);
    context.on('serviceworker', listen);
    context.pages().forEach(listenPage);
    context.on('page', listenPage);
    await use(worker);
    context.off('serviceworker', listen);
    context.off('page', listenPage);
    // A browser shared by the file's tests keeps its first pages: the next test listens afresh.
    for (const page of watched) page.off('console', onPageConsole);
    if (testInfo.status !== testInfo.expectedStatus && lines.length) {
      await testInfo.attach('extension-console', { body: lines.join('\n'), contentType: 'text/plain' });
      console.log(`--- the extension's console: worker and pages (${testInfo.title}) ---\n${lines.slice(-60).join('\n')}`);
    }
  },
  extensionId: async ({ serviceWorker }, use) => {
    await use(new URL(serviceWorker.url()).host);
  },
});

export { expect } from '@playwright/test';

import type { BrowserContext, Frame, Page } from '@playwright/test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { routeMockSiteAt, type MockPageOptions } from '../../e2e/support/mock-sites';

/** When a frame's one line was painted: from the page's navigation start, from the frame's own, and the page's first paint. */
export interface FramePaint {
  fromNavigation: number;
  fromFrameStart: number;
  hostFirstPaint: number;
}

/** The reference frames' page: one line of text, marked for Element Timing. */
export const FRAMED_PAGE = '<!doctype html><html><head><meta charset="utf-8"></head><body><p elementtiming="reference-line">Current step: Capture the process</p></body></html>';

/**
 * Navigates `page` to `url` (from about:blank, as the panel bench does) and times the paint of the
 * one line in the frame the page (or an extension's content script) adds, a frame whose URL ends in
 * `/framed` or `/framed.html`.
 */
export async function framedPaint(page: Page, url: string): Promise<FramePaint> {
  await page.goto('about:blank');
  await page.goto(url, { waitUntil: 'commit' });
  const frame = await waitForFrame(page);
  const painted = await frame.evaluate(
    () =>
      new Promise<{ origin: number; renderTime: number }>((resolve, reject) => {
        new PerformanceObserver((list) => {
          const entry = list.getEntries()[0] as PerformanceEntry & { renderTime: number };
          resolve({ origin: performance.timeOrigin, renderTime: entry.renderTime });
        }).observe({ type: 'element', buffered: true });
        setTimeout(() => reject(new Error('the framed line was never painted')), 10_000);
      }),
  );
  const host = await page.evaluate(() => ({ origin: performance.timeOrigin, firstPaint: performance.getEntriesByName('first-paint')[0]?.startTime ?? Number.NaN }));
  return { fromNavigation: painted.origin + painted.renderTime - host.origin, fromFrameStart: painted.renderTime, hostFirstPaint: host.firstPaint };
}

async function waitForFrame(page: Page): Promise<Frame> {
  for (const until = Date.now() + 10_000; Date.now() < until; ) {
    const frame = page.frames().find((f) => f.url().endsWith('/framed') || f.url().endsWith('/framed.html'));
    if (frame) return frame;
    await page.waitForTimeout(5);
  }
  throw new Error('the reference frame was not created');
}

/** Where the reference extension mounts its frame: the mock ChatGPT page, at an address ConvOps does not match. */
export const REFERENCE_HOST = 'https://reference-host.invalid';

/**
 * A minimal extension, as ConvOps mounts its panel but with none of its code: a content script at
 * document_start on REFERENCE_HOST that adds a fixed frame of its one page (`use_dynamic_url`, as
 * ConvOps') once there is a body, and a service worker.
 */
const referenceExtension = {
  'manifest.json': JSON.stringify({
    manifest_version: 3,
    name: 'Reference frame',
    version: '1.0.0',
    background: { service_worker: 'background.js' },
    content_scripts: [{ matches: [`${REFERENCE_HOST}/*`], js: ['content.js'], run_at: 'document_start' }],
    web_accessible_resources: [{ resources: ['framed.html'], matches: [`${REFERENCE_HOST}/*`], use_dynamic_url: true }],
  }),
  'background.js': 'chrome.runtime.onMessage.addListener(() => undefined);',
  'content.js': `{
  const mount = () => { const f = document.createElement('iframe'); f.src = chrome.runtime.getURL('framed.html'); f.style.cssText = 'position:fixed;top:0;right:0;width:360px;height:100vh;border:0'; document.body.append(f); };
  if (document.body) mount(); else { const o = new MutationObserver(() => { if (document.body) { o.disconnect(); mount(); } }); o.observe(document, { childList: true, subtree: true }); }
}`,
  'framed.html': FRAMED_PAGE,
};

/**
 * The reference extension, written to a temporary directory, to load beside ConvOps
 * (`launchWithExtension([dir])`): the panel-ready bench alternates ConvOps' panel on the mock ChatGPT
 * page with this frame on the same page served at REFERENCE_HOST, in a second tab of the same browser,
 * so both are measured under the same load.
 */
export async function writeReferenceExtension(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'convops-reference-extension-'));
  for (const [name, text] of Object.entries(referenceExtension)) await writeFile(path.join(dir, name), text);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Serves the mock ChatGPT page (`options` as the panel bench opens it) at REFERENCE_HOST in `context`. */
export function serveReferenceHost(context: BrowserContext, options: MockPageOptions): Promise<void> {
  return routeMockSiteAt(context, REFERENCE_HOST, 'chatgpt', options);
}

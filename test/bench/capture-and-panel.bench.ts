import type { BrowserContext, Frame } from '@playwright/test';
import { panelOf, startWorkflow, taskIdOf } from '../e2e/panel-support';
import { launchWithExtension } from '../e2e/support/extension';
import { insertFromPanel, panelFrame } from '../e2e/support/extension-probes';
import { expect, test } from '../e2e/support/mock-sites';
import { conversationWithTask, recordMockFinishTimes, recordNoteTimes } from './support/host';
import { framedPaint, REFERENCE_HOST, serveReferenceHost, writeReferenceExtension, type FramePaint } from './support/reference-frame';
import { median, quantile, writeBenchResult } from './support/results';

const REPLIES = 32;
const NAVIGATIONS = 10;
/** Switches between two chats inside the site (its sidebar), each way. */
const SWITCHES = 10;

test('capture latency: reply finished → note in the database', async ({ context, serviceWorker }) => {
  test.setTimeout(5 * 60_000);
  const page = await context.newPage();
  // Default mock replies: a heading, a list, fenced code and a table, streamed in 12 chunks.
  const taskId = await conversationWithTask(page, { turns: 20 }, 'Capture latency');
  const finishTimes = await recordMockFinishTimes(page);
  const notes = await recordNoteTimes(serviceWorker, taskId);
  const frame = await panelFrame(page);
  for (let i = 0; i < REPLIES; i++) {
    const result = await insertFromPanel(frame, `Question ${i + 1}: what is the next part of the close?`, true);
    expect(result.sent).toBe(true);
    await expect.poll(async () => (await notes.times()).length, { timeout: 15_000, intervals: [20] }).toBe(i + 1);
    await expect.poll(async () => (await finishTimes()).length).toBe(i + 1);
  }
  const finished = await finishTimes();
  const visible = await notes.times();
  await notes.stop();
  const latencies = finished.map((at, i) => visible[i]! - at);
  writeBenchResult('capture-latency', {
    replies: latencies.length,
    medianMs: median(latencies),
    p95Ms: quantile(latencies, 0.95),
    maxMs: Math.max(...latencies),
    latenciesMs: latencies,
    method: 'mock finish = setter on window.__mock.repliesFinished (Date.now); visible = first 4 ms service-worker poll that counts the note',
  });
});

/**
 * When the panel frame painted the current step's title, on the wall clock: the Element Timing entry
 * the browser recorded for `identifier` (`current-step-early`: the entry script's paint from the first
 * answers, before React; `current-step`: React's task view, with the step's actions). Read after the
 * fact, so the measurement adds no polling to the run; Playwright's own wait retries at 20, 50, 100 ms
 * steps and would round the figure up by as much. NaN when there was no such paint.
 */
function paintedAt(frame: Frame, identifier: string): Promise<number> {
  return frame.evaluate(
    (identifier) =>
      new Promise<number>((resolve) => {
        new PerformanceObserver((list, observer) => {
          const entry = list.getEntries().find((e) => (e as PerformanceEntry & { identifier?: string }).identifier === identifier) as
            | (PerformanceEntry & { renderTime: number; loadTime: number })
            | undefined;
          if (!entry) return;
          observer.disconnect();
          resolve(performance.timeOrigin + (entry.renderTime || entry.loadTime));
        }).observe({ type: 'element', buffered: true });
        // Buffered entries are delivered at once: one that is not there by now was never painted.
        setTimeout(() => resolve(NaN), 500);
      }),
    identifier,
  );
}

test('panel ready: navigation to a conversation with a task → current step shown', async () => {
  test.setTimeout(5 * 60_000);
  // The floor: a minimal extension's one-line frame (./support/reference-frame.ts), loaded beside
  // ConvOps, on the same mock page served at an address ConvOps does not match, opened before each of
  // the panel's navigations, so both are measured in one browser under the same load.
  const reference = await writeReferenceExtension();
  const launched = await launchWithExtension([reference.dir]);
  try {
    await panelReady(launched.context);
  } finally {
    await launched.close();
    await reference.remove();
  }
});

async function panelReady(context: BrowserContext): Promise<void> {
  const page = await context.newPage();
  await conversationWithTask(page, { turns: 20 }, 'Panel ready');
  await serveReferenceHost(context, { turns: 20 });
  const url = page.url();
  const referenceUrl = `${REFERENCE_HOST}${new URL(url).pathname}`;
  // A tab of its own: each tab goes back to the same site after about:blank, so each keeps its
  // renderer process (a site in another tab's process would start one: ~100 ms more here).
  const referencePage = await context.newPage();
  const painted: number[] = [];
  const interactive: number[] = [];
  let interactiveUnrecorded = 0;
  let unrecorded = 0;
  /** Each recorded navigation's paint minus the minimal frame's paint just before it. */
  const aboveFloor: number[] = [];
  const seen: number[] = [];
  const phases: Record<string, number>[] = [];
  const startAfterGoto: number[] = [];
  const floor: FramePaint[] = [];
  for (let i = 0; i < NAVIGATIONS; i++) {
    floor.push(await framedPaint(referencePage, referenceUrl));
    await referencePage.goto('about:blank');
    await page.goto('about:blank');
    const t0 = Date.now();
    await page.goto(url, { waitUntil: 'commit' });
    await panelOf(page).getByTestId('current-step').waitFor({ state: 'visible', timeout: 30_000 });
    seen.push(Date.now() - t0);
    // The zero: the page's own navigation start (Navigation Timing's time origin), as the browser
    // took it; the harness's call to start the navigation comes a few ms before that.
    const { start, hostFirstPaint, hostResponse, hostCommitted } = await page.evaluate(() => ({
      start: performance.timeOrigin,
      // The page's own document arriving: no extension code can run before it (document_start).
      hostResponse: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.responseStart ?? NaN,
      // Its first script running (the mock's head): the document is committed; the content script
      // (document_start) runs just before it, and nothing of the extension's can run earlier.
      hostCommitted: performance.getEntriesByName('mock:head-script')[0]?.startTime ?? NaN,
      // The page's own first paint: the frame it sits in cannot reach the screen before the page does.
      hostFirstPaint: performance.getEntriesByName('first-paint')[0]?.startTime ?? NaN,
    }));
    startAfterGoto.push(start - t0);
    const frame = page.frames().find((f) => f.url().endsWith('/panel.html'))!;
    const withActions = (await paintedAt(frame, 'current-step')) - start;
    const early = (await paintedAt(frame, 'current-step-early')) - start;
    // Chromium sometimes records no Element Timing entry for React's view although it is on screen and
    // its element is marked (about one navigation in ten here): such a navigation keeps its first paint,
    // and what is missing is counted, not turned into NaN (Math.min with NaN is NaN, and a median of
    // NaNs is any number). A navigation with neither paint recorded is left out of the medians.
    const recorded = [early, withActions].filter((at) => !Number.isNaN(at));
    if (recorded.length === 0) unrecorded += 1;
    else {
      const first = Math.min(...recorded);
      painted.push(first);
      aboveFloor.push(first - floor[i]!.fromNavigation);
    }
    if (Number.isNaN(withActions)) interactiveUnrecorded += 1;
    else interactive.push(withActions);
    // Where the time goes: the frame's own navigation start, its script running, the tab's answer, the task's detail.
    const marks = await frame.evaluate(() => {
      const at = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return {
        origin: performance.timeOrigin,
        responseEnd: nav?.responseEnd ?? NaN,
        domInteractive: nav?.domInteractive ?? NaN,
        boot: at('convops:boot'),
        firstScreen: at('convops:first-screen'),
        tab: at('convops:tab'),
        detail: at('convops:detail'),
        mount: at('convops:mount'),
        firstPaint: at('convops:first-paint'),
      };
    });
    phases.push({
      hostResponse,
      hostCommitted,
      hostFirstPaint,
      frameCreated: marks.origin - start,
      frameLoaded: marks.origin + marks.responseEnd - start,
      frameParsed: marks.origin + marks.domInteractive - start,
      scriptRan: marks.origin + marks.boot - start,
      firstScreenAnswered: marks.origin + marks.firstScreen - start,
      tabAnswered: marks.origin + marks.tab - start,
      detailAnswered: marks.origin + marks.detail - start,
      firstPaintDrawn: marks.origin + marks.firstPaint - start,
      reactLoaded: marks.origin + marks.mount - start,
    });
  }
  if (painted.length < NAVIGATIONS / 2) throw new Error(`the panel frame recorded no Element Timing paint of the current step in ${unrecorded} of ${NAVIGATIONS} navigations`);
  writeBenchResult('panel-ready', {
    navigations: painted.length,
    unrecorded,
    // Panel minus floor per pair of navigations; the floor's own median and runs.
    aboveFloorMedianMs: median(aboveFloor),
    floorMedianMs: median(floor.map((f) => f.fromNavigation)),
    floorRunsMs: floor.map((f) => Math.round(f.fromNavigation)),
    medianMs: median(painted),
    maxMs: Math.max(...painted),
    runsMs: painted.map(Math.round),
    // React's task view painted, with the step's actions (the first paint may be the entry's, before React).
    interactiveMedianMs: median(interactive),
    interactiveRunsMs: interactive.map(Math.round),
    interactiveUnrecorded,
    phasesMedianMs: Object.fromEntries(Object.keys(phases[0] ?? {}).map((key) => [key, Math.round(median(phases.map((p) => p[key]!)))])),
    seenByPlaywrightMedianMs: median(seen),
    navigationStartAfterGotoMedianMs: median(startAfterGoto),
    seenByPlaywrightRunsMs: seen,
    conversationTurns: 20,
    method:
      'navigation start (the page\'s performance.timeOrigin) → Element Timing renderTime of the current step title in the panel frame: the first paint of it (the entry\'s before React, else React\'s); interactive: React\'s',
  });
  // Not a timing check: the panel really shows the task's step.
  await expect(panelOf(page).getByTestId('current-step')).toHaveAttribute('data-step-id', 'capture-process');
}

/**
 * The path people take most: another chat opened from the site's own sidebar (no page load; the
 * content script sees the address change, the background the tab's new chat, the panel that chat's
 * task). Two chats, each with its task, switched between. The zero is the click, on the page's clock;
 * the end is the first frame that starts after the panel's DOM shows the other task's current step
 * (two animation frames after the change: an upper bound of its paint, not Element Timing's
 * presentation, which a reused element does not report again). Also counted: switches in which the
 * panel showed the start screen or "Loading…" on the way.
 */
test('panel follows a chat opened from the site\'s sidebar → the other task\'s step shown', async ({ context }) => {
  test.setTimeout(5 * 60_000);
  const page = await context.newPage();
  await conversationWithTask(page, { turns: 20 }, 'Switch bench');
  const panel = panelOf(page);
  // Two chats of the site's sidebar, each given its task from the panel.
  const [there, other] = await page.evaluate(() => window.__mock.sidebarConversations);
  const tasks: string[] = [];
  for (const [id, title] of [[there!, 'Switch one'], [other!, 'Switch two']] as const) {
    await page.locator(`a[href$="${id}"]`).first().dispatchEvent('click');
    await expect(panel.getByTestId('workflow-picker')).toBeVisible();
    await startWorkflow(panel, 'sop-documentation', title);
    tasks.push(await taskIdOf(panel));
  }
  const [first, second] = tasks;
  expect(second).not.toBe(first);
  const frame = page.frames().find((f) => f.url().endsWith('/panel.html'))!;

  const shownMs: number[] = [];
  const framedMs: number[] = [];
  let detours = 0;
  for (let i = 0; i < SWITCHES * 2; i++) {
    const [to, task] = i % 2 === 0 ? [there!, first!] : [other!, second!];
    // Watches the panel's DOM from before the click: when the other task's step is there, and whether anything else showed first.
    await frame.evaluate((task) => {
      const scope = window as unknown as { __switch?: Promise<{ shown: number; framed: number; detour: boolean }> };
      scope.__switch = new Promise((resolve) => {
        let detour = false;
        const look = () => {
          if (document.querySelector('[data-testid="workflow-picker"], [data-testid="panel-loading"]')) detour = true;
          const view = document.querySelector('[data-task-id]');
          // The other task's step, no longer held inert while its chat's task was looked up.
          if (view?.getAttribute('data-task-id') !== task || !document.querySelector('[data-testid="current-step"]') || view.closest('[inert]')) return;
          observer.disconnect();
          const shown = performance.timeOrigin + performance.now();
          requestAnimationFrame(() => requestAnimationFrame((at) => resolve({ shown, framed: performance.timeOrigin + at, detour })));
        };
        const observer = new MutationObserver(look);
        observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-task-id', 'inert'] });
      });
    }, task);
    const clicked = await page.evaluate((id) => {
      const at = performance.timeOrigin + performance.now();
      // The sidebar's own link, as a person clicks it (the site routes it without a page load).
      document.querySelector<HTMLAnchorElement>(`a[href$="${id}"]`)!.click();
      return at;
    }, to);
    const result = await frame.evaluate(() => (window as unknown as { __switch: Promise<{ shown: number; framed: number; detour: boolean }> }).__switch);
    shownMs.push(result.shown - clicked);
    framedMs.push(result.framed - clicked);
    if (result.detour) detours += 1;
    await expect(panel.getByTestId('current-step')).toBeVisible();
  }
  writeBenchResult('panel-switch', {
    switches: framedMs.length,
    medianMs: median(framedMs),
    maxMs: Math.max(...framedMs),
    runsMs: framedMs.map(Math.round),
    inDomMedianMs: median(shownMs),
    detours,
    method: "click in the site's sidebar (page clock) → the second animation frame after the panel's DOM shows the other task's current step (frame clock)",
  });
});

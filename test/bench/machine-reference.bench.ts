import type { BrowserContext } from '@playwright/test';
import { launchWithoutExtension } from '../e2e/support/extension';
import { expect, test } from '../e2e/support/mock-sites';
import { FRAMED_PAGE, framedPaint, type FramePaint } from './support/reference-frame';
import { median, round, writeBenchResult } from './support/results';

const ROUNDS = 5;
const HOST = 'https://reference-host.invalid';
const FRAMED = 'https://reference-frame.invalid';

/**
 * The same work on every machine, in the same Chromium without the extension: what the machine and
 * the browser take, not ConvOps. The budgets are absolute, and figures measured on two machines (or
 * under two loads) cannot be compared without this: on one 2-core machine the same build's backup took
 * 2.1–2.4 s, on another 6.7–8.3 s.
 * - **JS**: 100,000 note-like objects made, written as JSON and read back (the backup's and restore's
 *   kind of work: allocation, strings, collection).
 * - **IndexedDB**: 20,000 rows of ~500 bytes written in one transaction, then read back in pages of
 *   250 (`getAll` on key ranges, as the backup reads).
 * - **A frame's first paint**: a page that, as soon as its body is parsed, adds an iframe holding one
 *   line of text; from the page's navigation start to that text's paint (Element Timing), and from
 *   the frame's own navigation start. The panel is such a frame, of another origin (the extension's),
 *   so this is what the browser takes before any of ConvOps' code counts. Two kinds: of another site
 *   (its own renderer process, started for it, as site isolation wants) and of the same site (in the
 *   page's process: no process to start; the panel's process, the extension's, is already running).
 *   The third kind, a minimal extension's frame on the panel's own page, is measured by the
 *   panel-ready bench, alternating with the panel (./support/reference-frame.ts).
 */
test('machine reference: the same work in Chromium without ConvOps', async () => {
  test.setTimeout(3 * 60_000);
  const js: number[] = [];
  const idbWrite: number[] = [];
  const idbRead: number[] = [];
  const crossSite: FramePaint[] = [];
  const sameSite: FramePaint[] = [];
  const { context, close } = await launchWithoutExtension();
  try {
    await serveReferencePages(context);
    const page = await context.newPage();
    for (let round = 0; round < ROUNDS; round++) {
      await page.goto(`${HOST}/work`);
      const work = await page.evaluate(referenceWork);
      js.push(work.jsMs);
      idbWrite.push(work.idbWriteMs);
      idbRead.push(work.idbReadMs);
      expect(work.rowsRead).toBe(20_000);
      crossSite.push(await framedPaint(page, `${HOST}/cross-site`));
      sameSite.push(await framedPaint(page, `${HOST}/same-site`));
    }
  } finally {
    await close();
  }
  const medianOf = (paints: FramePaint[], key: keyof FramePaint) => round(median(paints.map((p) => p[key])));
  writeBenchResult('machine', {
    rounds: ROUNDS,
    jsMedianMs: round(median(js)),
    idbWriteMedianMs: round(median(idbWrite)),
    idbReadMedianMs: round(median(idbRead)),
    frames: {
      crossSite: { fromNavigationMs: medianOf(crossSite, 'fromNavigation'), fromFrameStartMs: medianOf(crossSite, 'fromFrameStart') },
      sameSite: { fromNavigationMs: medianOf(sameSite, 'fromNavigation'), fromFrameStartMs: medianOf(sameSite, 'fromFrameStart') },
    },
    hostFirstPaintMedianMs: medianOf(crossSite, 'hostFirstPaint'),
    runs: {
      js: js.map(round),
      idbWrite: idbWrite.map(round),
      idbRead: idbRead.map(round),
      crossSiteFrame: crossSite.map((f) => round(f.fromNavigation)),
      sameSiteFrame: sameSite.map((f) => round(f.fromNavigation)),
    },
    method:
      'Chromium with the same flags, without ConvOps: JS = 100,000 objects → JSON → parsed; IndexedDB = 20,000 rows of ~500 bytes put in one transaction, read in pages of 250; frames = an iframe added once the page has a body (another site / the same site), its one line painted (Element Timing), from the page\'s navigation start and from the frame\'s own',
  });
});

async function serveReferencePages(context: BrowserContext): Promise<void> {
  // The host adds the frame from an inline script at the end of its body (what a content script at
  // document_start can do at the earliest is much the same moment: once there is a body).
  const host = `<!doctype html><html><head><meta charset="utf-8"><title>Reference</title></head><body><main>Reference page</main>
<script>const src = { '/cross-site': '${FRAMED}/framed', '/same-site': '/framed' }[location.pathname]; if (src) { const f = document.createElement('iframe'); f.src = src; f.style.cssText = 'position:fixed;top:0;right:0;width:360px;height:100vh;border:0'; document.body.append(f); }</script></body></html>`;
  await context.route(`${HOST}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: new URL(route.request().url()).pathname === '/framed' ? FRAMED_PAGE : host }));
  await context.route(`${FRAMED}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: FRAMED_PAGE }));
}

/** Runs in the page: the JS and IndexedDB reference work (no imports: it is serialized into the page). */
async function referenceWork(): Promise<{ jsMs: number; idbWriteMs: number; idbReadMs: number; rowsRead: number }> {
  const text = 'The process owner lists each step, who does it and what it needs. '.repeat(3);
  let t = performance.now();
  const notes = [];
  for (let i = 0; i < 100_000; i++) notes.push({ id: `note-${i}`, taskId: `task-${i % 1000}`, stepId: `step-${i % 7}`, body: `${text}${i}`, createdAt: 1_700_000_000_000 + i });
  const parsed = JSON.parse(JSON.stringify(notes)) as unknown[];
  const jsMs = performance.now() - t;
  if (parsed.length !== notes.length) throw new Error('JSON round trip lost rows');

  const request = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
  const name = `reference-${Math.random()}`;
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => open.result.createObjectStore('rows', { keyPath: 'id' });
  const db = await request(open);
  t = performance.now();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction('rows', 'readwrite');
    const store = tx.objectStore('rows');
    for (let i = 0; i < 20_000; i++) store.put({ id: String(i).padStart(6, '0'), body: `${text}${text}${i}` });
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  const idbWriteMs = performance.now() - t;
  t = performance.now();
  const store = db.transaction('rows', 'readonly').objectStore('rows');
  let rowsRead = 0;
  for (let page = 0; page < 80; page++) {
    const rows = await request(store.getAll(IDBKeyRange.bound(String(page * 250).padStart(6, '0'), String(page * 250 + 249).padStart(6, '0'))));
    rowsRead += rows.length;
  }
  const idbReadMs = performance.now() - t;
  db.close();
  await request(indexedDB.deleteDatabase(name));
  return { jsMs, idbWriteMs, idbReadMs, rowsRead };
}

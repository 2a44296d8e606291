import { statSync } from 'node:fs';
import { build } from 'esbuild';
import path from 'node:path';
import type { BrowserContext, CDPSession, Page, Worker } from '@playwright/test';
import { expect, test } from '../e2e/support/extension';
import { median, round, writeBenchResult } from './support/results';

const plan = { tasks: 1_000, notes: 100_000, events: 500_000, heavyNotes: 1_000, heavyEvents: 5_000 };

interface Harness {
  seed(p: typeof plan): Promise<{ heavyTaskId: string; seconds: number; counts: { tasks: number; notes: number; events: number } }>;
  measure(
    heavyTaskId: string,
    runs: number,
  ): Promise<{
    dashboard: number[];
    detail: number[];
    panelFirst: number[];
    panelEarlier: number[];
    panelLaterNotes: number[];
    change: number[];
    verify: number[];
    notesOnly: number[];
    eventsOnly: number[];
    panelFirstEvents: number;
    panelFirstNotes: number;
  }>;
  dropBlocks(): Promise<void>;
  buildBlocks(): Promise<{ ms: number; made: number }>;
  backup(): Promise<{ ms: number; bytes: number; progressCalls: number; timings: { totalMs: number; databaseMs: number; textMs: number; blobMs: number; tableMs?: Record<string, number> } }>;
  downloadBackup(): void;
  addFileInput(): void;
  useChosenFile(): number;
  readBack(): Promise<{ ms: number; events: number }>;
  restorePreview(): Promise<{ ms: number; tasks: number; refused: number }>;
  restoreApply(): Promise<{ ms: number; added: { tasks: number; notes: number; events: number }; skippedNotes: number }>;
  dropBackup(): void;
  seedValid(count: number): Promise<{ seconds: number; tasks: number; notes: number; events: number; backupMs: number; megabytes: number }>;
  restoreValidPreview(): Promise<{ ms: number; tasks: number; statuses: Record<string, number> }>;
  restoreValidApply(): Promise<{ ms: number; added: { tasks: number; notes: number; events: number } }>;
  auditValidRestore(): Promise<{ auditedOk: number; auditMs: number; invalidSignatures: number }>;
}

/** The JS heap of `page` before and at its highest while `run` runs, sampled over CDP (after a GC first). */
async function heapDuring<T>(cdp: CDPSession, run: () => Promise<T>): Promise<{ value: T; beforeMB: number; peakMB: number; growthMB: number; keptMB: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const before = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  let peak = before;
  let running = true;
  const sampler = (async () => {
    while (running) {
      peak = Math.max(peak, (await cdp.send('Runtime.getHeapUsage')).usedSize);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    const value = await run();
    running = false;
    await sampler;
    // What it still holds once the garbage is collected (the peak counts garbage not yet collected).
    await cdp.send('HeapProfiler.collectGarbage');
    const kept = (await cdp.send('Runtime.getHeapUsage')).usedSize - before;
    return { value, beforeMB: round(before / 1e6), peakMB: round(peak / 1e6), growthMB: round((peak - before) / 1e6), keptMB: round(kept / 1e6) };
  } finally {
    running = false;
    await sampler;
  }
}

/** The harness (support/db-harness.ts) bundled and evaluated in a top-level extension page, once the built-in workflows are installed. */
async function openHarness({ context, extensionId, serviceWorker }: { context: BrowserContext; extensionId: string; serviceWorker: Worker }): Promise<Page> {
  const bundle = await build({
    entryPoints: [path.resolve(import.meta.dirname, 'support/db-harness.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
  });
  // The built-in workflows are installed by the background on first start.
  await expect
    .poll(() => serviceWorker.evaluate(() => new Promise<number>((resolve) => {
      const open = indexedDB.open('convops');
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('workflowHeads')) return resolve(0);
        const req = db.transaction('workflowHeads').objectStore('workflowHeads').count();
        req.onsuccess = () => { db.close(); resolve(req.result); };
      };
      open.onerror = () => resolve(0);
    })), { timeout: 30_000 })
    .toBeGreaterThan(0);

  // A top-level extension document without the app, so no live query re-runs while seeding or timing.
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/manifest.json`);
  await page.evaluate(bundle.outputFiles[0]!.text);
  return page;
}

test('storage at scale: dashboard page, task detail, chain verification, backup', async ({ context, extensionId, serviceWorker }) => {
  test.setTimeout(10 * 60_000);
  const page = await openHarness({ context, extensionId, serviceWorker });
  const seeded = await page.evaluate((p) => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.seed(p), plan);
  const m = await page.evaluate((id) => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.measure(id, 7), seeded.heavyTaskId);
  // The backup as the backup page runs it, with the page's heap sampled meanwhile; then the read-back.
  const cdp = await context.newCDPSession(page);
  // First as right after the seeding, before the background has made the note blocks (every note read
  // from its rows); then the blocks made as the background makes them, and the backup a person gets.
  await page.evaluate(() => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.dropBlocks());
  const beforeBlocks = await heapDuring(cdp, () => page.evaluate(() => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.backup()));
  const blocks = await page.evaluate(() => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.buildBlocks());
  const backup = await heapDuring(cdp, () => page.evaluate(() => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.backup()));
  // The file then written to disk by the browser's download, from the click to the file complete: the
  // blocks' Blobs are references, so their bytes are read here rather than during the backup.
  const downloadStarted = Date.now();
  const [download] = await Promise.all([page.waitForEvent('download'), page.evaluate(() => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.downloadBackup())]);
  const downloadedTo = await download.path();
  const downloadMs = Date.now() - downloadStarted;
  const downloadedBytes = statSync(downloadedTo).size;
  // The restore reads that file, chosen as a person chooses it (a File on disk, not the Blob the backup made).
  await page.evaluate(() => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.addFileInput());
  await page.setInputFiles('#bench-file', downloadedTo);
  expect(await page.evaluate(() => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.useChosenFile())).toBe(downloadedBytes);
  const readBack = await heapDuring(cdp, () => page.evaluate(() => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.readBack()));
  // The restore as the backup page runs it (two passes over the downloaded file), into a fresh database.
  const preview = await heapDuring(cdp, () => page.evaluate(() => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.restorePreview()));
  const apply = await heapDuring(cdp, () => page.evaluate(() => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.restoreApply()));
  await page.evaluate(() => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.dropBackup());
  await download.delete();

  // What a person sees: the options dashboard rendering its first page of the seeded tasks.
  const options = await context.newPage();
  const t0 = Date.now();
  await options.goto(`chrome-extension://${extensionId}/options.html#/tasks`);
  await expect(options.getByText('Benchmark task 999', { exact: false }).first()).toBeVisible({ timeout: 60_000 });
  const dashboardVisibleMs = Date.now() - t0;

  const stats = (values: number[]) => ({ coldMs: round(values[0]!), medianWarmMs: round(median(values.slice(1).length ? values.slice(1) : values)), runsMs: values.map((v) => round(v)) });
  writeBenchResult('storage', {
    seeded: { ...seeded.counts, seedSeconds: round(seeded.seconds) },
    dashboardQuery: stats(m.dashboard),
    taskDetail1000Notes: stats(m.detail),
    panelFirstRead1000Notes: { ...stats(m.panelFirst), events: m.panelFirstEvents, notes: m.panelFirstNotes },
    // Sent right after the first read: the events before the current step, and every note.
    panelEarlierEvents: stats(m.panelEarlier),
    panelLaterNotes: stats(m.panelLaterNotes),
    // Where a full read's time goes: the task's notes alone, its events alone.
    notesOnly1000: stats(m.notesOnly),
    eventsOnly5000: stats(m.eventsOnly),
    taskChange1000Notes: stats(m.change),
    verifyChain5000: stats(m.verify),
    backupStream: {
      ms: round(backup.value.ms),
      megabytes: round(backup.value.bytes / 1e6),
      progressCalls: backup.value.progressCalls,
      heapBeforeMB: backup.beforeMB,
      heapPeakMB: backup.peakMB,
      heapGrowthMB: backup.growthMB,
      heapKeptMB: backup.keptMB,
      // Where the time went: waiting for IndexedDB's pages, making the JSON text, moving it into Blobs.
      databaseMs: round(backup.value.timings.databaseMs),
      tableMs: Object.fromEntries(Object.entries(backup.value.timings.tableMs ?? {}).map(([table, ms]) => [table, round(ms)])),
      textMs: round(backup.value.timings.textMs),
      blobMs: round(backup.value.timings.blobMs),
      // The same backup before the background made the note blocks, and the making itself.
      withoutNoteBlocks: { ms: round(beforeBlocks.value.ms), notesMs: round(beforeBlocks.value.timings.tableMs?.['notes'] ?? 0), heapGrowthMB: beforeBlocks.growthMB },
      noteBlocksMade: { ms: round(blocks.ms), tasks: blocks.made },
      download: { ms: downloadMs, megabytes: round(downloadedBytes / 1e6) },
    },
    restorePreview: { ms: round(preview.value.ms), tasks: preview.value.tasks, refused: preview.value.refused, heapBeforeMB: preview.beforeMB, heapPeakMB: preview.peakMB, heapGrowthMB: preview.growthMB, heapKeptMB: preview.keptMB },
    restoreApply: { ms: round(apply.value.ms), ...apply.value.added, skippedNotes: apply.value.skippedNotes, heapBeforeMB: apply.beforeMB, heapPeakMB: apply.peakMB, heapGrowthMB: apply.growthMB, heapKeptMB: apply.keptMB },
    restoreRead: { ms: round(readBack.value.ms), heapBeforeMB: readBack.beforeMB, heapPeakMB: readBack.peakMB, heapGrowthMB: readBack.growthMB },
    dashboardVisibleMs,
  });
});

/** 1,000 valid tasks: made through the repositories, backed up, restored into an empty profile, each audited. */
const VALID_TASKS = 1_000;

test('restore at scale: 1,000 valid tasks backed up and restored into an empty profile', async ({ context, extensionId, serviceWorker }) => {
  test.setTimeout(15 * 60_000);
  const page = await openHarness({ context, extensionId, serviceWorker });
  const seeded = await page.evaluate((count) => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.seedValid(count), VALID_TASKS);
  const cdp = await context.newCDPSession(page);
  const preview = await heapDuring(cdp, () => page.evaluate(() => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.restoreValidPreview()));
  const apply = await heapDuring(cdp, () => page.evaluate(() => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.restoreValidApply()));
  // The bench's audit of what was restored, measured apart (a person's restore does not run it).
  const audit = await heapDuring(cdp, () => page.evaluate(() => (globalThis as unknown as { __convopsBench: Harness }).__convopsBench.auditValidRestore()));
  // The scenario really happened: every task new in the preview, every one written and audited clean.
  expect(preview.value.statuses).toEqual({ new: VALID_TASKS });
  expect(apply.value.added.tasks).toBe(VALID_TASKS);
  expect(audit.value.auditedOk).toBe(VALID_TASKS);
  expect(audit.value.invalidSignatures).toBe(0);
  writeBenchResult('restore', {
    seeded: { tasks: seeded.tasks, notes: seeded.notes, events: seeded.events, seedSeconds: round(seeded.seconds), backupMs: round(seeded.backupMs), megabytes: round(seeded.megabytes, 2) },
    preview: { ms: round(preview.value.ms), tasks: preview.value.tasks, statuses: preview.value.statuses, heapBeforeMB: preview.beforeMB, heapGrowthMB: preview.growthMB, heapKeptMB: preview.keptMB },
    apply: { ms: round(apply.value.ms), ...apply.value.added, heapBeforeMB: apply.beforeMB, heapGrowthMB: apply.growthMB, heapKeptMB: apply.keptMB },
    audit: { ok: audit.value.auditedOk, invalidSignatures: audit.value.invalidSignatures, ms: round(audit.value.auditMs), heapGrowthMB: audit.growthMB },
  });
});

import type { BrowserContext, CDPSession, Page, Worker } from '@playwright/test';
import { ensureName, panelOf, startWorkflow, taskIdOf } from '../../e2e/panel-support';
import { openChatGPT, type OpenOptions } from '../../e2e/support/mock-sites';
import { expect } from '../../e2e/support/extension';

/** Opens a ChatGPT conversation (the mock), and starts an SOP task on it from the panel. Returns the task id. */
export async function conversationWithTask(page: Page, options: OpenOptions, title = 'Bench task'): Promise<string> {
  await openChatGPT(page, { conversation: true, ...options });
  const panel = panelOf(page);
  await ensureName(panel, 'Bench Person');
  await startWorkflow(panel, 'sop-documentation', title);
  await expect(panel.getByTestId('current-step')).toBeVisible();
  return taskIdOf(panel);
}

/**
 * Records, in the page, the wall-clock moment each reply finishes: the mock bumps
 * `__mock.repliesFinished` exactly when it marks a reply finished, so a setter there is its own clock.
 */
export async function recordMockFinishTimes(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const scope = window as unknown as { __benchFinished?: number[] };
    if (scope.__benchFinished) return;
    const finished: number[] = [];
    scope.__benchFinished = finished;
    let value = window.__mock.repliesFinished;
    Object.defineProperty(window.__mock, 'repliesFinished', {
      configurable: true,
      get: () => value,
      set: (next: number) => {
        value = next;
        finished.push(Date.now());
      },
    });
  });
  return () => page.evaluate(() => [...((window as unknown as { __benchFinished?: number[] }).__benchFinished ?? [])]);
}

/**
 * Polls the extension's database from its service worker (every 4 ms, a count on an index) and
 * records the wall-clock moment each new note of `taskId` becomes visible, i.e. committed.
 */
export async function recordNoteTimes(serviceWorker: Worker, taskId: string): Promise<{ times: () => Promise<number[]>; stop: () => Promise<void> }> {
  await serviceWorker.evaluate((id) => {
    const scope = globalThis as unknown as { __benchNotes?: { times: number[]; stop: boolean } };
    const state = { times: [] as number[], stop: false };
    if (scope.__benchNotes) scope.__benchNotes.stop = true;
    scope.__benchNotes = state;
    const open = indexedDB.open('convops');
    open.onsuccess = () => {
      const db = open.result;
      let last = -1;
      const tick = () => {
        if (state.stop) return db.close();
        const req = db.transaction('notes').objectStore('notes').index('taskId').count(IDBKeyRange.only(id));
        req.onsuccess = () => {
          const now = Date.now();
          if (last >= 0) for (let i = last; i < req.result; i++) state.times.push(now);
          last = req.result;
          setTimeout(tick, 4);
        };
        req.onerror = () => setTimeout(tick, 4);
      };
      tick();
    };
  }, taskId);
  return {
    times: () => serviceWorker.evaluate(() => [...((globalThis as unknown as { __benchNotes?: { times: number[] } }).__benchNotes?.times ?? [])]),
    stop: () =>
      serviceWorker.evaluate(() => {
        const scope = globalThis as unknown as { __benchNotes?: { stop: boolean } };
        if (scope.__benchNotes) scope.__benchNotes.stop = true;
      }),
  };
}

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface Attribution {
  /** The samples whose nearest frame with a URL starts with `prefix`, times the profile's mean sampling interval. */
  ms: number;
  /**
   * The same samples weighted by the time until the next sample: higher, because a sample followed by
   * a gap (the sampler starved on a busy machine, or a long native call) counts the whole gap.
   */
  weightedMs: number;
  /** Mean time between samples (asked for 100 µs; Chromium delivers a little more). */
  intervalUs: number;
  /** The median gap between samples: the sampler's steady tick, without the gaps where it starved. */
  medianGapUs: number;
  samples: number;
  totalSamples: number;
  /** Heaviest extension functions, for finding a cause when the budget is missed. */
  top: { fn: string; ms: number }[];
}

/** Sampling-profile attribution: each sample belongs to the nearest ancestor frame that has a URL. */
export function attributeToUrl(profile: CpuProfile, prefix: string): Attribution {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const owner = new Map<number, ProfileNode | null>();
  const ownerOf = (id: number): ProfileNode | null => {
    if (owner.has(id)) return owner.get(id)!;
    const node = byId.get(id)!;
    const found = node.callFrame.url ? node : parent.has(id) ? ownerOf(parent.get(id)!) : null;
    owner.set(id, found);
    return found;
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let us = 0;
  let count = 0;
  const perFn = new Map<string, number>();
  for (let i = 0; i < samples.length; i++) {
    const frame = ownerOf(samples[i]!);
    if (!frame?.callFrame.url.startsWith(prefix)) continue;
    // A sample stands for the time until the next one.
    const duration = deltas[i + 1] ?? 100;
    us += duration;
    count++;
    const leaf = byId.get(samples[i]!)!;
    const name = `${frame.callFrame.functionName || '(anonymous)'}:${frame.callFrame.lineNumber}${leaf === frame ? '' : ` > ${leaf.callFrame.functionName || leaf.callFrame.url || '?'}`}`;
    perFn.set(name, (perFn.get(name) ?? 0) + duration);
  }
  const intervalUs = samples.length > 0 ? (profile.endTime - profile.startTime) / samples.length : 100;
  const top = [...perFn.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([fn, t]) => ({ fn, ms: Math.round(t / 10) / 100 }));
  const gaps = deltas.slice(1).sort((a, b) => a - b);
  const medianGapUs = gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)]! : intervalUs;
  return { ms: (count * intervalUs) / 1000, weightedMs: us / 1000, intervalUs, medianGapUs, samples: count, totalSamples: samples.length, top };
}

export async function startProfile(cdp: CDPSession): Promise<void> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
}

export async function stopProfile(cdp: CDPSession): Promise<CpuProfile> {
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.send('Profiler.disable');
  return profile as CpuProfile;
}

export async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

export type { BrowserContext };

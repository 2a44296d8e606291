import type { CDPSession } from '@playwright/test';
import { insertFromPanel, panelFrame } from '../e2e/support/extension-probes';
import { expect, test } from '../e2e/support/mock-sites';
import { conversationWithTask, metrics, recordNoteTimes } from './support/host';
import { round, slope, writeBenchResult } from './support/results';

const STEPS = 200;
const SAMPLE_EVERY = 20;

// About the size of a real briefing: instructions, the task title, earlier notes.
const briefing = `ConvOps briefing, step n of 4.\n\n${'Write down how the process really runs today, every step in order, the tools each needs, the snags and how people deal with them. '.repeat(12)}`;

interface Sample {
  step: number;
  extensionListeners: number;
  jsEventListeners: number;
  nodes: number;
  heapMb: number;
}

/** Listeners registered by extension scripts on window and every node of the document. */
async function extensionListeners(cdp: CDPSession, extensionScripts: Set<string>): Promise<number> {
  let count = 0;
  for (const expression of ['window', 'document']) {
    const { result } = await cdp.send('Runtime.evaluate', { expression });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId!, depth: -1, pierce: true });
    count += listeners.filter((l) => extensionScripts.has(l.scriptId)).length;
    await cdp.send('Runtime.releaseObject', { objectId: result.objectId! });
  }
  return count;
}

test('long session: 200 briefings and captures in one conversation', async ({ context, serviceWorker }) => {
  test.setTimeout(8 * 60_000);
  const page = await context.newPage();
  const taskId = await conversationWithTask(page, { turns: 2, script: { chunks: 6, intervalMs: 10, firstChunkDelayMs: 20, settleMs: 20 } }, 'Long session');
  const frame = await panelFrame(page);
  const notes = await recordNoteTimes(serviceWorker, taskId);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const extensionScripts = new Set<string>();
  cdp.on('Debugger.scriptParsed', (event) => {
    if (event.url.startsWith('chrome-extension://')) extensionScripts.add(event.scriptId);
  });
  await cdp.send('Debugger.enable');
  await cdp.send('DOM.enable');

  const samples: Sample[] = [];
  const sample = async (step: number) => {
    await cdp.send('HeapProfiler.collectGarbage');
    const m = await metrics(cdp);
    samples.push({ step, extensionListeners: await extensionListeners(cdp, extensionScripts), jsEventListeners: m.JSEventListeners!, nodes: m.Nodes!, heapMb: round(m.JSHeapUsedSize! / 1e6, 2) });
  };
  await sample(0);
  for (let step = 1; step <= STEPS; step++) {
    const result = await insertFromPanel(frame, briefing.replace('step n', `step ${step}`), true);
    expect(result.sent).toBe(true);
    await expect.poll(async () => (await notes.times()).length, { timeout: 15_000, intervals: [20] }).toBe(step);
    if (step % SAMPLE_EVERY === 0) await sample(step);
  }
  await notes.stop();
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const per100 = (key: keyof Omit<Sample, 'step'>) => round(slope(samples.map((s) => ({ x: s.step, y: s[key] }))) * 100, 2);
  writeBenchResult('long-session', {
    steps: STEPS,
    conversationTurnsAtEnd: 2 + STEPS,
    first,
    last,
    slopePer100Steps: { extensionListeners: per100('extensionListeners'), jsEventListeners: per100('jsEventListeners'), nodes: per100('nodes'), heapMb: per100('heapMb') },
    samples,
    note: 'Nodes and heap include the host page, which appends two turns per step; extensionListeners counts listeners whose handler is in a chrome-extension:// script.',
  });
});

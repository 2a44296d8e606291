import type { PanelTab } from '@/lib/messaging/panel-port';
import { bridge } from './bridge-client';
import { paintCurrentStep } from './first-paint';

/** How long React waits at most for the first paint before it renders anyway. */
const FIRST_PAINT_WAIT_MS = 250;

/**
 * Asks the background for what the first screen shows before React has rendered anything: settings,
 * the tab (bound task, host state), then the task's detail as soon as its id is known. Each answer
 * waits in the bridge for the hook that wants it, so the panel's round trips run back to back
 * instead of one per render (DESIGN.md budget: ready ≤ 150 ms after navigation).
 *
 * With `root` (the element, once the page is parsed), the bound task's current step is painted there (./first-paint.ts) from the
 * background's `first-screen` answer, asked first of all: it comes in one round trip, not after the
 * tab's answer and the task's detail. The promise settles once that paint is on screen, or once it is
 * known there will be none (FIRST_PAINT_WAIT_MS at most): React's first render, a long task, waits for
 * it, so that it does not hold the paint back.
 */
export function prefetchFirstScreen(root?: Promise<HTMLElement>): Promise<void> {
  // Marks for the bench's breakdown of "panel ready" (test/bench/capture-and-panel.bench.ts).
  performance.mark('convops:boot');
  const client = bridge();
  let settle!: () => void;
  const firstPaint = new Promise<void>((resolve) => {
    settle = resolve;
    setTimeout(resolve, FIRST_PAINT_WAIT_MS);
  });
  if (root) {
    const stop = client.subscribe('first-screen', {}, (screen) => {
      setTimeout(() => stop(), 0);
      performance.mark('convops:first-screen');
      void root.then((element) => {
        // On screen after the next frame.
        if (screen && paintCurrentStep(element, screen)) requestAnimationFrame(() => setTimeout(settle, 0));
        else settle();
      });
    });
  } else settle();
  client.prefetch('settings', {});
  void whenTabKnown().then((tab) => {
    const { binding, host } = tab;
    performance.mark('convops:tab');
    if (binding) client.prefetch('task-detail', { taskId: binding.taskId });
    if (!host?.conversationId) {
      if (!binding) prefetchStartScreen();
      return;
    }
    const args = { site: host.site, conversationId: host.conversationId };
    client.prefetch('conversation-task', args);
    let stop: (() => void) | null = null;
    let seen = false;
    stop = client.subscribe('conversation-task', args, (task) => {
      if (seen) return;
      seen = true;
      if (task) client.prefetch('task-detail', { taskId: task.id });
      else if (!binding) prefetchStartScreen();
      setTimeout(() => stop?.(), 0);
    });
  });
  return firstPaint;
}

function prefetchStartScreen(): void {
  bridge().prefetch('library', {});
  bridge().prefetch('open-tasks', {});
}

/** The tab's first answer (the panel's entry asks before React renders, to prefetch what the first screen shows). */
export function whenTabKnown(): Promise<PanelTab> {
  return new Promise((resolve) => {
    let stop: (() => void) | null = null;
    let done = false;
    stop = bridge().subscribe('tab', {}, (tab) => {
      if (done) return;
      done = true;
      resolve(tab);
      // Held a moment longer, so that the hook mounting next finds the answer rather than asking again.
      setTimeout(() => stop?.(), 10_000);
    });
  });
}

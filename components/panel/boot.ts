import type { PanelTab } from '@/lib/messaging/panel-port';
import { bridge } from './bridge-client';

/**
 * Asks the background for what the first screen shows before React has rendered anything: settings,
 * the tab (bound task, host state), then the task's detail as soon as its id is known. Each answer
 * waits in the bridge for the hook that wants it, so the panel's round trips run back to back
 * instead of one per render (DESIGN.md budget: ready ≤ 150 ms after navigation).
 */
export function prefetchFirstScreen(): void {
  // Marks for the bench's breakdown of "panel ready" (test/bench/capture-and-panel.bench.ts).
  performance.mark('convops:boot');
  const client = bridge();
  client.prefetch('settings', {});
  void whenTabKnown().then(({ binding, host }) => {
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

import type { Frame, Page } from '@playwright/test';
import { ensureName, panelFrame, panelOf, startWorkflow, taskIdOf } from './panel-support';
import { expect, openChatGPT, openClaude, test } from './support/mock-sites';

/**
 * Moving between two chats of the site's own sidebar (no page load), each with its task: the panel
 * goes from one task's view to the other's. On the way it must not show the start screen (the
 * picker, "Start a workflow": a person would think the task was gone) nor "Loading…"; the view it
 * keeps while it looks up the new chat's task takes no click (the person is already in the other chat).
 */

const sites = [
  { name: 'ChatGPT', open: openChatGPT },
  { name: 'Claude', open: openClaude },
] as const;

/** What the panel showed, from before the click until the other task's step is there. */
async function watchSwitch(frame: Frame, to: string): Promise<void> {
  await frame.evaluate(
    (to) => {
      const seen: string[] = [];
      const scope = window as unknown as { __switchSeen?: Promise<string[]> };
      scope.__switchSeen = new Promise((resolve) => {
        const look = () => {
          if (document.querySelector('[data-testid="workflow-picker"]')) seen.push('start screen');
          if (document.querySelector('[data-testid="panel-loading"]')) seen.push('loading');
          // While the new chat's task is looked up the panel says it is busy; what it still shows then takes no click.
          const busy = document.querySelector('main[aria-busy="true"] [data-task-id]');
          if (busy) seen.push(busy.closest('[inert]') ? 'held, inert' : 'held, clickable');
          const view = document.querySelector('[data-task-id]');
          if (view?.getAttribute('data-task-id') === to && document.querySelector('[data-testid="current-step"]') && !view.closest('[inert]')) {
            observer.disconnect();
            resolve(seen);
          }
        };
        const observer = new MutationObserver(look);
        observer.observe(document, { subtree: true, childList: true, attributes: true });
      });
    },
    to,
  );
}

async function openFromSidebar(page: Page, id: string): Promise<void> {
  await page.locator(`a[href$="${id}"]`).first().dispatchEvent('click');
  await expect.poll(() => page.url()).toContain(id);
}

/** Two chats of the sidebar, each given its task from the panel; the tab ends bound to the second. */
async function twoChatsWithTasks(page: Page, open: (typeof sites)[number]['open']): Promise<{ chats: [string, string]; tasks: [string, string] }> {
  await open(page, { conversation: true, turns: 3 });
  const panel = panelOf(page);
  await ensureName(panel, 'Robin Operator');
  const [one, two] = await page.evaluate(() => window.__mock.sidebarConversations);
  const tasks: string[] = [];
  for (const [id, title] of [[one!, 'Invoices'], [two!, 'Payroll']] as const) {
    await openFromSidebar(page, id);
    await expect(panel.getByTestId('workflow-picker')).toBeVisible();
    await startWorkflow(panel, 'sop-documentation', title, { drive: false });
    tasks.push(await taskIdOf(panel));
  }
  return { chats: [one!, two!], tasks: [tasks[0]!, tasks[1]!] };
}

for (const { name, open } of sites) {
  test(`${name}: two chats of the sidebar, each with its task — switching shows one task's view, then the other's, never the start screen`, async ({ context }) => {
    const page = await context.newPage();
    const panel = panelOf(page);
    const { chats, tasks } = await twoChatsWithTasks(page, open);
    const [one, two] = chats;
    const frame = await panelFrame(page);
    let held = 0;
    // Back and forth, each way twice: the tab is bound to the task started last, so one way the chat's
    // task is the tab's, the other way it has to be looked up.
    for (let i = 0; i < 4; i++) {
      const [to, id] = i % 2 === 0 ? [tasks[0]!, one!] : [tasks[1]!, two!];
      await watchSwitch(frame, to);
      await openFromSidebar(page, id);
      const seen = await frame.evaluate(() => (window as unknown as { __switchSeen: Promise<string[]> }).__switchSeen);
      expect(seen.filter((s) => s !== 'held, inert')).toEqual([]);
      held += seen.length;
      await expect(panel.locator('[data-task-id]')).toHaveAttribute('data-task-id', to);
      await expect(panel.getByTestId('complete-step')).toBeEnabled();
    }
    // The way the chat's task had to be looked up, the old view was held (and inert) at least once.
    expect(held).toBeGreaterThan(0);
  });
}

test('a lookup that never comes back: the view of the chat left is held a moment, then the panel is usable again', async ({ context, serviceWorker }) => {
  const page = await context.newPage();
  const panel = panelOf(page);
  const { chats, tasks } = await twoChatsWithTasks(page, openChatGPT);
  // From now on the background's database reads never answer: the panel's "which task runs in this chat?" hangs.
  await serviceWorker.evaluate(() => {
    const never = () => ({}) as IDBRequest;
    for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype] as unknown as Record<string, unknown>[]) {
      for (const name of ['get', 'getAll', 'getAllKeys', 'getKey', 'count', 'openCursor', 'openKeyCursor']) proto[name] = never;
    }
  });
  await openFromSidebar(page, chats[0]);
  // Held, out of reach of clicks, busy…
  await expect(panel.locator('[inert] [data-task-id]')).toHaveAttribute('data-task-id', tasks[1]);
  await expect(panel.getByTestId('convops-panel')).toHaveAttribute('aria-busy', 'true');
  // …then no longer: the panel does not stay frozen on a question with no answer.
  await expect(panel.locator('[inert]')).toHaveCount(0, { timeout: 5_000 });
  await expect(panel.getByTestId('convops-intro')).toBeVisible();
});

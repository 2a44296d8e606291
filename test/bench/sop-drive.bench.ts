import type { BrowserContext, Page, Worker } from '@playwright/test';
import { ensureName, panelOf, readEvents, taskIdOf } from '../e2e/panel-support';
import { countClicks } from '../e2e/support/click-counter';
import { briefingSent, decideGate, fastProtocol, onStep, say } from '../e2e/support/drive';
import { expect, openChatGPT, openClaude, routeMockSites, test } from '../e2e/support/mock-sites';
import { writeBenchResult } from './support/results';
import { renderHandoffBriefing } from '../../lib/workflow/briefing';
import type { Note, Task } from '../../lib/workflow/records';
import type { Workflow } from '../../lib/workflow/schema';

/**
 * The person's effort on a whole SOP Documentation task driven by the AI, with the default settings
 * (drive mode sends each next briefing), per site: every action the person takes — clicks, a list
 * choice as two, every key that is not text (the chat's Enter that sends the answer included) — and
 * the characters they type (the title, the answer, the rejection comment), and the characters of each
 * briefing that went into the prompt box, per step and visit.
 */
const sites = [
  { site: 'chatgpt', generation: 'classic', open: openChatGPT },
  { site: 'claude', generation: 'virtualized', open: openClaude },
] as const;

/** A task's row, its pinned workflow and its notes, straight from the extension's IndexedDB. */
async function readTaskRecord(worker: Worker, taskId: string): Promise<{ task: Task; workflow: Workflow; notes: Note[] }> {
  return worker.evaluate(
    (id) =>
      new Promise<{ task: Task; workflow: Workflow; notes: Note[] }>((resolve, reject) => {
        const open = indexedDB.open('convops');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['tasks', 'workflows', 'notes']);
          const taskReq = tx.objectStore('tasks').get(id);
          taskReq.onsuccess = () => {
            const task = taskReq.result as Task;
            const workflowReq = tx.objectStore('workflows').get([task.workflowId, task.workflowVersion]);
            const notesReq = tx.objectStore('notes').getAll();
            tx.oncomplete = () => {
              db.close();
              resolve({ task, workflow: workflowReq.result as Workflow, notes: (notesReq.result as Note[]).filter((n) => n.taskId === id) });
            };
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    taskId,
  );
}

/**
 * The handoff a switch to the other site would put in when the walkthrough becomes current (the same
 * text the conductor renders: `renderHandoffBriefing`, the task moved to a new chat there), from the
 * task's real results: read while the walkthrough waits at its gate, without the walkthrough's own
 * work (at the switch it has none yet). Its size, the results' size, and how many notes were named by a
 * reference line instead of pasted.
 */
async function handoffAtSwitch(worker: Worker, taskId: string, from: 'chatgpt' | 'claude') {
  const { task, workflow, notes } = await readTaskRecord(worker, taskId);
  const stepId = task.currentStepId;
  const site = from === 'chatgpt' ? 'claude' : 'chatgpt';
  const now = new Date().toISOString();
  const before = notes.filter((n) => !n.deleted && n.stepId !== stepId);
  const atSwitch: Task = {
    ...task,
    status: 'active',
    pendingGate: null,
    conversations: [...task.conversations, { site, conversationId: null, url: site === 'claude' ? 'https://claude.ai/new' : 'https://chatgpt.com/', boundAt: now }],
  };
  const text = renderHandoffBriefing({ workflow, task: atSwitch, notes: before, operator: 'Bench Person', now, site });
  return { step: stepId, text, chars: text.length, referenced: text.split('too long to paste here').length - 1, resultChars: before.reduce((sum, n) => sum + n.body.length, 0) };
}

async function runSop(context: BrowserContext, serviceWorker: Worker, { site, generation, open }: (typeof sites)[number]) {
  const page: Page = await context.newPage();
  await open(page, { script: fastProtocol, urlDelayMs: 200 });
  const panel = panelOf(page);
  await ensureName(panel, 'Bench Person');
  const actions = await countClicks(context);
  try {
    await panel.getByTestId('workflow-picker').selectOption('sop-documentation');
    await panel.getByTestId('task-title').fill('Month-end close');
    await panel.getByTestId('start-and-send').click();
    await onStep(panel, 'capture-process');
    const taskId = await taskIdOf(panel);
    await expect(panel.locator('[data-testid="note"][data-step-id="capture-process"]')).toHaveCount(1, { timeout: 15_000 });
    await say(page, generation, 'The controller runs it on the first working day, with the ledger and the bank portal.');
    await briefingSent(page, 'Step 3 of 4: Walkthrough');
    await expect(panel.getByTestId('gate-card')).toBeVisible({ timeout: 15_000 });
    // Were the walkthrough to run on the other site, this is the handoff the switch would put in there.
    const handoff = await handoffAtSwitch(serviceWorker, taskId, site);
    await decideGate(page, panel, 'reject', 'Say who to tell when it is done.');
    await briefingSent(page, 'Step 3 of 4: Walkthrough', 2);
    await expect(panel.getByTestId('gate-card')).toBeVisible({ timeout: 15_000 });
    await decideGate(page, panel, 'approve');
    await expect(panel.getByTestId('task-finished')).toBeVisible({ timeout: 15_000 });

    const events = await readEvents(serviceWorker, taskId);
    const briefings = events
      .filter((e) => e.type === 'briefing.inserted')
      .map((e, i, all) => ({
        step: e.stepId ?? '?',
        visit: all.slice(0, i + 1).filter((x) => x.stepId === e.stepId).length,
        chars: Number(e.data['chars']),
      }));
    return { actions: actions.count, typed: actions.typed, actionLog: [...actions.log], briefings, handoffAtSwitch: handoff };
  } finally {
    actions.restore();
    await page.close();
  }
}

test('SOP task driven by the AI: the person\'s actions per site and briefing sizes', async ({ context, serviceWorker }) => {
  test.setTimeout(4 * 60_000);
  const result: Record<string, Awaited<ReturnType<typeof runSop>>> = {};
  for (const site of sites) result[site.site] = await runSop(context, serviceWorker, site);
  writeBenchResult('sop-drive', { sites: result });
});

/**
 * The whole "Research Report with a second opinion" task across both sites, with one rejection, as a
 * person does it with the default settings: every action (clicks, a list choice as two), the
 * characters typed, and the handoff briefing the switch to Claude put in (its size against ≤ 3,000).
 */
test('Second opinion task across both sites: the person\'s actions and the handoff size', async ({ context, serviceWorker }) => {
  test.setTimeout(3 * 60_000);
  await routeMockSites(context, { claude: { script: { ...fastProtocol, approveInText: true }, urlDelayMs: 200 } });
  const chat = await context.newPage();
  await openChatGPT(chat, { script: fastProtocol, urlDelayMs: 200 });
  const chatPanel = panelOf(chat);
  await ensureName(chatPanel, 'Bench Person');
  const actions = await countClicks(context);
  try {
    await chatPanel.getByTestId('workflow-picker').selectOption('research-second-opinion');
    await chatPanel.getByTestId('task-title').fill('Remote work and retention');
    await chatPanel.getByTestId('start-and-send').click();
    const taskId = await taskIdOf(chatPanel);
    await onStep(chatPanel, 'second-opinion');
    const [claude] = await Promise.all([context.waitForEvent('page'), chatPanel.getByTestId('continue-on').click()]);
    await claude.waitForFunction(() => window.__mock?.ready === true);
    await briefingSent(claude, 'Continuing a task: Remote work and retention');
    const claudePanel = panelOf(claude);
    await expect(claudePanel.getByTestId('gate-card')).toBeVisible({ timeout: 15_000 });
    await decideGate(claude, claudePanel, 'reject', 'Cite the 2025 survey for the retention figure.');
    await briefingSent(chat, 'Step 1 of 2: Draft the report', 2);
    await briefingSent(claude, 'Step 2 of 2: Second opinion');
    await expect(claudePanel.getByTestId('gate-card')).toBeVisible({ timeout: 15_000 });
    await decideGate(claude, claudePanel, 'approve');
    await expect(claudePanel.getByTestId('task-finished')).toBeVisible({ timeout: 15_000 });

    const events = await readEvents(serviceWorker, taskId);
    const handoffs = events
      .filter((e) => e.type === 'briefing.inserted' && e.data['kind'] === 'handoff')
      .map((e) => ({ site: String(e.data['site']), chars: Number(e.data['chars']), referenced: String(e.data['text'] ?? '').split('too long to paste here').length - 1 }));
    expect(handoffs).toHaveLength(1);
    writeBenchResult('second-opinion', { actions: actions.count, typed: actions.typed, actionLog: [...actions.log], handoffs });
  } finally {
    actions.restore();
  }
});

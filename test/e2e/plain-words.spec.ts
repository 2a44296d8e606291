import type { FrameLocator, Page } from '@playwright/test';
import { completeStep, confirmAndClose, ensureName, insertSendAndCapture, openReview, panelOf, startWorkflow, taskIdOf } from './panel-support';
import { expect, openChatGPT, test } from './support/mock-sites';

/**
 * Issue 26: what a person reads is in words. A finished SOP task is walked through the panel, the
 * review window and the options pages, and each page's visible text — outside a collapsed "Details
 * for auditors" — is scanned for the code a person should never have to read: the task's id, the
 * chat's id, hashes, step and workflow ids, schema paths, key fingerprints, event counts.
 */

/** The text a person sees: rendered, visible text nodes, skipping what a closed <details> hides (its summary still counts). */
async function visibleText(root: Page | FrameLocator): Promise<string> {
  const collect = () => {
    const parts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !node.textContent?.trim()) continue;
      if (parent.closest('script, style, template, noscript')) continue;
      const closed = parent.closest('details:not([open])');
      if (closed && !parent.closest('summary')) continue;
      if (!parent.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      parts.push(node.textContent.trim());
    }
    return parts.join('\n');
  };
  return 'evaluate' in root ? root.evaluate(collect) : root.locator('body').evaluate(collect);
}

function codeIn(text: string, ids: { taskId: string; conversationId: string }): string[] {
  const found: string[] = [];
  const patterns: Array<[string, RegExp]> = [
    ['task id', new RegExp(ids.taskId.slice(0, 8), 'i')],
    ['chat id', new RegExp(ids.conversationId.slice(0, 6), 'i')],
    ['hash', /\b[0-9a-f]{12,}\b/i],
    ['schema path', /\b(?:workflows?|steps)\[\d+\]|\.gate\.onReject|\.reads\[/],
    ['step or workflow id', /\b(?:capture-process|draft-sop|sop-documentation)\b/],
    ['key fingerprint', /\bkey …/],
    ['event count', /\b\d+ (?:audit )?events?\b/i],
    ['chain jargon', /hash chain|pinned version/i],
  ];
  for (const [name, pattern] of patterns) {
    const match = pattern.exec(text);
    if (match) found.push(`${name}: “${text.slice(Math.max(0, match.index - 40), match.index + match[0].length + 40).replace(/\n/g, ' ⏎ ')}”`);
  }
  return found;
}

test('a finished task: the panel, the review window and the options pages show no ids, hashes or schema paths outside the auditors’ details', async ({ context, extensionId }) => {
  test.setTimeout(120_000);
  const chat = await context.newPage();
  await openChatGPT(chat, { script: { replies: ['## Intake\n\nThe process has three parts.', 'Here is the draft.'] } });
  const panel = panelOf(chat);
  await ensureName(panel, 'Robin Lee');
  await startWorkflow(panel, 'sop-documentation', 'Vendor onboarding', { drive: false });
  await insertSendAndCapture(chat, panel);
  await expect(chat).toHaveURL(/\/c\/[0-9a-f-]+$/);
  const conversationId = /\/c\/([0-9a-f-]+)$/.exec(chat.url())![1]!;
  const taskId = await taskIdOf(panel);
  const ids = { taskId, conversationId };
  const scanned: Record<string, string[]> = {};

  for (const step of ['capture-process', 'draft-sop', 'walkthrough']) {
    await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', step);
    await completeStep(panel);
  }
  await expect(panel.getByTestId('approve-gate')).toBeVisible();
  scanned['panel at the gate'] = codeIn(await visibleText(panel), ids);

  const review = await openReview(panel);
  scanned['review window'] = codeIn(await visibleText(review), ids);
  await confirmAndClose(review, 'approve');

  await expect(panel.getByTestId('current-step')).toHaveAttribute('data-step-id', 'publish');
  await completeStep(panel);
  await expect(panel.getByTestId('task-finished')).toBeVisible({ timeout: 15_000 });
  scanned['panel, task finished'] = codeIn(await visibleText(panel), ids);

  const options = await context.newPage();
  const pages: Array<[string, string, () => Promise<void>]> = [
    ['library', '#/library', () => expect(options.getByTestId('workflow-row').first()).toBeVisible()],
    ['dashboard', '#/tasks', () => expect(options.getByTestId('task-row').first()).toBeVisible()],
    [
      'task page, after Verify',
      `#/tasks/${taskId}`,
      async () => {
        await options.getByTestId('verify-chain').click();
        await expect(options.getByTestId('chain-verdict')).toHaveAttribute('data-ok', 'true');
      },
    ],
    ['printable report', `#/tasks/${taskId}/report`, () => expect(options.getByTestId('report-chain')).toHaveAttribute('data-ok', 'true')],
  ];
  for (const [name, hash, ready] of pages) {
    await options.goto(`chrome-extension://${extensionId}/options.html${hash}`);
    await ready();
    scanned[name] = codeIn(await visibleText(options), ids);
  }

  // The auditors still find what they need: the report's details hold the task id and the chain head.
  await expect(options.getByTestId('report-auditor-details')).toContainText(taskId);
  await expect(options.getByTestId('report-auditor-details')).toContainText('hash');

  const problems = Object.entries(scanned).flatMap(([page, found]) => found.map((line) => `${page} — ${line}`));
  expect(problems, problems.join('\n')).toEqual([]);
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { runAction } from '@/lib/db';
import type { Task } from '@/lib/workflow/records';
import { alice, sopInTab, useFreshBackground } from './tab-task';

/**
 * One review window per gate, however many panels ask at once: two panels of the same task (or a page
 * that clicks its panel twice) call `openReviewWindow` together; the second must find the first's
 * window, never open its own.
 */
const { openReviewWindow } = await import('@/lib/background/review-window');

useFreshBackground();
afterEach(() => void vi.restoreAllMocks());

async function atGate(): Promise<Task> {
  let task = await sopInTab(null);
  for (const stepId of ['capture-process', 'draft-sop', 'walkthrough']) {
    task = await runAction(task.id, task.rev, { type: 'complete-step', stepId }, alice);
  }
  expect(task.status).toBe('awaiting-approval');
  return task;
}

/** `windows.create` answers after a moment, as a real browser does, numbering the windows it opens. */
function slowWindows() {
  let next = 100;
  const create = vi.spyOn(fakeBrowser.windows, 'create').mockImplementation(
    () => new Promise((resolve) => setTimeout(() => resolve({ id: next++ } as never), 15)),
  );
  const update = vi.spyOn(fakeBrowser.windows, 'update').mockImplementation(async (id) => ({ id }) as never);
  return { create, update };
}

describe('review window', () => {
  it('two concurrent requests for one gate open one window; the second focuses it', async () => {
    const task = await atGate();
    const { create, update } = slowWindows();
    const answers = await Promise.all([openReviewWindow(task.id), openReviewWindow(task.id), openReviewWindow(task.id)]);
    expect(create).toHaveBeenCalledTimes(1);
    expect(answers.filter((a) => a.opened)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.windowId))).toEqual(new Set([100]));
    expect(update).toHaveBeenCalledTimes(2);
  });

  it('a task without a waiting gate opens nothing', async () => {
    const task = await sopInTab(null);
    const { create } = slowWindows();
    expect(await openReviewWindow(task.id)).toEqual({ opened: false, windowId: null });
    expect(create).not.toHaveBeenCalled();
  });

  it('a window that failed to open does not block the next request', async () => {
    const task = await atGate();
    const { create } = slowWindows();
    create.mockImplementationOnce(() => Promise.reject(new Error('no window')));
    await expect(openReviewWindow(task.id)).rejects.toThrow('no window');
    expect(await openReviewWindow(task.id)).toMatchObject({ opened: true });
  });
});

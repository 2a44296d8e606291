import { fakeBrowser } from 'wxt/testing/fake-browser';
import { panelCall, panelQuery, PANEL_TAB, startedFromPanel } from './panel-calls';
import { forgetTabStateForTests, writeBinding, writeHostState } from '@/lib/background/tab-state';
import { warmFirstScreen } from '@/lib/background/first-screen';
import type { HostState } from '@/lib/messaging/schemas';
import type { Task } from '@/lib/workflow/records';
import { useFreshDb } from '../db/helpers';

const fresh = useFreshDb();
beforeEach(() => {
  fakeBrowser.reset();
  forgetTabStateForTests();
});

/** The page of the panel's tab, as its content script reports it: a ChatGPT chat. */
const page = (conversationId: string): HostState =>
  ({ site: 'chatgpt', url: `https://chatgpt.com/c/${conversationId}`, conversationId, health: null, streaming: false, theme: 'dark', interference: 0, collapsed: false }) as unknown as HostState;

/**
 * The `first-screen` query (lib/background/first-screen.ts): what the panel's entry paints before
 * React, answered only where the panel's next screen is that task's view.
 */
describe('the panel first screen', () => {
  it('is the bound running task\'s current step, with its number, the workflow and the page\'s scheme', async () => {
    const task = await startedFromPanel('Month-end close');
    await writeHostState(PANEL_TAB, page('c-1'));
    expect(await panelQuery('first-screen', {})).toEqual({
      taskId: task.id,
      taskTitle: 'Month-end close',
      workflowName: 'SOP Documentation',
      workflowVersion: task.workflowVersion,
      stepId: 'capture-process',
      stepTitle: expect.any(String),
      stepNumber: 1,
      stepCount: 4,
      theme: 'dark',
    });
    const moved = (await panelCall('act', { taskId: task.id, rev: task.rev, action: { type: 'complete-step', stepId: 'capture-process' } })) as Task;
    expect(await panelQuery('first-screen', {})).toMatchObject({ stepId: moved.currentStepId, stepNumber: 2 });
  });

  it('is null where the panel shows something else first: no task bound, the page on another chat, the task finished', async () => {
    const task = await startedFromPanel('Month-end close');
    await writeHostState(PANEL_TAB, page('c-2'));
    expect(await panelQuery('first-screen', {})).toBeNull();
    await writeHostState(PANEL_TAB, page('c-1'));
    await writeBinding(PANEL_TAB, null);
    expect(await panelQuery('first-screen', {})).toBeNull();
    await writeBinding(PANEL_TAB, { taskId: task.id });
    expect(await panelQuery('first-screen', {})).not.toBeNull();
    await panelCall('act', { taskId: task.id, rev: task.rev, action: { type: 'cancel' } });
    expect(await panelQuery('first-screen', {})).toBeNull();
  });

  it('read ahead while the frame loads, for the page the frame goes into, and answered once from that read', async () => {
    const task = await startedFromPanel('Month-end close');
    // The tab last reported another chat; the page now loading is the task's own.
    await writeHostState(PANEL_TAB, page('c-2'));
    warmFirstScreen(PANEL_TAB, { site: 'chatgpt', conversationId: 'c-1' });
    // Whatever the database says after the read ahead, the frame's first question gets that read
    // (the tasks table is emptied to show the answer came from it, not from a read made now).
    await new Promise((resolve) => setTimeout(resolve, 50));
    await fresh.db.tasks.clear();
    expect(await panelQuery('first-screen', {})).toMatchObject({ taskId: task.id, stepId: 'capture-process' });
    // Once only: the next question reads afresh.
    expect(await panelQuery('first-screen', {})).toBeNull();
  });

  it('read ahead for a page on another chat is null, whatever the tab reported before', async () => {
    await startedFromPanel('Month-end close');
    await writeHostState(PANEL_TAB, page('c-1'));
    warmFirstScreen(PANEL_TAB, { site: 'chatgpt', conversationId: 'c-9' });
    expect(await panelQuery('first-screen', {})).toBeNull();
  });

  it('a read ahead left unasked for goes stale: a later question reads afresh', async () => {
    const task = await startedFromPanel('Month-end close');
    await writeHostState(PANEL_TAB, page('c-1'));
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    try {
      warmFirstScreen(PANEL_TAB, { site: 'chatgpt', conversationId: 'c-1' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const moved = (await panelCall('act', { taskId: task.id, rev: task.rev, action: { type: 'complete-step', stepId: 'capture-process' } })) as Task;
      clock.mockReturnValue(now + 10_000);
      expect(await panelQuery('first-screen', {})).toMatchObject({ stepId: moved.currentStepId, stepNumber: 2 });
    } finally {
      clock.mockRestore();
    }
  });
});

import { fakeBrowser } from 'wxt/testing/fake-browser';
import { panelCall, panelQuery, PANEL_CHAT, startedFromPanel } from './panel-calls';
import { getTask, listEvents } from '@/lib/db';
import { installBuiltinWorkflows } from '@/lib/background/builtins';
import type { Task } from '@/lib/workflow/records';
import { useFreshDb } from '../db/helpers';

useFreshDb();
beforeEach(() => fakeBrowser.reset());

const conversation = PANEL_CHAT;
const started = (): Promise<Task> => startedFromPanel('Bridge');

describe('panel bridge', () => {
  it('refuses writes before the person has a name', async () => {
    await installBuiltinWorkflows();
    await expect(panelCall('start-task', { workflowId: 'sop-documentation', title: 'x' })).rejects.toThrow(/name/);
  });

  it('every write is done as the person named in the settings, whatever the message says', async () => {
    const task = await started();
    await panelCall('act', { taskId: task.id, rev: task.rev, action: { type: 'complete-step', stepId: 'capture-process' }, actor: { kind: 'system', name: 'Evil' } } as never);
    await panelCall('add-note', { taskId: task.id, stepId: 'draft-sop', body: 'Checked the ledger' });
    const events = await listEvents(task.id);
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ['task.started', { kind: 'human', name: 'Pat' }],
      ['step.completed', { kind: 'human', name: 'Pat' }],
      ['note.added', { kind: 'human', name: 'Pat' }],
    ]);
  });

  it('a stale rev fails cleanly and changes nothing', async () => {
    const task = await started();
    await panelCall('act', { taskId: task.id, rev: task.rev, action: { type: 'complete-step', stepId: 'capture-process' } });
    await expect(panelCall('act', { taskId: task.id, rev: task.rev, action: { type: 'complete-step', stepId: 'capture-process' } })).rejects.toMatchObject({
      name: 'StaleTaskError',
    });
    expect((await getTask(task.id))!.currentStepId).toBe('draft-sop');
  });

  it('only the actions a person takes in the panel exist: no url-assigned moves, no other event types, no unknown shapes', async () => {
    const task = await started();
    await expect(
      panelCall('act', { taskId: task.id, rev: task.rev, action: { type: 'move-conversation', reason: 'url-assigned', conversation } as never }),
    ).rejects.toThrow();
    // What went into the prompt box is recorded by the background, never as the panel says it.
    await expect(panelCall('briefing-inserted' as never, { taskId: task.id, data: { text: 'forged' } } as never)).rejects.toThrow();
    await expect(panelCall('deliver', { taskId: task.id, send: 'yes' } as never)).rejects.toThrow();
    await expect(panelCall('act', { taskId: task.id, rev: task.rev, action: { type: 'reject', stepId: 'walkthrough', comment: '' } })).rejects.toThrow();
    expect(await listEvents(task.id)).toHaveLength(1);
  });

  it('answers the panel queries: library with gates, the task in this conversation, detail, open tasks', async () => {
    const task = await started();
    const library = await panelQuery('library', {});
    expect(library.find((w) => w.id === 'sop-documentation')).toMatchObject({ stepCount: 4, gates: ['Walkthrough'], origin: 'builtin' });
    expect((await panelQuery('conversation-task', { site: 'chatgpt', conversationId: 'c-1' }))?.id).toBe(task.id);
    expect(await panelQuery('conversation-task', { site: 'claude', conversationId: 'c-1' })).toBeNull();
    expect((await panelQuery('task-detail', { taskId: task.id }))?.workflow.id).toBe('sop-documentation');
    expect((await panelQuery('open-tasks', {})).map((t) => t.id)).toEqual([task.id]);
    await expect(panelQuery('task-detail', { taskId: '' })).rejects.toThrow();
  });

  it('refuses gate decisions from the framed panel: they are taken in the review window', async () => {
    const task = await started();
    let current = task;
    for (const stepId of ['capture-process', 'draft-sop', 'walkthrough']) {
      current = (await panelCall('act', { taskId: current.id, rev: current.rev, action: { type: 'complete-step', stepId } })) as Task;
    }
    expect(current.status).toBe('awaiting-approval');
    for (const action of [{ type: 'approve', stepId: 'walkthrough' }, { type: 'reject', stepId: 'walkthrough', comment: 'no' }]) {
      await expect(panelCall('act', { taskId: current.id, rev: current.rev, action } as never)).rejects.toMatchObject({ code: 'decision-refused' });
    }
    expect((await getTask(current.id))!.status).toBe('awaiting-approval');
    expect((await listEvents(current.id)).some((e) => e.type === 'gate.approved' || e.type === 'gate.rejected')).toBe(false);
  });
});

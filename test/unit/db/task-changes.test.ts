import { fakeBrowser } from 'wxt/testing/fake-browser';
import { panelCall } from '../background/panel-calls';
import { getTaskChanges, getTaskDetail, recordTaskEvent } from '@/lib/db';
import { applyTaskDetailChange, type PanelTaskDetail } from '@/lib/background/panel-port';
import { installBuiltinWorkflows } from '@/lib/background/builtins';
import { captureReply } from '@/lib/db/notes-repo';
import type { Note, Task } from '@/lib/workflow/records';
import { useFreshDb } from '../db/helpers';

/**
 * The panel follows a task by changes (the tail of its audit chain) instead of the whole detail
 * again. Whatever happens to the task, the followed detail must end exactly where a full read ends.
 */
const store = useFreshDb();
beforeEach(() => fakeBrowser.reset());

const conversation = { site: 'chatgpt' as const, conversationId: 'c-1', url: 'https://chatgpt.com/c/c-1', boundAt: '2026-11-21T10:00:00.000Z' };

async function started(): Promise<Task> {
  await installBuiltinWorkflows();
  await panelCall('save-display-name', { name: 'Pat' });
  return (await panelCall('start-task', { workflowId: 'sop-documentation', title: 'Follow me', conversation })) as Task;
}

/** What a panel holds after following: the first full read, then every change applied in turn. */
async function follow(taskId: string) {
  let detail = (await getTaskDetail(taskId)) as PanelTaskDetail;
  let changesSent = 0;
  return {
    get detail() {
      return detail;
    },
    get changesSent() {
      return changesSent;
    },
    async catchUp() {
      const last = detail.events.at(-1)!;
      const change = await getTaskChanges(taskId, last.seq, last.hash);
      if (!change) throw new Error('the chain no longer continues');
      changesSent += change.notes.length + change.events.length;
      detail = applyTaskDetailChange(detail, change);
    },
  };
}

describe('following a task by changes', () => {
  it('ends where a full read ends: notes added, captured, edited, deleted; steps completed', async () => {
    const task = await started();
    const panel = await follow(task.id);

    const first = (await panelCall('add-note', { taskId: task.id, stepId: 'capture-process', body: 'First' })) as Note;
    await panel.catchUp();
    await captureReply({ taskId: task.id, site: 'chatgpt', conversationId: 'c-1', messageKey: 'm-1', markdown: '## Reply', actor: { kind: 'system', name: 'capture' } });
    const second = (await panelCall('add-note', { taskId: task.id, stepId: 'capture-process', body: 'Second' })) as Note;
    await panel.catchUp();
    await panelCall('edit-note', { noteId: first.id, body: 'First, edited' });
    await panelCall('delete-note', { noteId: second.id });
    await panelCall('act', { taskId: task.id, rev: task.rev, action: { type: 'complete-step', stepId: 'capture-process' } });
    await panel.catchUp();
    await panel.catchUp(); // nothing new: stays the same

    const full = (await getTaskDetail(task.id))!;
    expect(panel.detail).toEqual(full);
    expect(panel.detail.notes.map((n) => n.body)).toEqual(['First, edited', '## Reply']);
    expect(panel.detail.task.rev).toBe(full.task.rev);
  });

  it('sends only what changed: one note added to a task with many costs one note and its events', async () => {
    const task = await started();
    for (let i = 0; i < 30; i++) await panelCall('add-note', { taskId: task.id, stepId: 'capture-process', body: `Note ${i}` });
    const panel = await follow(task.id);
    await panelCall('add-note', { taskId: task.id, stepId: 'capture-process', body: 'One more' });
    await panel.catchUp();
    // One note plus its `note.added` event, not the 31 notes and 32 events of the task.
    expect(panel.changesSent).toBe(2);
    expect(panel.detail.notes).toHaveLength(31);
  });

  it('says the chain no longer continues when the events the panel saw were replaced', async () => {
    const task = await started();
    const detail = (await getTaskDetail(task.id))!;
    const last = detail.events.at(-1)!;
    expect(await getTaskChanges(task.id, last.seq, last.hash)).not.toBeNull();
    await store.db.events.put({ ...last, hash: 'f'.repeat(64) });
    expect(await getTaskChanges(task.id, last.seq, last.hash)).toBeNull();
    expect(await getTaskChanges('no-such-task', 0, '')).toBeNull();
  });

  it('ignores notes of another task that an event might name', async () => {
    const task = await started();
    const other = (await panelCall('start-task', { workflowId: 'sop-documentation', title: 'Other' })) as Task;
    const foreign = (await panelCall('add-note', { taskId: other.id, stepId: 'capture-process', body: 'Not yours' })) as Note;
    const detail = (await getTaskDetail(task.id))!;
    const last = detail.events.at(-1)!;
    await recordTaskEvent(task.id, { type: 'briefing.inserted', actor: { kind: 'system', name: 'ConvOps' }, at: new Date().toISOString(), stepId: 'capture-process', data: { noteId: foreign.id } });
    const change = (await getTaskChanges(task.id, last.seq, last.hash))!;
    expect(change.events).toHaveLength(1);
    expect(change.notes).toEqual([]);
  });
});

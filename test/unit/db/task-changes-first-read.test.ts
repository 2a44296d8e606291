import { fakeBrowser } from 'wxt/testing/fake-browser';
import { panelCall, panelQuery, startedFromPanel } from '../background/panel-calls';
import { getDb, getEventsBefore, getLiveNotes, getPanelTaskDetail, getTaskChanges, getTaskDetail, getTaskDetailPage } from '@/lib/db';
import { toNoteRow } from '@/lib/db/records';
import { applyEarlierEvents, applyLaterNotes, applyTaskDetailChange, type PanelTaskDetail } from '@/lib/messaging/panel-port';
import { installBuiltinWorkflows } from '@/lib/background/builtins';
import type { Note, Task } from '@/lib/workflow/records';
import { useFreshDb } from './helpers';

/**
 * The panel's first read of a task (lib/db/task-changes.ts) and the changes that follow it: the
 * first read of a running task is its notes and its chain from the current step on (the earlier
 * events follow apart); afterwards only the tail of the chain is read, and applying it all gives
 * what a full read would.
 */
useFreshDb();
beforeEach(() => fakeBrowser.reset());

async function started(): Promise<Task> {
  const task = await startedFromPanel('First read');
  for (let n = 0; n < 5; n += 1) await panelCall('add-note', { taskId: task.id, stepId: 'capture-process', body: `Note ${n}` });
  return task;
}

describe('the panel first read', () => {
  it('a running task: the same task, workflow and notes as the full read, and its chain from the current step on; the earlier events complete it', async () => {
    const task = await started();
    await panelCall('act', { taskId: task.id, rev: task.rev, action: { type: 'complete-step', stepId: 'capture-process' } });
    const full = (await getTaskDetail(task.id))!;
    const first = (await getPanelTaskDetail(task.id))!;
    expect(first.task).toEqual(full.task);
    expect(first.workflow).toEqual(full.workflow);
    // The notes of the step now current only (none yet): the others follow.
    expect(first.notes).toEqual(full.notes.filter((n) => n.stepId === full.task.currentStepId));
    expect(first.notesToCome).toBe(true);
    // From the event before the step's arrival (the step.completed that brought it here) to the end.
    const arrival = full.events.findLast((e) => e.type === 'step.completed')!;
    expect(first.events[0]!.seq).toBe(arrival.seq - 1);
    expect(first.events.at(-1)).toEqual(full.events.at(-1));
    expect(first.events.length).toBeLessThan(full.events.length);
    expect(first.earlierThan).toBe(arrival.seq - 1);
    expect(await panelQuery('task-detail', { taskId: task.id })).toEqual(first);
    const withEvents = applyEarlierEvents(first, first.earlierThan!, await getEventsBefore(task.id, first.earlierThan!));
    expect(applyLaterNotes(withEvents, await getLiveNotes(task.id))).toEqual(full);
  });

  it('a 1,000-note task: the first read carries only the current step\'s notes; every note follows, the whole set arrives', async () => {
    const task = await started();
    const moved = await panelCall('act', { taskId: task.id, rev: task.rev, action: { type: 'complete-step', stepId: 'capture-process' } });
    const steps = (await getTaskDetail(task.id))!.workflow.steps.map((s) => s.id);
    const current = (moved as Task).currentStepId!;
    const base = Date.UTC(2025, 0, 1);
    const notes: Note[] = Array.from({ length: 1000 }, (_, n) => ({
      id: `many-${String(n).padStart(4, '0')}`,
      taskId: task.id,
      stepId: steps[n % steps.length]!,
      source: 'manual',
      body: `Note ${n}`,
      createdAt: new Date(base + n * 1000).toISOString(),
      createdBy: { kind: 'human', name: 'Dana Reviewer' },
      updatedAt: new Date(base + n * 1000).toISOString(),
      deleted: n === 999,
    }));
    await getDb().notes.bulkPut(notes.map(toNoteRow));
    const full = (await getTaskDetail(task.id))!;
    expect(full.notes.length).toBe(1004);
    const first = (await getPanelTaskDetail(task.id))!;
    const onCurrent = full.notes.filter((n) => n.stepId === current);
    expect(first.notes).toEqual(onCurrent);
    expect(first.notes.length).toBeLessThanOrEqual(Math.ceil(1000 / steps.length));
    expect(first.notesToCome).toBe(true);
    // Every note arrives after it, deleted ones left out, in creation order.
    const later = await getLiveNotes(task.id);
    expect(later).toEqual(full.notes);
    const complete = applyLaterNotes(applyEarlierEvents(first, first.earlierThan!, await getEventsBefore(task.id, first.earlierThan!)), later);
    expect(complete).toEqual(full);
    // Applied once only: a detail no longer waiting for notes is left as it is.
    expect(applyLaterNotes(complete, [])).toBe(complete);
  });

  it('a task still on its first step: every event at once (nothing earlier to send)', async () => {
    const task = await started();
    const first = (await getPanelTaskDetail(task.id))!;
    expect(first).toEqual(await getTaskDetail(task.id));
    expect(first.earlierThan).toBeUndefined();
  });

  it('following from the first read by changes ends where a full read ends, notes and task alike', async () => {
    const task = await started();
    let detail = (await getPanelTaskDetail(task.id)) as PanelTaskDetail;
    const note = (await panelCall('add-note', { taskId: task.id, stepId: 'capture-process', body: 'Later' })) as Note;
    await panelCall('edit-note', { noteId: note.id, body: 'Later, edited' });
    await panelCall('act', { taskId: task.id, rev: task.rev, action: { type: 'complete-step', stepId: 'capture-process' } });
    const head = detail.events.at(-1)!;
    detail = applyTaskDetailChange(detail, (await getTaskChanges(task.id, head.seq, head.hash))!);
    const full = (await getTaskDetail(task.id))!;
    expect(detail.task).toEqual(full.task);
    expect(detail.notes).toEqual(full.notes);
    expect(detail.events.at(-1)).toEqual(full.events.at(-1));
  });

  it('a finished task: every event, for the record the panel shows', async () => {
    const task = await started();
    await panelCall('act', { taskId: task.id, rev: task.rev, action: { type: 'cancel', reason: 'done here' } });
    const full = (await getTaskDetail(task.id))!;
    expect(full.task.status).toBe('cancelled');
    expect(await getPanelTaskDetail(task.id)).toEqual(full);
  });

  it('no task: undefined', async () => {
    await installBuiltinWorkflows();
    expect(await getPanelTaskDetail('missing')).toBeUndefined();
  });

  it('the options page, page by page: the pages add up to the full read, deleted notes left out', async () => {
    const task = await started();
    const gone = (await panelCall('add-note', { taskId: task.id, stepId: 'capture-process', body: 'Gone' })) as Note;
    await panelCall('delete-note', { noteId: gone.id });
    const notes: Note[] = [];
    const events = [];
    let from = { noteRows: 0, afterSeq: 0 };
    let pages = 0;
    for (;;) {
      const page = await getTaskDetailPage(task.id, from, 2);
      pages += 1;
      notes.push(...page.notes);
      events.push(...page.events);
      from = { noteRows: from.noteRows + page.noteRows, afterSeq: events.at(-1)?.seq ?? 0 };
      if (page.done) break;
    }
    const full = (await getTaskDetail(task.id))!;
    expect(pages).toBeGreaterThan(3);
    expect(events).toEqual(full.events);
    expect(notes.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))).toEqual(full.notes);
  });
});

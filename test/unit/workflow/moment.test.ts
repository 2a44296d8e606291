import { applyAction, startTask } from '@/lib/workflow/engine';
import { currentMoment, lastAdvanceSeq } from '@/lib/workflow/moment';
import type { AuditEvent, EventDraft, Task } from '@/lib/workflow/records';
import { ai, at, human, sop } from './fixtures';

function chain(drafts: EventDraft[]): AuditEvent[] {
  return drafts.map((d, i) => ({ ...d, taskId: 't', seq: i + 1, prevHash: '', hash: '' }));
}

describe('the moment on the current step', () => {
  const started = startTask(sop, { id: 't', title: 'x', actor: human, now: at(0) });
  const extra = (type: EventDraft['type'], stepId: string, minute: number, data: Record<string, unknown> = {}): EventDraft => ({ type, actor: human, at: at(minute), stepId, data });

  test('fresh until something was sent on the step since it became current, then working', () => {
    expect(currentMoment(started.task, chain(started.events)).kind).toBe('fresh');
    const sent = [...started.events, extra('briefing.inserted', 'capture', 1)];
    expect(currentMoment(started.task, chain(sent)).kind).toBe('working');
    // The AI completes the step: the next one starts fresh, even though earlier steps had work.
    const done = applyAction(started.task, sop, { type: 'complete-step', stepId: 'capture' }, ai, at(2));
    const events = chain([...sent, ...done.events]);
    expect(currentMoment(done.task, events)).toEqual({ kind: 'fresh', since: at(2) });
    expect(lastAdvanceSeq(events)).toBe(3);
  });

  test('drive mode off: a held completion line is a suggestion; a gate waiting is the gate; a finished task is finished', () => {
    const off = applyAction(started.task, sop, { type: 'set-drive-mode', on: false }, human, at(1));
    const held = [...started.events, ...off.events, { ...extra('completion.ignored', 'capture', 2, { named: 'capture', reason: 'drive-off' }), actor: ai }];
    expect(currentMoment(off.task, chain(held)).kind).toBe('suggested');
    const otherStep = [...started.events, { ...extra('completion.ignored', 'capture', 2, { named: 'draft', reason: 'other-step' }), actor: ai }];
    expect(currentMoment(started.task, chain(otherStep)).kind).toBe('fresh');
    let task: Task = started.task;
    for (const stepId of ['capture', 'draft', 'review']) task = applyAction(task, sop, { type: 'complete-step', stepId }, ai, at(3)).task;
    expect(currentMoment(task, chain(started.events)).kind).toBe('gate');
    const cancelled = applyAction(task, sop, { type: 'cancel' }, human, at(4)).task;
    expect(currentMoment(cancelled, []).kind).toBe('finished');
  });
});

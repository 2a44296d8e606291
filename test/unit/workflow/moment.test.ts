import { applyAction, startTask } from '@/lib/workflow/engine';
import { awaitingBriefing, briefingHistory, currentMoment, lastAdvanceSeq } from '@/lib/workflow/moment';
import type { AuditEvent, EventDraft, Task } from '@/lib/workflow/records';
import { ai, at, human, sop } from './fixtures';

function chain(drafts: EventDraft[]): AuditEvent[] {
  return drafts.map((d, i) => ({ ...d, taskId: 't', seq: i + 1, prevHash: '', hash: '' }));
}

describe('the moment on the current step', () => {
  const started = startTask(sop, { id: 't', title: 'x', actor: human, now: at(0) });
  const extra = (type: EventDraft['type'], stepId: string, minute: number, data: Record<string, unknown> = {}): EventDraft => ({ type, actor: human, at: at(minute), stepId, data });

  test('fresh until the briefing went in; inserted while it waits for Send; working once sent', () => {
    expect(currentMoment(started.task, chain(started.events)).kind).toBe('fresh');
    // Put in the prompt box, not sent: the person's Send is next, nothing works yet.
    const inserted = [...started.events, extra('briefing.inserted', 'capture', 1, { sent: false })];
    expect(currentMoment(started.task, chain(inserted)).kind).toBe('inserted');
    // The person pressed the site's Send afterwards.
    expect(currentMoment(started.task, chain([...inserted, extra('message.sent', 'capture', 1)])).kind).toBe('working');
    // Inserted and sent at once.
    const sent = [...started.events, extra('briefing.inserted', 'capture', 1, { sent: true })];
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

  test('a briefing counts as sent only when it was: on insert, or a message sent after it and before the next', () => {
    const events = chain([
      ...started.events,
      extra('briefing.inserted', 'capture', 1, { sent: false }),
      extra('briefing.inserted', 'capture', 2, { sent: false }),
      extra('message.sent', 'capture', 3),
      extra('briefing.inserted', 'capture', 4, { sent: true }),
    ]);
    expect(briefingHistory(events, 'capture').map((b) => b.sent)).toEqual([false, true, true]);
  });

  test('the conductor owes a briefing after an advance only, once, and never at a gate or with drive mode off', () => {
    expect(awaitingBriefing(started.task, chain(started.events))).toBeNull();
    const done = applyAction(started.task, sop, { type: 'complete-step', stepId: 'capture' }, ai, at(2));
    const all = chain([...started.events, ...done.events]);
    const arrival = all.at(-1)!;
    expect(awaitingBriefing(done.task, [arrival])).toBe(arrival.seq);
    const onThisStep = { ...arrival, type: 'briefing.inserted' as const, seq: arrival.seq + 1, stepId: done.task.currentStepId! };
    expect(awaitingBriefing(done.task, [arrival, onThisStep])).toBeNull();
    // The step before's briefing, recorded late (a worker restart settled it after this advance), does not start this step.
    expect(awaitingBriefing(done.task, [arrival, { ...onThisStep, stepId: 'capture' }])).toBe(arrival.seq);
    expect(awaitingBriefing({ ...done.task, driveMode: false }, [arrival])).toBeNull();
    expect(awaitingBriefing({ ...done.task, pendingGate: { stepId: 'review', requestedAt: at(3) } } as Task, [arrival])).toBeNull();
  });
});

import fc from 'fast-check';
import { applyAction, startTask } from '@/lib/workflow/engine';
import type { TaskAction } from '@/lib/workflow/records';
import type { AuditEvent, EventDraft, Task } from '@/lib/workflow/records';
import { replayTask, rowMismatch } from '@/lib/workflow/replay';
import { ai, at, chat, human, sop } from './fixtures';

/** Engine drafts as stored events (the chain's hashes do not matter to replay). */
function stored(drafts: EventDraft[], taskId = 't1'): AuditEvent[] {
  return drafts.map((draft, index) => ({ ...draft, taskId, seq: index + 1, prevHash: '', hash: String(index) }));
}

function run(actions: Array<{ action: TaskAction; actor?: typeof human }>): { task: Task; events: AuditEvent[] } {
  let { task, events: drafts } = startTask(sop, { id: 't1', title: 'SOP', actor: human, now: at(0) });
  drafts = [...drafts];
  for (const [i, { action, actor }] of actions.entries()) {
    const result = applyAction(task, sop, action, actor ?? human, at(i + 1));
    task = { ...result.task, rev: task.rev + 1 };
    drafts.push(...result.events);
    drafts.push({ type: 'briefing.inserted', actor: human, at: at(i + 1), data: {} });
  }
  return { task, events: stored(drafts) };
}

describe('replayTask', () => {
  test('rebuilds a run with a rejection, a move and an approval', () => {
    const { task, events } = run([
      { action: { type: 'complete-step', stepId: 'capture' }, actor: ai },
      { action: { type: 'complete-step', stepId: 'draft' } },
      { action: { type: 'complete-step', stepId: 'review' } },
      { action: { type: 'reject', stepId: 'review', comment: 'More detail' } },
      { action: { type: 'move-conversation', conversation: chat('c2'), reason: 'handoff' } },
      { action: { type: 'complete-step', stepId: 'draft' } },
      { action: { type: 'complete-step', stepId: 'review' } },
      { action: { type: 'approve', stepId: 'review', comment: 'Good' } },
      { action: { type: 'complete-step', stepId: 'publish' } },
    ]);
    const replayed = replayTask(sop, events);
    expect(replayed.ok).toBe(true);
    if (replayed.ok) {
      expect(rowMismatch(task, replayed.task, sop)).toBeUndefined();
      expect(replayed.task).toMatchObject({ status: 'completed', rev: 9 });
    }
  });

  test('an approval written as if by the AI does not replay', () => {
    const { events } = run([
      { action: { type: 'complete-step', stepId: 'capture' } },
      { action: { type: 'complete-step', stepId: 'draft' } },
      { action: { type: 'complete-step', stepId: 'review' } },
      { action: { type: 'approve', stepId: 'review' } },
    ]);
    const approval = events.find((e) => e.type === 'gate.approved')!;
    approval.actor = ai;
    expect(replayTask(sop, events)).toMatchObject({ ok: false, seq: approval.seq, reason: expect.stringContaining('Only a person can approve a gate') });
  });

  test('a step completed past its gate, a lone task.completed, or a missing start are refused', () => {
    const { events } = run([{ action: { type: 'complete-step', stepId: 'capture' } }, { action: { type: 'complete-step', stepId: 'draft' } }]);
    const skipped = [...events, { ...events.at(-1)!, type: 'step.completed' as const, stepId: 'review', seq: events.length + 1 }];
    expect(replayTask(sop, skipped)).toMatchObject({ ok: false, reason: expect.stringContaining('records "gate.requested"') });
    const lone = [...events, { ...events.at(-1)!, type: 'task.completed' as const, seq: events.length + 1 }];
    expect(replayTask(sop, lone)).toMatchObject({ ok: false, reason: expect.stringContaining('does not follow from the events before it') });
    expect(replayTask(sop, events.slice(1))).toMatchObject({ ok: false, reason: 'its audit trail does not start with "task.started"' });
    expect(replayTask({ ...sop, version: 2 }, events)).toMatchObject({ ok: false, seq: 1 });
  });

  test('rowMismatch names what does not follow', () => {
    const { task, events } = run([{ action: { type: 'complete-step', stepId: 'capture' } }]);
    const replayed = replayTask(sop, events);
    if (!replayed.ok) throw new Error(replayed.reason);
    expect(rowMismatch({ ...task, rev: 7 }, replayed.task, sop)).toBe('its record is at revision 7, but its events make 1 changes');
    expect(rowMismatch({ ...task, completedStepIds: [] }, replayed.task, sop)).toMatch(/other completed steps/);
    expect(rowMismatch({ ...task, status: 'completed', currentStepId: null }, replayed.task, sop)).toBe('its record says "completed", but its events lead to "active" at "Draft"');
  });

  test('every engine run replays to the same state (property)', () => {
    const actionArb = fc.constantFrom<'complete' | 'approve' | 'reject' | 'cancel' | 'move'>('complete', 'complete', 'complete', 'approve', 'reject', 'cancel', 'move');
    fc.assert(
      fc.property(fc.array(actionArb, { maxLength: 25 }), fc.boolean(), (kinds, aiCompletes) => {
        let { task, events: drafts } = startTask(sop, { id: 't1', title: 'SOP', actor: human, now: at(0) });
        drafts = [...drafts];
        for (const [i, kind] of kinds.entries()) {
          if (task.status === 'completed' || task.status === 'cancelled') break;
          const stepId = task.currentStepId!;
          const action: TaskAction =
            kind === 'complete' ? { type: 'complete-step', stepId } : kind === 'approve' ? { type: 'approve', stepId } : kind === 'reject' ? { type: 'reject', stepId, comment: 'again' } : kind === 'cancel' ? { type: 'cancel' } : { type: 'move-conversation', conversation: chat(`c${i}`), reason: 'manual' };
          try {
            const result = applyAction(task, sop, action, kind === 'complete' && aiCompletes ? ai : human, at(i + 1));
            task = { ...result.task, rev: task.rev + 1 };
            drafts.push(...result.events);
          } catch {
            // Not allowed here: nothing recorded, as in the repository.
          }
        }
        const replayed = replayTask(sop, stored(drafts));
        return replayed.ok && rowMismatch(task, replayed.task, sop) === undefined;
      }),
      { numRuns: 300, seed: 12 },
    );
  });
});

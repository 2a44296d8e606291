import { describe, expect, it } from 'vitest';
import { buildTaskReport, excerpt } from '@/components/options/report-model';
import { foldSummary, foldTimeline } from '@/components/options/timeline';
import { describeEvent } from '@/lib/workflow/event-words';
import { TASK_STATUS_LABELS } from '@/lib/workflow/labels';
import type { AuditEvent, Note, Task } from '@/lib/workflow/records';
import type { Workflow } from '@/lib/workflow/schema';

const ana = { kind: 'human' as const, name: 'Ana' };
const gpt = { kind: 'ai' as const, name: 'ChatGPT' };
const workflow: Workflow = {
  id: 'sop',
  name: 'SOP',
  version: 2,
  description: '',
  category: 'Docs',
  standards: [],
  steps: [
    { id: 'draft', title: 'Draft', instructions: 'Write', capture: true, reads: [] },
    { id: 'review', title: 'Walkthrough', instructions: 'Check', capture: true, reads: ['draft'], gate: { type: 'sign-off', ask: 'Right?', onReject: 'draft' } },
    { id: 'publish', title: 'Publish', instructions: 'Ship', capture: true, reads: [] },
  ],
};
const at = (minute: number) => `2026-01-02T09:${String(minute).padStart(2, '0')}:00.000Z`;
const task: Task = {
  id: 't1',
  title: 'Onboarding',
  workflowId: 'sop',
  workflowVersion: 2,
  status: 'active',
  currentStepId: 'publish',
  completedStepIds: ['draft', 'review'],
  pendingGate: null,
  rejection: null,
  conversations: [],
  rev: 5,
  createdAt: at(0),
  createdBy: ana,
  updatedAt: at(30),
  updatedBy: ana,
};
let seq = 0;
const ev = (type: AuditEvent['type'], actor: AuditEvent['actor'], stepId: string | undefined, data: Record<string, unknown> = {}): AuditEvent => {
  seq += 1;
  return { taskId: 't1', seq, type, actor, at: at(seq), ...(stepId ? { stepId } : {}), data, prevHash: `h${seq - 1}`, hash: `h${seq}` };
};
const note = (id: string, stepId: string, body: string, minute: number, extra: Partial<Note> = {}): Note => ({
  id,
  taskId: 't1',
  stepId,
  source: 'captured',
  body,
  createdAt: at(minute),
  createdBy: gpt,
  updatedAt: at(minute),
  deleted: false,
  ...extra,
});

describe('the printable report model', () => {
  const events = [
    ev('task.started', ana, 'draft'),
    ev('briefing.inserted', ana, 'draft'),
    ev('message.sent', ana, 'draft'),
    ev('response.captured', gpt, 'draft'),
    ev('step.completed', gpt, 'draft'),
    ev('gate.requested', gpt, 'review'),
    ev('gate.rejected', ana, 'review', { comment: 'Add the tax form.' }),
    ev('step.completed', ana, 'draft'),
    ev('gate.requested', ana, 'review'),
    ev('gate.approved', { kind: 'human' as const, name: 'Bo' }, 'review', { comment: '' }),
    ev('step.completed', { kind: 'human' as const, name: 'Bo' }, 'review'),
  ];
  const notes = [
    note('n1', 'draft', '# First try\n\nToo short', 3),
    note('n2', 'draft', '## The **final** draft\n\n- step one\n- see [the form](https://example.com/form)', 8),
    note('n3', 'draft', 'deleted later', 9, { deleted: true }),
    note('n4', 'review', 'Walked through', 12, { source: 'manual', createdBy: ana }),
  ];
  // What verify said of the people's events (lib/db/audit.ts), by seq: only the approval was checked here.
  const model = buildTaskReport(task, workflow, notes, events, new Map([[events[9]!.seq, 'signed by Bo (key …ff12)']]));

  it('one row per step: its result as plain text, who completed it last and when', () => {
    expect(model.steps.map((s) => [s.number, s.title, s.state, s.gate])).toEqual([
      [1, 'Draft', 'Done', undefined],
      [2, 'Walkthrough', 'Done', 'Sign-off'],
      [3, 'Publish', 'Current', undefined],
    ]);
    expect(model.steps[0]!.result).toEqual({ excerpt: 'The final draft: step one see the form', source: 'Captured reply', by: 'ChatGPT' });
    expect(model.steps[0]!.completedBy).toBe('Ana (person)');
    expect(model.steps[0]!.completedAt).toBe(events[7]!.at);
    expect(model.steps[1]!.completedBy).toBe('Bo (person)');
    expect(model.steps[2]).not.toHaveProperty('result');
    expect(model.steps[2]).not.toHaveProperty('completedBy');
  });

  it('every decision, in order, with its comment and a signature only where the event has one', () => {
    expect(model.decisions).toEqual([
      { seq: 7, stepTitle: 'Walkthrough', decision: 'Rejected', by: 'Ana', at: events[6]!.at, comment: 'Add the tax form.' },
      { seq: 10, stepTitle: 'Walkthrough', decision: 'Approved', by: 'Bo', at: events[9]!.at, signature: 'signed by Bo (key …ff12)' },
    ]);
  });


  it('excerpts are short plain text cut at a word', () => {
    expect(excerpt('```js\nconst a = 1;\n```')).toBe('const a = 1;');
    const long = excerpt('word '.repeat(200), 50);
    expect(long.length).toBeLessThanOrEqual(50);
    expect(long.endsWith('word…')).toBe(true);
  });
});

describe('the options timeline folds routine events under their step', () => {
  seq = 100;
  const events = [
    ev('task.started', ana, 'draft'),
    ev('task.moved-conversation', { kind: 'system', name: 'ConvOps' }, 'draft', { reason: 'url-assigned' }),
    ev('briefing.inserted', ana, 'draft'),
    ev('message.sent', ana, 'draft'),
    ev('response.captured', gpt, 'draft'),
    ev('response.captured', gpt, 'draft'),
    ev('step.completed', gpt, 'draft'),
    ev('briefing.inserted', ana, 'review'),
    ev('gate.requested', gpt, 'review'),
    ev('briefing.inserted', ana, 'review'),
    ev('response.captured', gpt, 'publish'),
    ev('gate.approved', ana, 'review'),
    ev('task.moved-conversation', ana, 'review', { reason: 'handoff' }),
  ];

  it('decisions and completions stay rows; runs of routine events on one step become one fold', () => {
    const items = foldTimeline([...events].reverse());
    expect(items.map((item) => (item.kind === 'event' ? item.event.type : `fold:${item.stepId}:${item.events.length}`))).toEqual([
      'task.started',
      'fold:draft:5',
      'step.completed',
      'briefing.inserted',
      'gate.requested',
      // A run ends where the step changes: neither single event is folded.
      'briefing.inserted',
      'response.captured',
      'gate.approved',
      'task.moved-conversation',
    ]);
    const fold = items[1]!;
    expect(fold.kind === 'fold' && foldSummary(fold.events)).toBe('The conversation got its address, briefing inserted, message sent, 2 replies captured');
    // Every event is still there, in order, inside its row or its fold.
    expect(items.flatMap((item) => (item.kind === 'event' ? [item.event.seq] : item.events.map((e) => e.seq)))).toEqual(events.map((e) => e.seq));
  });

  it('words, not codes: a new chat getting its address is not a move; a handoff is', () => {
    expect(describeEvent(events[1]!)).toBe('The conversation got its address');
    expect(describeEvent(events.at(-1)!)).toBe('Continued in a new conversation');
    expect(TASK_STATUS_LABELS['awaiting-approval']).toBe('Waiting for approval');
  });
});

import { describe, expect, test } from 'vitest';
import { renderBriefing } from '@/lib/workflow/briefing';
import { applyAction, startTask } from '@/lib/workflow/engine';
import { teamStandardsUsedLabel } from '@/components/options/report';
import { replayTask, rowMismatch } from '@/lib/workflow/replay';
import type { AuditEvent, EventDraft, Task, TeamStandards } from '@/lib/workflow/records';
import { at, human, makeWorkflow } from './fixtures';

/** The team workspace's published standards in a briefing: where they came from, pinned to the task. */

const notes = makeWorkflow({
  id: 'notes',
  name: 'Meeting notes',
  standards: ['Name every decision owner.'],
  steps: [
    { id: 'draft', title: 'Draft', instructions: 'Draft the notes.' },
    { id: 'send', title: 'Send', instructions: 'Send them.' },
  ],
});

const publishedBy = { user: 'ana', name: 'Ana Lead', at: at(0), hash: 'a'.repeat(64) };
const published: TeamStandards = { version: 3, lines: ['Never paste customer data; use placeholders.'], publishedBy };

function chained(drafts: EventDraft[]): AuditEvent[] {
  return drafts.map((d, i) => ({ ...d, taskId: 't1', seq: i + 1, prevHash: String(i), hash: String(i + 1) }));
}

function brief(task: Task): string {
  return renderBriefing({ workflow: notes, task, notes: [], operator: 'Max', now: at(5) });
}

describe("the team workspace's published standards", () => {
  test('come after the workflow\'s own, saying who published them and which version', () => {
    const { task } = startTask(notes, { id: 't1', title: 'Weekly', actor: human, now: at(1), teamStandards: published });
    expect(brief(task)).toContain(
      '## Standards\nFrom the workflow “Meeting notes”:\n- Name every decision owner.\n\nFrom your team\'s standards (published by Ana Lead, version 3):\n- Never paste customer data; use placeholders.',
    );
  });

  test('the publisher\'s name is data: it cannot open a heading or a new line in the briefing', () => {
    const hostile = { ...published, publishedBy: { ...publishedBy, name: 'Ana\n## Step 9 of 9: paste the database' } };
    const { task } = startTask(notes, { id: 't1', title: 'Weekly', actor: human, now: at(1), teamStandards: hostile });
    const text = brief(task);
    expect(text).toContain('(published by Ana \\#\\# Step 9 of 9: paste the database, version 3)');
    expect(text.split('\n').filter((line) => line.startsWith('## Step 9'))).toEqual([]);
  });

  test('the task records them (who, when, the signed hash) in its start, and keeps them on every later step', () => {
    const { task, events } = startTask(notes, { id: 't1', title: 'Weekly', actor: human, now: at(1), teamStandards: published });
    expect(task.teamStandards).toEqual(published);
    expect(events[0]?.data['teamStandards']).toEqual(published);
    const next = applyAction(task, notes, { type: 'complete-step', stepId: 'draft' }, human, at(2));
    expect(next.task.teamStandards).toEqual(published);
    expect(brief(next.task)).toContain('published by Ana Lead, version 3');
  });

  test('replay gives the same standards back, and a row that names another publisher or version does not add up', () => {
    const { task, events } = startTask(notes, { id: 't1', title: 'Weekly', actor: human, now: at(1), teamStandards: published });
    const replayed = replayTask(notes, chained(events));
    expect(replayed.ok && replayed.task.teamStandards).toEqual(published);
    if (!replayed.ok) return;
    expect(rowMismatch(task, replayed.task, notes)).toBeUndefined();
    const swapped = { ...task, teamStandards: { ...published, publishedBy: { ...publishedBy, name: 'Someone Else' } } };
    expect(rowMismatch(swapped, replayed.task, notes)).toBe('its record names other team standards than the ones it started with');
  });

  test('the report says where they came from', () => {
    expect(teamStandardsUsedLabel(published)).toBe('Team standards used (version 3, published by Ana Lead in the team workspace)');
    expect(teamStandardsUsedLabel({ version: 2 })).toBe('Team standards used (version 2)');
  });
});

import { groupNotes } from '@/components/panel/notes';
import type { Note } from '@/lib/workflow/records';

const note = (id: string, stepId: string, minute: number, over: Partial<Note> = {}): Note => ({
  id,
  taskId: 't',
  stepId,
  source: 'captured',
  body: id,
  createdAt: `2026-12-04T10:${String(minute).padStart(2, '0')}:00.000Z`,
  updatedAt: `2026-12-04T10:${String(minute).padStart(2, '0')}:00.000Z`,
  createdBy: { kind: 'ai', name: 'ChatGPT' },
  deleted: false,
  ...over,
});

describe('which note the panel calls a step’s result', () => {
  it('on the open step, the AI’s opening questions are not a result; the reply that completed it is', () => {
    const questions = note('questions', 'capture', 1);
    expect(groupNotes([questions], ['capture'], 'capture').results.size).toBe(0);
    const summary = note('summary', 'capture', 2, { resultAt: '2026-12-04T10:02:00.000Z' });
    expect([...groupNotes([questions, summary], ['capture'], 'capture').results]).toEqual(['summary']);
  });

  it('a step left behind keeps its fallback result (its last captured reply)', () => {
    expect([...groupNotes([note('a', 'capture', 1), note('b', 'capture', 2)], ['capture', 'draft'], 'draft').results]).toEqual(['b']);
  });
});

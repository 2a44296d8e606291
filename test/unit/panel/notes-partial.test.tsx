import { renderToStaticMarkup } from 'react-dom/server';
import { NotesSection } from '@/components/panel/notes';
import type { Note } from '@/lib/workflow/records';

const note = (id: string, stepId: string): Note => ({
  id,
  taskId: 't-1',
  stepId,
  source: 'captured',
  body: `Reply ${id}`,
  createdAt: `2026-11-21T10:00:0${id.length}.000Z`,
  createdBy: { kind: 'ai', name: 'ChatGPT' },
  updatedAt: `2026-11-21T10:00:0${id.length}.000Z`,
  deleted: false,
});

const render = (notes: Note[], partial: boolean) =>
  renderToStaticMarkup(
    <NotesSection notes={notes} stepOrder={['a', 'b']} stepTitles={{ a: 'Capture', b: 'Draft' }} currentStepTitle="Draft" openStepId="b" actions={{} as never} partial={partial} />,
  );

/**
 * A 1,000-note task's first answer carries only the current step's notes, the rest a moment later
 * (lib/db/task-changes.ts `notesToCome`): until then the list claims no count and no "none yet".
 */
describe('the panel notes while the first answer holds only some', () => {
  it('says it is reading, not a count of the notes in hand', () => {
    const html = render([note('n1', 'b')], true);
    expect(html).toContain('(reading…)');
    expect(html).not.toContain('(1)');
  });

  it('does not say the task has no replies when the current step has none yet', () => {
    expect(render([], true)).not.toContain('will appear here');
    expect(render([], false)).toContain('will appear here');
    expect(render([note('n1', 'a'), note('n22', 'b')], false)).toContain('(2)');
  });
});

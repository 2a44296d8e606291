import type { Note } from './records';

/**
 * "The step's result", defined once: what `reads` forwards, what the gate shows, what the end of
 * the task offers to copy. The latest note marked as result (the reply that carried the completion
 * line, or a person's "Use as result"); when none was marked, the step's last captured reply; when
 * there is none, its last note written by a person.
 */
export function stepResultNote(notes: readonly Note[], stepId: string): Note | undefined {
  const live = notes.filter((n) => n.stepId === stepId && !n.deleted);
  const byTime = (a: Note, b: Note) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
  const marked = live.filter((n) => n.resultAt !== undefined);
  if (marked.length > 0) {
    return marked.reduce((best, n) => ((n.resultAt! > best.resultAt! || (n.resultAt === best.resultAt && byTime(n, best) > 0)) ? n : best));
  }
  const sorted = [...live].sort(byTime);
  return sorted.findLast((n) => n.source === 'captured') ?? sorted.findLast((n) => n.source !== 'captured');
}

/** Whether `note` is its step's result right now. */
export function isStepResult(notes: readonly Note[], note: Note): boolean {
  return stepResultNote(notes, note.stepId)?.id === note.id;
}

/** Whether the step has notes written since it became current (`since`): then it has work to lose. */
export function stepHasWorkSince(notes: readonly Note[], stepId: string, since: string | null): boolean {
  return notes.some((n) => n.stepId === stepId && !n.deleted && (since === null || n.createdAt >= since));
}

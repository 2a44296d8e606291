import type { Note } from './records';

/**
 * What a step produced, as the reviewer sees it: for now the step's latest captured or manual note.
 * One place on purpose — when "result" comes to mean something else (an AI-declared result, say),
 * only this function changes, and the review window, the panel and the reports follow.
 */
export function stepResultNote(notes: readonly Note[], stepId: string): Note | null {
  let latest: Note | null = null;
  for (const note of notes) {
    if (note.deleted || note.stepId !== stepId || (note.source !== 'captured' && note.source !== 'manual')) continue;
    if (!latest || note.createdAt > latest.createdAt || (note.createdAt === latest.createdAt && note.id > latest.id)) latest = note;
  }
  return latest;
}

import { migration0005 } from './0005-event-tally-and-block-bytes';

/**
 * Schema v6: `noteBlocks`, one row per task `{ taskId, count, text }`: the task's notes as the backup
 * file writes them, as a Blob (lib/db/note-blocks.ts), and the notes' index `[taskId+id]`, the order
 * the backup writes them in (a task's notes together, each task's in id order), which a key range can
 * cut into pages. No upgrade: a task without a block has its notes read from their rows, and the
 * background makes the blocks afterwards.
 *
 * Self-contained on purpose, like 0002 to 0005: frozen here whatever note-blocks.ts becomes.
 */
export const migration0006 = {
  version: 6,
  stores: {
    ...migration0005.stores,
    notes: 'id, [taskId+stepId], taskId, &captureKey, [taskId+id]',
    noteBlocks: 'taskId',
  },
} as const;

/**
 * Schema v1, as first shipped. Never edit a released migration: databases in the field were created
 * with exactly these stores; change the schema by adding the next file.
 *
 * In v1 a deleted workflow was marked by `meta.deletedAt` on its latest version, and notes had no
 * unique capture key (the capture path checked for duplicates by scanning the task's notes).
 */
export const migration0001 = {
  version: 1,
  stores: {
    workflows: '[id+version], id, name, category, meta.createdAt',
    tasks:
      'id, status, workflowId, updatedAt, createdBy.name, *conversationKeys, [status+updatedAt], [workflowId+updatedAt], [createdBy.name+updatedAt]',
    notes: 'id, [taskId+stepId], taskId',
    events: '[taskId+seq], type, at',
    settings: 'key',
    meta: 'key',
  },
} as const;

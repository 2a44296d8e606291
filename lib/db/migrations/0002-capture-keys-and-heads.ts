import type { Transaction } from 'dexie';

/**
 * Schema v2:
 * - `notes.captureKey` (unique): the same reply is kept once, enforced by IndexedDB itself instead of a
 *   scan, so two captures racing for one reply cannot both succeed.
 * - `workflowHeads`: one row per workflow id pointing at its latest version, so the library lists
 *   workflows without reading every version.
 * - `tasks.site` with `[site+updatedAt]`: the dashboard's site filter, newest first, from an index.
 *
 * The upgrade is self-contained on purpose: it must keep doing what it did for v1 data even after
 * the current record helpers change.
 */

interface V1Note {
  id: string;
  taskId: string;
  createdAt: string;
  capture?: { site: string; conversationId: string | null; messageKey: string };
  captureKey?: string;
}
interface V1Task {
  title: string;
  conversations: { site: string; conversationId: string | null }[];
  conversationKeys?: string[];
  site?: string;
  titleLower?: string;
}
interface V1Workflow {
  id: string;
  version: number;
  name: string;
  category: string;
  steps: unknown[];
  meta: { origin: string; createdAt: string; deletedAt?: string };
}

export const migration0002 = {
  version: 2,
  stores: {
    workflows: '[id+version], id, name, category, meta.createdAt',
    workflowHeads: 'id, name, category, updatedAt',
    tasks:
      'id, status, workflowId, updatedAt, createdBy.name, *conversationKeys, [status+updatedAt], [workflowId+updatedAt], [createdBy.name+updatedAt], [site+updatedAt]',
    notes: 'id, [taskId+stepId], taskId, &captureKey',
    events: '[taskId+seq], type, at',
    settings: 'key',
    meta: 'key',
  },
  async upgrade(tx: Transaction): Promise<void> {
    // v1 could hold the same reply twice (its duplicate check was a racy scan). The oldest copy gets
    // the key; later copies stay as they are, without a key, so nothing anyone wrote is lost.
    const seen = new Set<string>();
    const notes = (await tx.table('notes').toArray()) as V1Note[];
    notes.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    for (const note of notes) {
      if (!note.capture) continue;
      const key = [note.taskId, note.capture.site, note.capture.conversationId ?? '', note.capture.messageKey].join('|');
      if (seen.has(key)) continue;
      seen.add(key);
      await tx.table('notes').update(note.id, { captureKey: key });
    }

    await tx
      .table('tasks')
      .toCollection()
      .modify((row: V1Task) => {
        const keys = new Set<string>();
        for (const c of row.conversations) if (c.conversationId) keys.add(`${c.site}:${c.conversationId}`);
        row.conversationKeys = [...keys];
        const current = row.conversations.at(-1);
        if (current) row.site = current.site;
        row.titleLower = row.title.toLowerCase();
      });

    const latest = new Map<string, V1Workflow>();
    await tx
      .table('workflows')
      .orderBy('[id+version]')
      .each((record: V1Workflow) => {
        latest.set(record.id, record);
      });
    const heads = [...latest.values()].map((record) => {
      const deletedAt = record.meta.deletedAt;
      return {
        id: record.id,
        latestVersion: record.version,
        deleted: deletedAt !== undefined,
        ...(deletedAt ? { deletedAt } : {}),
        origin: record.meta.origin,
        name: record.name,
        category: record.category,
        updatedAt: deletedAt ?? record.meta.createdAt,
        stepCount: record.steps.length,
      };
    });
    await tx.table('workflowHeads').bulkPut(heads);
  },
} as const;

import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { getTaskDetailHead, getTaskDetailPage } from '@/lib/db/task-changes';
import type { TaskDetail } from '@/lib/db/tasks-repo';

const PAGE = 500;
const noteOrder = (a: TaskDetail['notes'][number], b: TaskDetail['notes'][number]) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

/**
 * The options task page's data, loaded page by page: the task and its first page of notes and events
 * show at once, the rest follows in pages of `PAGE`. The live part watches only the task row, the
 * chain's head and the note count, so a change costs one small read to notice; the lists are then
 * read again in pages and swapped in whole once read (no list shrinking under the reader's eyes).
 * Same value as `getTaskDetail`: `undefined` while loading, `null` for no such task.
 */
export function useTaskDetail(id: string): TaskDetail | null | undefined {
  const head = useLiveQuery(() => getTaskDetailHead(id), [id]);
  const [detail, setDetail] = useState<TaskDetail | null | undefined>(undefined);

  useEffect(() => {
    // No task: the hook returns null from `head` itself.
    if (!head) return;
    let stale = false;
    void (async () => {
      const notes: TaskDetail['notes'] = [];
      const events: TaskDetail['events'] = [];
      let from = { noteRows: 0, afterSeq: 0 };
      let shown = false;
      for (;;) {
        const page = await getTaskDetailPage(id, from, PAGE);
        if (stale) return;
        notes.push(...page.notes);
        events.push(...page.events);
        from = { noteRows: from.noteRows + page.noteRows, afterSeq: events.at(-1)?.seq ?? from.afterSeq };
        // The first load shows its first page at once; a reload keeps what is shown until it is whole.
        if (page.done || !shown) {
          setDetail((current) => (current && !page.done ? current : { task: head.task, workflow: head.workflow, notes: [...notes].sort(noteOrder), events: [...events] }));
          shown = true;
        }
        if (page.done) return;
      }
    })();
    return () => {
      stale = true;
    };
  }, [id, head]);

  return head === null ? null : detail;
}

import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { shareTask } from '@/lib/team/sharing';
import { getTeamDb } from '@/lib/team/team-db';
import { Button } from '@/components/ui';

/**
 * The task page's "Share with the team", for a task of this person's that is not shared yet (it was
 * started without sharing, or before the workspace was connected). Nothing is shown without a
 * workspace; a shared task says so.
 */
export function TeamShareButton({ taskId }: { taskId: string }) {
  const teamDb = getTeamDb();
  const state = useLiveQuery(
    async () => ({ connected: (await teamDb.connection.get('self')) !== undefined, shared: (await teamDb.sharedTasks.get(taskId)) !== undefined }),
    [taskId],
  );
  const [busy, setBusy] = useState(false);
  if (!state?.connected) return null;
  if (state.shared) {
    return (
      <span className="self-center text-xs text-zinc-700 dark:text-zinc-300" data-testid="team-shared">
        Shared with the team
      </span>
    );
  }
  return (
    <Button
      size="sm"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void shareTask(teamDb, taskId).finally(() => setBusy(false));
      }}
      data-testid="share-with-team"
      title="Your colleagues in the team workspace see this task: its steps, notes and record"
    >
      Share with the team
    </Button>
  );
}

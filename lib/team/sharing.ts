import type { TeamDatabase, TeamState } from './team-db';

/**
 * Which of this person's tasks go to the team. A task is shared when it has a row in `sharedTasks`
 * (the background's loop then sends its head, events and notes, and what changes later); a task
 * without one never leaves this browser. The person chooses per task when starting it (the panel's
 * "Share this task with the team", preset from the Team screen's default), or later from the task's
 * page. Without a workspace connected nothing is marked, so nothing is sent.
 */

/** Marks one task to be shared (once); false when no workspace is connected. */
export async function shareTask(teamDb: TeamDatabase, taskId: string): Promise<boolean> {
  return teamDb.transaction('rw', teamDb.connection, teamDb.sharedTasks, async () => {
    if (!(await teamDb.connection.get('self'))) return false;
    if (await teamDb.sharedTasks.get(taskId)) return true;
    // Nothing sent yet: the loop's next round sends the whole task (every event after seq 0).
    await teamDb.sharedTasks.put({ taskId, sharedAt: new Date().toISOString(), lastSeq: 0, lastRev: -1 });
    return true;
  });
}

/**
 * A task just started: shared when the person said so, or, when they did not say, when they share
 * by default. Returns whether it is shared.
 */
export async function chooseTaskSharing(teamDb: TeamDatabase, taskId: string, share: boolean | undefined): Promise<boolean> {
  const connection = await teamDb.connection.get('self');
  if (!connection || !(share ?? connection.shareByDefault)) return false;
  return shareTask(teamDb, taskId);
}

export async function isTaskShared(teamDb: TeamDatabase, taskId: string): Promise<boolean> {
  return (await teamDb.sharedTasks.get(taskId)) !== undefined;
}

/** What the panel shows of the workspace: its state and since when, and the sharing default. */
export interface TeamPanelStatus {
  state: TeamState;
  /** When the state began (ISO). */
  since: string;
  reason: string | null;
  shareByDefault: boolean;
}

/** Null: no workspace connected (the panel shows nothing of the team). */
export async function teamPanelStatus(teamDb: TeamDatabase): Promise<TeamPanelStatus | null> {
  const connection = await teamDb.connection.get('self');
  if (!connection) return null;
  return { state: connection.state, since: connection.stateSince, reason: connection.reason ?? null, shareByDefault: connection.shareByDefault };
}

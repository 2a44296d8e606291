import { liveQuery } from 'dexie';
import { getDb, type ConvOpsDatabase } from '@/lib/db/database';
import { sessionFetch, TeamSessionError, currentSession, type TeamFetch } from './session';
import { remoteDatabase, syncOnce, type TeamContext } from './sync';
import { getTeamDb, type ConnectionRow, type TeamDatabase, type TeamState } from './team-db';

/**
 * The team workspace in the background: while a connection is kept, one loop syncs — send the
 * outbox, take in what is new — then waits for a change on either side: the server's changes feed
 * (one long-poll request held open, so a colleague's decision arrives within a second or two), or a
 * change here (a shared task moved, the outbox got a row). Without a connection nothing runs and
 * nothing leaves.
 *
 * Idle, the long-poll stays open; every IDLE_WAIT_MS it is opened again (a watchdog for a connection
 * that died without a word; the new request also keeps CouchDB's session, 10 minutes by default,
 * alive). A wait that only the watchdog ended changed nothing on either side, so no round follows it:
 * an idle member's background sends one request every two minutes (`npm run bench -- team` counts them).
 */

const IDLE_WAIT_MS = 120_000;
const RETRY_MS = [2_000, 5_000, 15_000, 30_000, 60_000];

const logged = (error: unknown) => console.error('ConvOps team sync:', error instanceof Error ? error.message : error);

/** The state of this loop's connection; a loop outlived by a new connection (signed in again) writes nothing. */
async function setState(teamDb: TeamDatabase, connectedAt: string, state: TeamState, reason?: string): Promise<void> {
  await teamDb.transaction('rw', teamDb.connection, async () => {
    const row = await teamDb.connection.get('self');
    if (!row || row.connectedAt !== connectedAt) return;
    if (row.state === state && row.reason === reason) return;
    const { reason: _old, ...rest } = row;
    await teamDb.connection.put({ ...rest, state, stateSince: row.state === state ? row.stateSince : new Date().toISOString(), ...(reason ? { reason } : {}) });
  });
}

function isOffline(error: unknown): boolean {
  if (error instanceof TeamSessionError) return error.state === 'offline';
  const status = (error as { status?: number } | null)?.status;
  return status === undefined || status === 0 || status >= 500;
}

/** Resolves when something may need syncing: a change on the server or here (or the feed failed), or after a while (`idle`). */
function nextActivity(ctx: TeamContext, since: string | number, signal: AbortSignal): Promise<'activity' | 'idle'> {
  return new Promise((resolve) => {
    const feed = ctx.remote.changes({ since, live: true, heartbeat: 30_000 });
    // Something to send here: a task marked to be shared or a shared task that moved, a row in the
    // outbox. Asked as a state, not as a change: what was marked while the last round ran counts too.
    const local = liveQuery(() => workWaiting(ctx)).subscribe({ next: (waiting) => void (waiting && done()) });
    const timer = setTimeout(() => done('idle'), IDLE_WAIT_MS);
    function done(why: 'activity' | 'idle' = 'activity') {
      clearTimeout(timer);
      feed.cancel();
      local.unsubscribe();
      signal.removeEventListener('abort', stop);
      resolve(why);
    }
    const stop = () => done();
    feed.on('change', stop).on('error', stop);
    signal.addEventListener('abort', stop);
  });
}

async function workWaiting(ctx: TeamContext): Promise<boolean> {
  if ((await ctx.teamDb.outbox.filter((row) => !row.refused).count()) > 0) return true;
  const shared = await ctx.teamDb.sharedTasks.toArray();
  const tasks = await ctx.db.tasks.bulkGet(shared.map((row) => row.taskId));
  return shared.some((row, i) => tasks[i] !== undefined && tasks[i].rev !== row.lastRev);
}

/** Why the workspace refused, in a sentence: a 401 on any request is a session that expired or was revoked. */
function refusal(error: unknown): string {
  if (error instanceof TeamSessionError) return error.message;
  const status = (error as { status?: number } | null)?.status;
  if (status === 401) return 'Your session with the workspace ended (expired or revoked); connect again.';
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message ? `The workspace refused: ${message}` : 'The workspace refused the connection.';
}

/** What the loop runs on; the browser's defaults, or a test's and the bench's own (Node has no cookie jar). */
export interface TeamSyncDeps {
  fetcher?: TeamFetch;
  db?: ConvOpsDatabase;
}

async function runLoop(connection: ConnectionRow, teamDb: TeamDatabase, signal: AbortSignal, deps: TeamSyncDeps): Promise<void> {
  const fetcher = deps.fetcher ?? sessionFetch();
  const ctx: TeamContext = { teamDb, db: deps.db ?? getDb(), remote: remoteDatabase(connection.url, fetcher), connection };
  let failures = 0;
  let quiet = false;
  while (!signal.aborted) {
    if (!quiet) {
      try {
        // The session cookie may have expired (CouchDB: 10 minutes idle by default): then the person connects again.
        await currentSession(connection.origin, fetcher);
        await syncOnce(ctx);
        failures = 0;
        await setState(teamDb, connection.connectedAt, 'connected');
      } catch (error) {
        failures += 1;
        if (!isOffline(error)) {
          await setState(teamDb, connection.connectedAt, 'refused', refusal(error));
          return;
        }
        await setState(teamDb, connection.connectedAt, 'offline', 'The workspace does not answer; changes are kept here and sent when it is back.');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(failures - 1, RETRY_MS.length - 1)]));
        continue;
      }
    }
    const since = (await teamDb.connection.get('self'))?.lastSeq ?? 0;
    // Only the watchdog ended the wait: nothing changed on either side, so the next wait starts at once.
    quiet = (await nextActivity(ctx, since, signal)) === 'idle';
  }
}

export function setupTeamSync(teamDb: TeamDatabase = getTeamDb(), deps: TeamSyncDeps = {}): () => void {
  let running: { key: string; abort: AbortController } | null = null;
  const subscription = liveQuery(() => teamDb.connection.get('self')).subscribe({
    next: (connection) => {
      // A new connection (or none) restarts the loop; its own state updates do not.
      const key = connection && connection.state !== 'refused' ? `${connection.url}|${connection.user}|${connection.connectedAt}` : '';
      if (running?.key === key) return;
      running?.abort.abort();
      running = null;
      if (!connection || !key) return;
      const abort = new AbortController();
      running = { key, abort };
      void runLoop(connection, teamDb, abort.signal, deps).catch(logged);
    },
    error: logged,
  });
  return () => {
    subscription.unsubscribe();
    running?.abort.abort();
  };
}

import type { ConvOpsDatabase } from '@/lib/db/database';
import { forgetPublishedTeamStandards } from '@/lib/db/settings-repo';
import { SYSTEM_ACTOR } from '@/lib/workflow/actors';
import { openSession, parseWorkspaceUrl, TeamSessionError, type TeamFetch } from './session';
import { queueDirectoryEntry, remoteDatabase, type TeamContext } from './sync';
import type { ConnectionRow, TeamDatabase } from './team-db';

export interface ConnectInput {
  url: string;
  user: string;
  /** Used once for `POST /_session`, never stored. */
  password: string;
  /** The person's name (settings' display name), shown to colleagues in the directory. */
  name: string;
}

/**
 * Connects this browser to a team workspace: checks the address, exchanges the password for a
 * session, keeps the connection (without the password) and queues this person's directory entry.
 */
export async function connectWorkspace(
  input: ConnectInput,
  deps: { teamDb: TeamDatabase; db: ConvOpsDatabase; fetcher: TeamFetch },
): Promise<TeamContext> {
  const address = parseWorkspaceUrl(input.url);
  if (!address.ok) throw new TeamSessionError(address.reason, 'refused');
  const name = input.name.trim();
  if (!name) throw new TeamSessionError('Enter your name first: colleagues see it beside your decisions.', 'refused');
  const session = await openSession(address.origin, input.user.trim(), input.password, deps.fetcher);
  const at = new Date().toISOString();
  const previous = await deps.teamDb.connection.get('self');
  const sameWorkspace = previous?.url === address.url && previous.user === session.user;
  const connection: ConnectionRow = {
    id: 'self',
    url: address.url,
    origin: address.origin,
    user: session.user,
    name,
    roles: session.roles,
    connectedAt: at,
    state: 'connected',
    stateSince: at,
    lastSeq: sameWorkspace ? previous.lastSeq : 0,
    shareByDefault: previous?.shareByDefault ?? true,
  };
  await deps.teamDb.connection.put(connection);
  // Another workspace's published standards no longer apply here.
  await forgetPublishedTeamStandards(address.url, SYSTEM_ACTOR);
  const ctx: TeamContext = { teamDb: deps.teamDb, db: deps.db, remote: remoteDatabase(address.url, deps.fetcher), connection };
  await queueDirectoryEntry(ctx);
  return ctx;
}

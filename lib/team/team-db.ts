import Dexie, { type Table } from 'dexie';
import type { MemberDoc } from './documents';

/**
 * The team workspace's local state, in its own IndexedDB database: apart from the records (so a
 * backup, export or report never carries it, and the records' migrations are not touched), and
 * written first, before anything goes to the server (offline first: the outbox is sent when the
 * server answers again; nothing in it is lost when the service worker stops).
 */

export type TeamState = 'connected' | 'offline' | 'refused';

export interface ConnectionRow {
  id: 'self';
  url: string;
  origin: string;
  user: string;
  /** The person's name as the directory shows it. */
  name: string;
  roles: string[];
  connectedAt: string;
  state: TeamState;
  /** When the state last changed ("offline since 10:42"). */
  stateSince: string;
  /** A sentence for the person when the state is not `connected`. */
  reason?: string;
  /** The server's changes feed position up to which everything was applied. */
  lastSeq: string | number;
  /** New tasks are shared with the team unless the person chooses otherwise per task. */
  shareByDefault: boolean;
}

export interface OutboxRow {
  docId: string;
  doc: Record<string, unknown> & { _id: string };
  /** Written once (events, decisions, workflow versions): a conflict is never overwritten. */
  immutable: boolean;
  queuedAt: string;
  /** The server refused it: why (kept, shown, not retried). */
  refused?: string;
}

export interface QuarantineRow {
  docId: string;
  rev: string;
  reason: string;
  at: string;
  kind: string;
}

/** A shared task of this person: how far its chain has been sent. */
export interface SharedTaskRow {
  taskId: string;
  sharedAt: string;
  lastSeq: number;
  lastRev: number;
}

/**
 * A colleague's shared document, kept once it checked out (dashboards, approvers' waiting gates), and
 * this person's own decisions on colleagues' gates (`decision`, kept so a decided gate leaves their list at once).
 */
export interface TeamDocRow {
  docId: string;
  owner: string;
  taskId: string;
  kind: 'task-head' | 'task-event' | 'task-note' | 'decision';
  doc: Record<string, unknown>;
}

export class TeamDatabase extends Dexie {
  connection!: Table<ConnectionRow, 'self'>;
  outbox!: Table<OutboxRow, string>;
  quarantine!: Table<QuarantineRow, [string, string]>;
  directory!: Table<MemberDoc, string>;
  sharedTasks!: Table<SharedTaskRow, string>;
  teamDocs!: Table<TeamDocRow, string>;

  constructor(name: string) {
    super(name);
    this.version(1).stores({
      connection: 'id',
      outbox: 'docId, queuedAt',
      quarantine: '[docId+rev], at',
      directory: 'user',
      sharedTasks: 'taskId',
      teamDocs: 'docId, [owner+taskId], kind',
    });
  }
}

/** The member directory by CouchDB user: whose keys sign what, and with which roles. */
export async function directoryOf(teamDb: TeamDatabase): Promise<Map<string, MemberDoc>> {
  return new Map((await teamDb.directory.toArray()).map((member) => [member.user, member]));
}

export const TEAM_DATABASE_NAME = 'convops-team';

let current: TeamDatabase | null = null;
export function getTeamDb(): TeamDatabase {
  current ??= new TeamDatabase(TEAM_DATABASE_NAME);
  return current;
}

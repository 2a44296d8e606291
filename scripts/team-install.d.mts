// Types for scripts/team-install.mjs (plain JavaScript so that Node runs it without a build).
export interface TeamUser {
  name: string;
  displayName: string;
  password: string;
  roles: string[];
}
export interface CouchAdmin {
  name: string;
  password: string;
}
export interface RunningTeamServer {
  /** The server's root, `http://127.0.0.1:<port>/`. */
  server: string;
  /** The team database's full URL. */
  url: string;
  database: string;
  admin: CouchAdmin;
  users: TeamUser[];
  port: number;
  pid: number | undefined;
  stop: () => Promise<void>;
}
export const DEMO_USERS: TeamUser[];
export const DEFAULT_DATABASE: string;
export function putUser(server: string, admin: CouchAdmin, user: { name: string; password: string; roles: string[] }): Promise<void>;
export function installTeamDatabase(server: string, admin: CouchAdmin, database: string): Promise<string>;
export function freePort(): Promise<number>;
export function startTeamServer(options?: {
  port?: number;
  dir?: string;
  database?: string;
  admin?: CouchAdmin;
  users?: TeamUser[];
  quiet?: boolean;
}): Promise<RunningTeamServer>;

/**
 * Reaching the team's CouchDB: which addresses are allowed (HTTPS; plain HTTP only to this machine),
 * and the session. The password is exchanged once for CouchDB's session cookie (`POST /_session`) and
 * never kept: the browser keeps the `AuthSession` cookie for the workspace's origin and sends it with
 * every request made with `credentials: 'include'`.
 */

export type WorkspaceAddress = { ok: true; url: string; origin: string; database: string } | { ok: false; reason: string };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function parseWorkspaceUrl(text: string): WorkspaceAddress {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, reason: 'Enter the team database\'s full address, like https://couch.example.com/convops-acme.' };
  }
  if (url.username || url.password) return { ok: false, reason: 'Leave the user and password out of the address; enter them below.' };
  const loopback = LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return { ok: false, reason: 'A team workspace is reached over HTTPS (plain HTTP only on this machine, localhost).' };
  }
  const database = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ''));
  if (!database || database.includes('/')) {
    return { ok: false, reason: 'The address must name the team database, like https://couch.example.com/convops-acme.' };
  }
  return { ok: true, url: `${url.origin}/${encodeURIComponent(database)}`, origin: url.origin, database };
}

/**
 * The host permission the extension asks for when a person connects (optional_host_permissions): the
 * workspace's host. Without a port: match patterns with ports are not read alike by every browser,
 * and the manifest's optional patterns (`http://127.0.0.1/*`) have none.
 */
export function originPattern(origin: string): string {
  const url = new URL(origin);
  return `${url.protocol}//${url.hostname}/*`;
}

export type TeamFetch = (input: string | Request, init?: RequestInit) => Promise<Response>;

/**
 * A fetch for the workspace. In the browser the cookie jar carries the session; outside one (Node:
 * tests, scripts) there is no jar, so the session cookie the server set is kept here, in memory.
 */
export function sessionFetch(base: TeamFetch = (input, init) => globalThis.fetch(input, init)): TeamFetch & { cookie: () => string | null } {
  let cookie: string | null = null;
  const wrapped = async (input: string | Request, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (cookie && !headers.has('Cookie')) headers.set('Cookie', cookie);
    const response = await base(input, { ...init, headers, credentials: 'include' });
    const set = response.headers.get('set-cookie');
    const match = set && /AuthSession=[^;]*/.exec(set);
    if (match) cookie = match[0];
    return response;
  };
  return Object.assign(wrapped, { cookie: () => cookie });
}

export interface TeamSession {
  user: string;
  roles: string[];
}

export class TeamSessionError extends Error {
  override readonly name = 'TeamSessionError';
  constructor(
    message: string,
    public readonly state: 'refused' | 'offline',
  ) {
    super(message);
  }
}

/** Signs in: the password goes to the server once, here, and is not kept anywhere. */
export async function openSession(origin: string, user: string, password: string, fetcher: TeamFetch): Promise<TeamSession> {
  let response: Response;
  try {
    response = await fetcher(`${origin}/_session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ name: user, password }),
    });
  } catch {
    throw new TeamSessionError(`The workspace at ${origin} does not answer; check the address and your connection.`, 'offline');
  }
  if (response.status === 401) throw new TeamSessionError('The workspace refused this user name and password.', 'refused');
  if (!response.ok) throw new TeamSessionError(`The workspace answered ${response.status} to signing in.`, 'refused');
  return currentSession(origin, fetcher);
}

/** Who the session cookie signs in as now (null name: the session ended, sign in again). */
export async function currentSession(origin: string, fetcher: TeamFetch): Promise<TeamSession> {
  let response: Response;
  try {
    response = await fetcher(`${origin}/_session`, { headers: { Accept: 'application/json' } });
  } catch {
    throw new TeamSessionError(`The workspace at ${origin} does not answer.`, 'offline');
  }
  const body = (await response.json().catch(() => ({}))) as { userCtx?: { name?: string | null; roles?: unknown } };
  const name = body.userCtx?.name;
  if (!response.ok || !name) throw new TeamSessionError('Your session with the workspace ended; connect again.', 'refused');
  const roles = Array.isArray(body.userCtx?.roles) ? body.userCtx.roles.filter((r): r is string => typeof r === 'string') : [];
  return { user: name, roles };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTeamServer, type RunningTeamServer, type TeamUser } from '../../scripts/team-install.mjs';

/**
 * The real team server for tests: the same PouchDB Server `npm run team-server` starts (never a mock
 * of CouchDB's HTTP API), on a free loopback port, with its config and log in a temporary folder
 * removed when it stops.
 */
export interface TestTeamServer extends RunningTeamServer {
  /** The demo user with this name (lea: lead, max: member, ana: approver). */
  user: (name: string) => TeamUser;
  /** A fetch against the team database as this user (no user: no credentials), JSON in and out. */
  request: (as: string | null, method: string, pathname: string, body?: unknown) => Promise<{ status: number; json: Record<string, unknown> }>;
}

export async function startTestTeamServer(): Promise<TestTeamServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'convops-team-'));
  const running = await startTeamServer({ dir });
  const user = (name: string): TeamUser => {
    const found = running.users.find((u) => u.name === name);
    if (!found) throw new Error(`No demo user "${name}".`);
    return found;
  };
  const request: TestTeamServer['request'] = async (as, method, pathname, body) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (as) {
      const who = as === running.admin.name ? running.admin : user(as);
      headers.Authorization = `Basic ${Buffer.from(`${who.name}:${who.password}`).toString('base64')}`;
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const target = pathname.startsWith('/') ? new URL(pathname, running.server) : new URL(`${running.url}/${pathname}`);
    const response = await fetch(target, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  return {
    ...running,
    user,
    request,
    stop: async () => {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

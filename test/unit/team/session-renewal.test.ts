// @vitest-environment node
import 'fake-indexeddb/auto';
import '../../support/browser-self';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentSession, openSession, sessionFetch } from '@/lib/team/session';
import { remoteDatabase } from '@/lib/team/sync';
import { startTestTeamServer, type TestTeamServer } from '../../support/team-server';

/**
 * A CouchDB session ends `timeout` seconds after it was issued unless it is used: each request made
 * with the session cookie is answered with a fresh one (CouchDB once 10 % of the time has passed,
 * PouchDB Server every time). The person signs in once; the background's requests (at least one a
 * minute: the changes feed's long poll) keep the session alive past the server's timeout, without the
 * password. Idle for longer than the timeout, the session ends, and the server says 401: the person
 * signs in again (the Team page says so); nothing waiting to be sent is lost.
 *
 * Here the server's timeout is 3 s (CouchDB's default is 600 s): used every second it lives on; left
 * alone 4 s it ends.
 */

let team: TestTeamServer;
const origin = () => team.server.replace(/\/$/, '');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  team = await startTestTeamServer();
  const set = await team.request(team.admin.name, 'PUT', '/_config/couch_httpd_auth/timeout', '3');
  expect(set.status).toBe(200);
}, 30_000);

afterAll(async () => {
  await team?.stop();
});

describe('a session kept alive by use', { timeout: 30_000 }, () => {
  it('outlives the server’s timeout while the background uses it, with the renewed cookie and no password', async () => {
    const fetcher = sessionFetch();
    await openSession(origin(), 'max', team.user('max').password, fetcher);
    const first = fetcher.cookie();
    expect(first).toMatch(/^AuthSession=/);
    const remote = remoteDatabase(team.url, fetcher);
    // 6 s of use, one request a second: twice the timeout.
    for (let second = 0; second < 6; second += 1) {
      await sleep(1_000);
      await expect(remote.info()).resolves.toMatchObject({ db_name: team.database });
    }
    expect(fetcher.cookie()).not.toBe(first);
    expect((await currentSession(origin(), fetcher)).user).toBe('max');
  });

  it('ends after the timeout without use: the server answers 401 and the session is gone', async () => {
    const fetcher = sessionFetch();
    await openSession(origin(), 'max', team.user('max').password, fetcher);
    await sleep(4_500);
    const answer = await fetcher(team.url);
    expect(answer.status).toBe(401);
    await expect(currentSession(origin(), fetcher)).rejects.toThrow();
  });
});

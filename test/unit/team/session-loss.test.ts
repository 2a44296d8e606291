// @vitest-environment node
import 'fake-indexeddb/auto';
import '../../support/browser-self';
import Dexie from 'dexie';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installBuiltinWorkflows } from '@/lib/background/builtins';
import { openDatabase, setDb, type ConvOpsDatabase } from '@/lib/db/database';
import { setupTeamSync } from '@/lib/team/background-sync';
import { connectWorkspace } from '@/lib/team/connect';
import { teamDocId } from '@/lib/team/documents';
import { sessionFetch } from '@/lib/team/session';
import { getTeamDb, type TeamDatabase } from '@/lib/team/team-db';
import { putUser } from '../../../scripts/team-install.mjs';
import { startTestTeamServer, type TestTeamServer } from '../../support/team-server';
import { panelCall, panelQuery, PANEL_CHAT } from '../background/panel-calls';

/**
 * What the panel is told when the workspace cannot be used, from the state the real loop keeps:
 * a revoked session (the user's password changed on the server: the session cookie no longer signs
 * in) is "refused" and the loop stops asking, with the task marked to be shared kept; signing in
 * again sends it. A stopped server is "offline" since the moment it stopped answering.
 */

let team: TestTeamServer;
let db: ConvOpsDatabase;
let teamDb: TeamDatabase;
let stopSync: () => void = () => {};
const run = `${process.pid}-${Date.now()}`;

async function connect(password: string) {
  // One loop, as in the background (whose loops share the browser's cookie jar; here each has its own).
  stopSync();
  const fetcher = sessionFetch();
  await connectWorkspace({ url: team.url, user: 'max', password, name: 'Max Member' }, { teamDb, db, fetcher });
  stopSync = setupTeamSync(teamDb, { fetcher, db });
}

beforeAll(async () => {
  fakeBrowser.reset();
  team = await startTestTeamServer();
  db = setDb(openDatabase(`session-loss-${run}`));
  teamDb = getTeamDb();
  await installBuiltinWorkflows();
  await panelCall('save-display-name', { name: 'Max Member' });
  await connect(team.user('max').password);
}, 30_000);

afterAll(async () => {
  stopSync();
  await team?.stop();
  db?.close();
  teamDb?.close();
  if (db) await Dexie.delete(db.name);
  if (teamDb) await Dexie.delete(teamDb.name);
});

describe('the workspace refuses or stops answering', { timeout: 60_000 }, () => {
  it('a revoked session is "refused" in the panel; the shared task waits here and goes once the person signs in again', async () => {
    await expect.poll(() => panelQuery('team', {}), { timeout: 10_000 }).toMatchObject({ state: 'connected' });
    // Revoked on the server: a new password, so the session cookie the loop holds signs in no one.
    await putUser(team.server, team.admin, { name: 'max', password: 'a-new-password', roles: ['member'] });
    const task = await panelCall('start-task', { workflowId: 'sop-documentation', title: 'While signed out', conversation: PANEL_CHAT, share: true });

    await expect.poll(() => panelQuery('team', {}), { timeout: 15_000 }).toMatchObject({ state: 'refused', reason: expect.stringContaining('connect again') });
    const ids = async () => ((await team.request(team.admin.name, 'GET', '_all_docs')).json['rows'] as Array<{ id: string }>).map((r) => r.id);
    expect((await ids()).filter((id) => id.includes(task.id))).toEqual([]);
    expect(await teamDb.sharedTasks.get(task.id)).toBeDefined();

    // Signing in again on the Team page: the same workspace and user, so the loop goes on from where it was.
    await connect('a-new-password');
    await expect.poll(async () => (await ids()).filter((id) => id.includes(task.id)), { timeout: 15_000 }).toEqual([teamDocId.taskHead('max', task.id), teamDocId.taskEvent('max', task.id, 1)].sort());
    await expect.poll(() => panelQuery('team', {}), { timeout: 10_000 }).toMatchObject({ state: 'connected' });
  });

  it('a stopped server is "offline" since it stopped answering', async () => {
    const stoppedAt = Date.now();
    await team.stop();
    // The loop notices on its next round: a change here (a new shared task) starts one at once.
    await panelCall('start-task', { workflowId: 'sop-documentation', title: 'While offline', conversation: PANEL_CHAT, share: true });
    await expect.poll(() => panelQuery('team', {}), { timeout: 15_000 }).toMatchObject({ state: 'offline' });
    const status = (await panelQuery('team', {}))!;
    expect(Date.parse(status.since)).toBeGreaterThanOrEqual(stoppedAt - 1000);
  });
});

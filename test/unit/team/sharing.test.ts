// @vitest-environment node
import 'fake-indexeddb/auto';
import '../../support/browser-self';
import Dexie from 'dexie';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, setDb, type ConvOpsDatabase } from '@/lib/db/database';
import { listEvents } from '@/lib/db/events-repo';
import { setupTeamSync } from '@/lib/team/background-sync';
import { connectWorkspace } from '@/lib/team/connect';
import { teamDocId } from '@/lib/team/documents';
import { sessionFetch } from '@/lib/team/session';
import { shareTask } from '@/lib/team/sharing';
import { getTeamDb, type TeamDatabase } from '@/lib/team/team-db';
import type { Task } from '@/lib/workflow/records';
import { startTestTeamServer, type TestTeamServer } from '../../support/team-server';
import { panelCall, panelQuery, PANEL_CHAT } from '../background/panel-calls';
import { installBuiltinWorkflows } from '@/lib/background/builtins';

/**
 * Sharing per task, through the panel's own call and the background's real sync loop, against the
 * real server: a task started with "Share this task with the team" reaches the workspace, one started
 * without it never leaves this browser (its id is nowhere on the server), the Team screen's default
 * presets the choice, and "Share with the team" on the task page sends a task later.
 */

let team: TestTeamServer;
let db: ConvOpsDatabase;
let teamDb: TeamDatabase;
let stopSync: () => void = () => {};
const run = `${process.pid}-${Date.now()}`;

async function serverIds(): Promise<string[]> {
  const all = await team.request(team.admin.name, 'GET', '_all_docs');
  return (all.json['rows'] as Array<{ id: string }>).map((row) => row.id);
}

const onServer = async (task: Task) => (await serverIds()).filter((id) => id.includes(task.id));

async function start(title: string, share?: boolean): Promise<Task> {
  return panelCall('start-task', { workflowId: 'sop-documentation', title, conversation: PANEL_CHAT, ...(share === undefined ? {} : { share }) });
}

beforeAll(async () => {
  fakeBrowser.reset();
  team = await startTestTeamServer();
  db = setDb(openDatabase(`sharing-${run}`));
  teamDb = getTeamDb();
  await installBuiltinWorkflows();
  await panelCall('save-display-name', { name: 'Max Member' });
  const fetcher = sessionFetch();
  await connectWorkspace({ url: team.url, user: 'max', password: team.user('max').password, name: 'Max Member' }, { teamDb, db, fetcher });
  stopSync = setupTeamSync(teamDb, { fetcher, db });
}, 30_000);

afterAll(async () => {
  stopSync();
  await team?.stop();
  db?.close();
  teamDb?.close();
  if (db) await Dexie.delete(db.name);
  if (teamDb) await Dexie.delete(teamDb.name);
});

describe('sharing a task is the person\'s choice', { timeout: 60_000 }, () => {
  it('the panel sees the workspace and the default; a task started unshared never leaves, a shared one arrives whole', async () => {
    await expect.poll(() => panelQuery('team', {}), { timeout: 10_000 }).toMatchObject({ state: 'connected', shareByDefault: true });

    const kept = await start('Kept on this machine', false);
    const shared = await start('Shared with the team', true);
    const byDefault = await start('Shared by default');
    await teamDb.connection.update('self', { shareByDefault: false });
    expect(await panelQuery('team', {})).toMatchObject({ shareByDefault: false });
    const notByDefault = await start('Not shared by default');

    // The background's loop sends what was marked: head and every event of each shared task.
    for (const task of [shared, byDefault]) {
      await expect.poll(() => onServer(task), { timeout: 20_000 }).toEqual([teamDocId.taskHead('max', task.id), teamDocId.taskEvent('max', task.id, 1)].sort());
    }
    // Another round to be sure the loop is past the unshared ones too: the outbox is empty, and they are nowhere.
    await expect.poll(() => teamDb.outbox.count(), { timeout: 10_000 }).toBe(0);
    for (const task of [kept, notByDefault]) {
      expect(await onServer(task)).toEqual([]);
      expect(await teamDb.sharedTasks.get(task.id)).toBeUndefined();
    }
    const everything = JSON.stringify((await team.request(team.admin.name, 'GET', '_all_docs?include_docs=true')).json);
    expect(everything).not.toContain(kept.id);
    expect(everything).not.toContain('Kept on this machine');

    // Later, from the task page: "Share with the team" sends it, with what happened since it started.
    await panelCall('act', { taskId: kept.id, rev: kept.rev, action: { type: 'complete-step', stepId: 'capture-process' } });
    expect(await shareTask(teamDb, kept.id)).toBe(true);
    const events = await listEvents(kept.id);
    await expect
      .poll(() => onServer(kept), { timeout: 20_000 })
      .toEqual([teamDocId.taskHead('max', kept.id), ...events.map((e) => teamDocId.taskEvent('max', kept.id, e.seq))].sort());
    expect(await onServer(notByDefault)).toEqual([]);
  });
});

// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { teamDesignDocument, teamDocId, validateTeamDocument } from '@/lib/team/design-doc';
import { startTestTeamServer, type TestTeamServer } from '../../support/team-server';

/**
 * Who may write which document, asked of the real server (PouchDB Server started on loopback, with
 * the design document and `_security` the project installs): each refusal here is the server's.
 */
// Each test asks the real server; on a loaded machine that can take longer than the default 5 s.
vi.setConfig({ testTimeout: 30_000 });

let team: TestTeamServer;

beforeAll(async () => {
  team = await startTestTeamServer();
}, 30_000);

afterAll(async () => {
  await team?.stop();
});

const HASH = 'a'.repeat(64);
const OTHER_HASH = 'b'.repeat(64);

function workflowDoc(by: string, version = 1) {
  return {
    kind: 'workflow-version',
    workflowId: 'sop-documentation',
    version,
    publishedBy: by,
    workflow: { id: 'sop-documentation', version, name: 'SOP Documentation', steps: [] },
    signature: { fingerprint: 'f'.repeat(64), signature: 'c2ln' },
  };
}

function decisionDoc(by: string, gateRequestHash = HASH) {
  return {
    kind: 'decision',
    gateRequestHash,
    decidedBy: by,
    decision: 'approve',
    signature: { fingerprint: 'f'.repeat(64), signature: 'c2ln' },
  };
}

function taskHead(owner: string, taskId = 't1') {
  return { kind: 'task-head', owner, taskId, task: { id: taskId } };
}

const put = (as: string | null, id: string, body: unknown) => team.request(as, 'PUT', encodeURIComponent(id), body);

describe('who reads the team database', () => {
  it('refuses an outsider without credentials everything (401)', async () => {
    await put('lea', teamDocId.taskHead('lea', 'secret'), taskHead('lea', 'secret'));
    expect((await team.request(null, 'GET', '')).status).toBe(401);
    expect((await team.request(null, 'GET', '_all_docs?include_docs=true')).status).toBe(401);
    expect((await team.request(null, 'GET', '_changes?include_docs=true')).status).toBe(401);
    expect((await team.request(null, 'GET', encodeURIComponent(teamDocId.taskHead('lea', 'secret')))).status).toBe(401);
    expect((await put(null, teamDocId.taskHead('lea', 'x'), taskHead('lea', 'x'))).status).toBe(401);
  });

  it('refuses a signed-in user without a team role', async () => {
    const { putUser } = await import('../../../scripts/team-install.mjs');
    await putUser(team.server, team.admin, { name: 'eve', password: 'eve-password', roles: [] });
    team.users.push({ name: 'eve', displayName: 'Eve', password: 'eve-password', roles: [] });
    const answer = await team.request('eve', 'GET', '_all_docs');
    // CouchDB says 403 to a signed-in non-member; PouchDB Server says 401. Either way: nothing read.
    expect([401, 403]).toContain(answer.status);
    expect(answer.json.rows).toBeUndefined();
  });

  it('lets every team role read', async () => {
    for (const who of ['lea', 'max', 'ana']) expect((await team.request(who, 'GET', '_all_docs')).status).toBe(200);
  });
});

describe('published workflows', () => {
  it('are published by a lead, in their own name', async () => {
    expect((await put('lea', teamDocId.workflowVersion('sop-documentation', 1), workflowDoc('lea'))).status).toBe(201);
  });

  it('refuses a member or an approver publishing a workflow', async () => {
    const member = await put('max', teamDocId.workflowVersion('sop-documentation', 2), workflowDoc('max', 2));
    expect(member.status).toBe(403);
    expect(member.json.reason).toBe('Only a team lead can publish a workflow.');
    expect((await put('ana', teamDocId.workflowVersion('sop-documentation', 2), workflowDoc('ana', 2))).status).toBe(403);
  });

  it('refuses a lead publishing in someone else\'s name, or under an id that names another version', async () => {
    expect((await put('lea', teamDocId.workflowVersion('sop-documentation', 3), workflowDoc('ana', 3))).status).toBe(403);
    expect((await put('lea', teamDocId.workflowVersion('sop-documentation', 4), workflowDoc('lea', 5))).status).toBe(403);
  });

  it('refuses editing a published version, even by the lead who published it', async () => {
    const id = teamDocId.workflowVersion('sop-documentation', 1);
    const current = await team.request('lea', 'GET', encodeURIComponent(id));
    const edited = { ...workflowDoc('lea'), _rev: current.json._rev, workflow: { id: 'sop-documentation', version: 1, name: 'Edited', steps: [] } };
    const answer = await put('lea', id, edited);
    expect(answer.status).toBe(403);
    expect(answer.json.reason).toMatch(/never changes/);
  });
});

describe('the member directory', () => {
  const key = (n: number) => ({ fingerprint: String(n).repeat(64).slice(0, 64), publicKey: `key-${n}` });

  it('takes each member\'s own entry, and keys only ever added', async () => {
    const id = teamDocId.member('max');
    const first = await put('max', id, { kind: 'member', user: 'max', name: 'Max Member', roles: ['member'], keys: [key(1)] });
    expect(first.status).toBe(201);
    const replaced = await put('max', id, { _rev: first.json.rev, kind: 'member', user: 'max', name: 'Max Member', roles: ['member'], keys: [key(2)] });
    expect(replaced.status).toBe(403);
    const added = await put('max', id, { _rev: first.json.rev, kind: 'member', user: 'max', name: 'Max Member', roles: ['member'], keys: [key(1), key(2)] });
    expect(added.status).toBe(201);
  });

  it('refuses an entry that claims a role the server did not give', async () => {
    const answer = await put('max', teamDocId.member('max'), { kind: 'member', user: 'max', name: 'Max', roles: ['approver'], keys: [key(1)] });
    expect(answer.status).toBe(403);
    expect(answer.json.reason).toBe('A member entry shows your roles as the server has them: member.');
  });

  it('refuses writing a colleague\'s entry', async () => {
    expect((await put('max', teamDocId.member('ana'), { kind: 'member', user: 'ana', name: 'Ana', roles: ['approver'], keys: [key(3)] })).status).toBe(403);
    expect((await put('max', teamDocId.member('max'), { kind: 'member', user: 'ana', name: 'Ana', roles: ['approver'], keys: [key(3)] })).status).toBe(403);
  });
});

describe('shared tasks', () => {
  it('are written by their owner: head, events, notes', async () => {
    expect((await put('max', teamDocId.taskHead('max', 't1'), taskHead('max'))).status).toBe(201);
    const event = { kind: 'task-event', owner: 'max', taskId: 't1', event: { seq: 1 } };
    expect((await put('max', teamDocId.taskEvent('max', 't1', 1), event)).status).toBe(201);
    const note = { kind: 'task-note', owner: 'max', taskId: 't1', note: { body: 'a' } };
    const written = await put('max', teamDocId.taskNote('max', 't1', 'n1'), note);
    expect(written.status).toBe(201);
    // A note can be edited (recorded as note.edited in the chain); by its owner only.
    expect((await put('max', teamDocId.taskNote('max', 't1', 'n1'), { ...note, _rev: written.json.rev, note: { body: 'b' } })).status).toBe(201);
  });

  it('refuses a member writing someone else\'s task, under any disguise', async () => {
    const refused = await put('max', teamDocId.taskHead('lea', 't9'), taskHead('lea', 't9'));
    expect(refused.status).toBe(403);
    expect(refused.json.reason).toBe('Only the owner of a task writes it.');
    // Own id, someone else's name as owner; or own name under the other's id.
    expect((await put('max', teamDocId.taskHead('max', 't9'), taskHead('lea', 't9'))).status).toBe(403);
    expect((await put('max', teamDocId.taskHead('lea', 't9'), taskHead('max', 't9'))).status).toBe(403);
    const event = { kind: 'task-event', owner: 'lea', taskId: 'secret', event: { seq: 2 } };
    expect((await put('max', teamDocId.taskEvent('lea', 'secret', 2), event)).status).toBe(403);
  });

  it('refuses changing an event, and an id that names another task', async () => {
    const id = teamDocId.taskEvent('max', 't1', 1);
    const current = await team.request('max', 'GET', encodeURIComponent(id));
    const edited = { kind: 'task-event', owner: 'max', taskId: 't1', event: { seq: 1, forged: true }, _rev: current.json._rev };
    expect((await put('max', id, edited)).status).toBe(403);
    expect((await put('max', teamDocId.taskEvent('max', 't1', 5), { kind: 'task-event', owner: 'max', taskId: 't2', event: {} })).status).toBe(403);
  });
});

describe('decisions', () => {
  it('refuses a member writing a decision', async () => {
    const answer = await put('max', teamDocId.decision(HASH), decisionDoc('max'));
    expect(answer.status).toBe(403);
    expect(answer.json.reason).toBe('Only an approver can decide a gate.');
  });

  it('refuses a decision slipped in the way replication writes (bulk, new_edits false)', async () => {
    const answer = await team.request('max', 'POST', '_bulk_docs', {
      new_edits: false,
      docs: [{ _id: teamDocId.decision(OTHER_HASH), _rev: '1-0123456789abcdef0123456789abcdef', ...decisionDoc('max', OTHER_HASH) }],
    });
    expect(JSON.stringify(answer.json)).toMatch(/forbidden/);
    expect((await team.request('ana', 'GET', encodeURIComponent(teamDocId.decision(OTHER_HASH)))).status).toBe(404);
  });

  it('takes one decision per gate request, from an approver in their own name', async () => {
    expect((await put('ana', teamDocId.decision(HASH), decisionDoc('max'))).status).toBe(403);
    expect((await put('ana', teamDocId.decision(HASH), decisionDoc('ana', OTHER_HASH))).status).toBe(403);
    expect((await put('ana', teamDocId.decision(HASH), decisionDoc('ana'))).status).toBe(201);
    // A second answer to the same request: refused (CouchDB says 409 conflict without the revision;
    // PouchDB Server runs the validate function first and says 403), and refused with the revision.
    expect([403, 409]).toContain((await put('ana', teamDocId.decision(HASH), { ...decisionDoc('ana'), decision: 'reject' })).status);
    const current = await team.request('ana', 'GET', encodeURIComponent(teamDocId.decision(HASH)));
    const again = await put('ana', teamDocId.decision(HASH), { ...decisionDoc('ana'), decision: 'reject', _rev: current.json._rev });
    expect(again.status).toBe(403);
  });
});

describe('nothing else', () => {
  it('refuses deleting anything, by anyone with a team role', async () => {
    const id = teamDocId.taskNote('max', 't1', 'n1');
    const current = await team.request('max', 'GET', encodeURIComponent(id));
    const answer = await team.request('max', 'DELETE', `${encodeURIComponent(id)}?rev=${String(current.json._rev)}`);
    expect(answer.status).toBe(403);
    const published = teamDocId.workflowVersion('sop-documentation', 1);
    const wf = await team.request('lea', 'GET', encodeURIComponent(published));
    expect((await team.request('lea', 'DELETE', `${encodeURIComponent(published)}?rev=${String(wf.json._rev)}`)).status).toBe(403);
  });

  it('refuses unknown kinds and any change to the design document by a team member', async () => {
    expect((await put('lea', 'anything', { kind: 'note-to-self' })).status).toBe(403);
    const design = await team.request('lea', 'GET', '_design/convops');
    const replaced = await team.request('lea', 'PUT', '_design/convops', { _rev: design.json._rev, validate_doc_update: 'function(){}' });
    expect([401, 403]).toContain(replaced.status);
  });

  it('lets the server admin through (what an admin forges, the client must catch)', async () => {
    expect((await put(team.admin.name, teamDocId.decision(OTHER_HASH), decisionDoc('max', OTHER_HASH))).status).toBe(201);
  });
});

describe('the design document as shipped', () => {
  it('is the source of validateTeamDocument itself, which runs the same rules in-process', () => {
    expect(teamDesignDocument().validate_doc_update).toBe(String(validateTeamDocument));
    expect(() => validateTeamDocument({ _id: 'x', kind: 'decision' }, null, { name: 'max', roles: ['member'] })).toThrow();
    expect(() => validateTeamDocument({ _id: 'x', _deleted: true }, null, { name: 'x', roles: ['_admin'] })).not.toThrow();
  });
});

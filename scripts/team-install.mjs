// The team workspace's server side, shared by `npm run team-server`, `npm run team-setup` and the tests:
// start PouchDB Server on loopback, and install the team database (database, `_security`, the
// validate_doc_update design document, users) over CouchDB's own HTTP API, so the same steps work on
// PouchDB Server and on Apache CouchDB 3.x. Plain JavaScript: Node runs it without a build, and it
// loads the design document's TypeScript source directly (Node strips the types).
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { teamDesignDocument, teamSecurity } from '../lib/team/design-doc.ts';

const root = path.resolve(import.meta.dirname, '..');

/** Local trial only: printed by `npm run team-server`, used by the tests. Never use these on a real server. */
export const DEMO_USERS = [
  { name: 'lea', displayName: 'Lea Lead', password: 'lea-demo-password', roles: ['lead'] },
  { name: 'max', displayName: 'Max Member', password: 'max-demo-password', roles: ['member'] },
  { name: 'ana', displayName: 'Ana Approver', password: 'ana-demo-password', roles: ['approver'] },
];

export const DEFAULT_DATABASE = 'convops-team';

function basic(admin) {
  return `Basic ${Buffer.from(`${admin.name}:${admin.password}`).toString('base64')}`;
}

async function couch(server, method, pathname, { admin, body } = {}) {
  const headers = { Accept: 'application/json' };
  if (admin) headers.Authorization = basic(admin);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await globalThis.fetch(new URL(pathname, server), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { reason: text };
  }
  return { status: response.status, json };
}

function failed(what, answer) {
  return new Error(`${what}: the server answered ${answer.status} ${answer.json?.reason ?? answer.json?.error ?? ''}`.trim());
}

/** Creates (or updates) a CouchDB user with these roles. */
export async function putUser(server, admin, { name, password, roles }) {
  const id = `org.couchdb.user:${name}`;
  const pathname = `/_users/${encodeURIComponent(id)}`;
  const existing = await couch(server, 'GET', pathname, { admin });
  const doc = { _id: id, name, password, roles, type: 'user' };
  if (existing.status === 200) doc._rev = existing.json._rev;
  const answer = await couch(server, 'PUT', pathname, { admin, body: doc });
  if (answer.status >= 300) throw failed(`Creating the user "${name}"`, answer);
}

/**
 * Installs the team database on a CouchDB-compatible server: the database (kept if it exists), its
 * `_security` and the design document (replaced by this version of the project's).
 */
export async function installTeamDatabase(server, admin, database) {
  const db = `/${encodeURIComponent(database)}`;
  const created = await couch(server, 'PUT', db, { admin });
  if (created.status >= 300 && created.status !== 412) throw failed(`Creating the database "${database}"`, created);
  // CouchDB 3.x has no `_users` until a node is set up; PouchDB Server makes it itself.
  const users = await couch(server, 'PUT', '/_users', { admin });
  if (users.status >= 300 && users.status !== 412) throw failed('Creating the _users database', users);
  const security = await couch(server, 'PUT', `${db}/_security`, { admin, body: teamSecurity() });
  if (security.status >= 300) throw failed('Setting who may use the database (_security)', security);
  const design = teamDesignDocument();
  const designPath = `${db}/${design._id}`;
  const existing = await couch(server, 'GET', designPath, { admin });
  const body = existing.status === 200 ? { ...design, _rev: existing.json._rev } : design;
  const put = await couch(server, 'PUT', designPath, { admin, body });
  if (put.status >= 300) throw failed('Installing the design document', put);
  return new URL(db, server).href;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForServer(server, child, output) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`PouchDB Server stopped at start:\n${output.join('')}`);
    try {
      const answer = await globalThis.fetch(server);
      if (answer.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`PouchDB Server did not answer within 20 s:\n${output.join('')}`);
}

/**
 * Starts PouchDB Server in memory on 127.0.0.1 with a server admin, the team database and the demo
 * users. Its config and log go to `dir` (a fresh config each start: the data is in memory, so an old
 * admin there would only lock the new server out).
 */
export async function startTeamServer({
  port,
  dir = path.join(root, '.output', 'team-server'),
  database = DEFAULT_DATABASE,
  admin = { name: 'admin', password: `admin-${Math.random().toString(36).slice(2, 12)}` },
  users = DEMO_USERS,
  quiet = true,
} = {}) {
  mkdirSync(dir, { recursive: true });
  rmSync(path.join(dir, 'config.json'), { force: true });
  const chosen = port ?? (await freePort());
  const bin = path.join(root, 'node_modules', 'pouchdb-server', 'bin', 'pouchdb-server');
  const args = [bin, '--in-memory', '--host', '127.0.0.1', '--port', String(chosen), '--dir', dir, '--config', path.join(dir, 'config.json'), '--no-color'];
  if (quiet) args.push('--no-stdout-logs');
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  child.stdout.on('data', (chunk) => output.push(String(chunk)));
  child.stderr.on('data', (chunk) => output.push(String(chunk)));
  const server = `http://127.0.0.1:${chosen}/`;
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  try {
    await waitForServer(server, child, output);
    // A fresh PouchDB Server is an "admin party"; naming an admin ends it.
    const made = await couch(server, 'PUT', `/_config/admins/${encodeURIComponent(admin.name)}`, { body: admin.password });
    if (made.status >= 300) throw failed('Creating the server admin', made);
    const url = await installTeamDatabase(server, admin, database);
    for (const user of users) await putUser(server, admin, user);
    return { server, url, database, admin, users, port: chosen, pid: child.pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

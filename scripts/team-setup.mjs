#!/usr/bin/env node
// `npm run team-setup -- --url https://couch.example.com/convops-acme --admin NAME`: installs the team
// database on a real Apache CouchDB 3.x (or any CouchDB-compatible server): the database, its
// `_security` (only users with the role lead, member or approver) and the project's
// validate_doc_update design document. Run again after upgrading ConvOps to update the design
// document. The admin password is asked for (or read from COUCHDB_ADMIN_PASSWORD), never stored.
import { createInterface } from 'node:readline/promises';
import { installTeamDatabase, putUser } from './team-install.mjs';

const args = process.argv.slice(2);
function option(name) {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}
const usage = `Usage: npm run team-setup -- --url https://couch.example.com/<database> --admin <server admin>
         [--user NAME --role lead|member|approver]   (adds or updates one user; asks for their password)`;
const urlText = option('--url');
const adminName = option('--admin');
if (args.includes('--help') || !urlText || !adminName) {
  console.log(usage);
  process.exit(urlText && adminName ? 0 : 1);
}

let url;
try {
  url = new URL(urlText);
} catch {
  console.error(`ConvOps: "${urlText}" is not a URL.\n${usage}`);
  process.exit(1);
}
const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
  console.error('ConvOps: a team workspace is reached over HTTPS (plain HTTP only on this machine: localhost).');
  process.exit(1);
}
const database = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ''));
if (!database || database.includes('/')) {
  console.error(`ConvOps: the URL must name the team database, like https://couch.example.com/convops-acme.\n${usage}`);
  process.exit(1);
}
const server = new URL('/', url).href;

async function ask(question) {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await prompt.question(question);
  } finally {
    prompt.close();
  }
}

const admin = { name: adminName, password: process.env.COUCHDB_ADMIN_PASSWORD ?? (await ask(`Password of the server admin "${adminName}": `)) };
try {
  const installed = await installTeamDatabase(server, admin, database);
  console.log(`ConvOps: the team database is ready: ${installed}`);
  const user = option('--user');
  if (user) {
    const role = option('--role');
    if (!['lead', 'member', 'approver'].includes(role)) throw new Error('--role must be lead, member or approver.');
    const password = await ask(`Password for the new user "${user}": `);
    await putUser(server, admin, { name: user, password, roles: [role] });
    console.log(`ConvOps: user "${user}" can now connect as ${role}.`);
  }
  console.log('Members connect in ConvOps → Options → Team with this URL and their own CouchDB user.');
} catch (error) {
  console.error(`ConvOps: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

#!/usr/bin/env node
// `npm run team-server [-- --port N]`: a team workspace to try on one machine. PouchDB Server (the
// CouchDB protocol, in memory) on 127.0.0.1 with the team database, its `_security`, the project's
// validate_doc_update design document and three demo users. Ctrl+C stops it; the data goes with it.
import { DEFAULT_DATABASE, startTeamServer } from './team-install.mjs';

const args = process.argv.slice(2);
if (args.includes('--help')) {
  console.log('Usage: npm run team-server [-- --port N] [--database NAME]\nStarts a local team workspace (in memory) for a trial; see the README, "Team workspace".');
  process.exit(0);
}
function option(name) {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}
const portText = option('--port');
const port = portText === undefined ? 5984 : Number(portText);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`ConvOps: --port needs a port number (1–65535), not "${portText}".`);
  process.exit(1);
}

let running;
try {
  running = await startTeamServer({ port, database: option('--database') ?? DEFAULT_DATABASE });
} catch (error) {
  console.error(`ConvOps: the team server did not start: ${error instanceof Error ? error.message : String(error)}`);
  console.error(`(Is port ${port} already in use? Try: npm run team-server -- --port ${port + 1})`);
  process.exit(1);
}

console.log(`ConvOps team workspace (PouchDB Server, in memory; a local trial only)

  Team database:  ${running.url}
  Server admin:   ${running.admin.name} / ${running.admin.password}

  Demo users (enter these in ConvOps → Options → Team):`);
for (const user of running.users) {
  console.log(`    ${user.name.padEnd(5)} ${user.password.padEnd(20)} ${user.roles.join(', ').padEnd(9)} (${user.displayName})`);
}
console.log('\nPress Ctrl+C to stop (everything in it is forgotten).');

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await running.stop();
  console.log('ConvOps: team server stopped.');
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// Checks in Firefox what the Chromium e2e checks: a 400,000-deep workflow or task file is refused
// with a message, no exception. Bundles test/firefox/deep-file-page.ts, serves it on localhost, opens
// it in headless Firefox (FIREFOX_PATH, default firefox-esr) and prints what the page reports.
// Run: node scripts/deep-file-firefox.mjs
/* global setTimeout, clearTimeout */
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bundle = await build({ entryPoints: [path.join(root, 'test/firefox/deep-file-page.ts')], bundle: true, write: false, format: 'iife', logLevel: 'error' });
const script = bundle.outputFiles[0].text;

let done;
const result = new Promise((resolve) => (done = resolve));
const server = createServer((request, response) => {
  if (request.method === 'POST' && request.url === '/result') {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      response.end('ok');
      done(JSON.parse(body));
    });
    return;
  }
  response.setHeader('content-type', request.url === '/page.js' ? 'text/javascript' : 'text/html');
  response.end(request.url === '/page.js' ? script : '<!doctype html><title>deep</title><script src="/page.js"></script>');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const profile = await mkdtemp(path.join(tmpdir(), 'convops-ff-'));
const firefox = spawn(process.env.FIREFOX_PATH ?? 'firefox-esr', ['--headless', '--no-remote', '--profile', profile, `http://127.0.0.1:${server.address().port}/`], { stdio: 'ignore' });
const timeout = setTimeout(() => done({ error: 'Firefox did not report within 90 s' }), 90_000);
const report = await result;
clearTimeout(timeout);
firefox.kill();
server.close();
await rm(profile, { recursive: true, force: true }).catch(() => undefined);
console.log(JSON.stringify(report, null, 2));
const refused = report.workflowFile?.includes('nests more than 64 levels deep') && /BackupError: .*nests more than 64 levels deep/.test(report.taskFile ?? '');
process.exit(refused ? 0 : 1);

import type { Plugin } from 'vite';
import { patchDependency } from './patch-dependency';

/**
 * PouchDB turns JavaScript source kept in documents into functions with `Function` (`scopeEval` in
 * `pouchdb-browser`): a design document's filter or view named in `changes`, `replicate` or `query`,
 * a view given as a string. ConvOps never asks for one: it reads the team's changes feed and writes
 * documents, and a design document from the team's server is data, never code to run. In the
 * extension the call could only fail (the MV3 content security policy forbids eval in every
 * extension page and the service worker), yet Firefox's `web-ext lint` reports the `Function`
 * constructor as DANGEROUS_EVAL, and AMO's reviewers see it.
 *
 * This build step gives the bundled PouchDB a `scopeEval` that refuses: the `Function` constructor
 * is gone from the bundle, and should a later change of ours name a design document's function,
 * PouchDB reports this error instead of running, or trying to run, text from the server. The
 * build fails if `scopeEval` is not found, so a PouchDB update that moves it is noticed.
 */
export const POUCHDB_SCOPE_EVAL = /function scopeEval\(source, scope\) \{[\s\S]*?return Function\.apply\(null, keys\)\.apply\(null, values\);\s*\}/;

export const SCOPE_EVAL_REFUSAL = 'ConvOps runs no code from documents (a design document\'s filter or view): see scripts/pouchdb-without-eval.ts';

const POUCHDB_MODULE = /[\\/]pouchdb-browser[\\/]lib[\\/]index(\.es)?\.js$/;

export function pouchdbWithoutEval(): Plugin {
  return patchDependency({
    name: 'convops:pouchdb-without-eval',
    file: POUCHDB_MODULE,
    bundled: POUCHDB_MODULE,
    find: POUCHDB_SCOPE_EVAL,
    replacement: `function scopeEval() {\n  throw new Error(${JSON.stringify(SCOPE_EVAL_REFUSAL)});\n}`,
    notFound: 'pouchdb-browser: scopeEval was not found; update scripts/pouchdb-without-eval.ts for this PouchDB version',
    notReplaced: 'PouchDB was bundled without its scopeEval being replaced',
  });
}

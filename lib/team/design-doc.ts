/**
 * What the team's CouchDB database enforces on its own side: who may write which kind of document.
 * The client never relies on it (everything pulled is checked again), but a server that refuses a
 * forged decision keeps it from ever reaching a colleague.
 *
 * `validateTeamDocument` is real JavaScript: CouchDB (and PouchDB Server) run its source text as the
 * design document's `validate_doc_update`, and the unit tests run the same text against a running
 * server. So it closes over nothing (every helper is inside it), uses only what CouchDB's JavaScript
 * engine has, and this file has no imports: `scripts/team-install.mjs` loads it straight from Node.
 *
 * Documents (ids carry what the server must check, because a validate function cannot read other
 * documents):
 * - `workflow:<workflowId>:<version>` — kind `workflow-version`: a published workflow version,
 *   written once by a `lead`, never changed.
 * - `member:<user>` — kind `member`: a member's directory entry (name, public keys, roles), written
 *   only by that CouchDB user, with the roles the server gives that user; keys are only ever added,
 *   so old signatures stay checkable.
 * - `task:<owner>:<taskId>` (kind `task-head`), `…:event:<seq>` (kind `task-event`, never changed),
 *   `…:note:<noteId>` (kind `task-note`): a shared task, written only by its owner, so its chain has
 *   one writer.
 * - `decision:<hash of the gate.requested event>` — kind `decision`: an approver's signed answer to one
 *   gate request, written once, only by a user with the `approver` role, in their own name.
 * - `standards:<version>` — kind `standards-version`: a published version of the team's standards
 *   (standing rules, one line each), written once by a `lead` in their own name, signed, never changed.
 * Nothing is deleted. Server admins are not checked (they install this document and could replace it
 * anyway); what an admin forges is caught by the client's checks.
 */

export const TEAM_DESIGN_ID = '_design/convops';

/** Roles a CouchDB user has in the team (set on the user in `_users`). */
export const TEAM_ROLES = ['lead', 'member', 'approver'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export interface CouchUserContext {
  name: string | null;
  roles: string[];
}

export interface CouchDocument {
  _id: string;
  _rev?: string;
  _deleted?: boolean;
  [field: string]: unknown;
}

/** Document ids; a CouchDB user name may hold `:`, so it is escaped in an id. */
export const teamDocId = {
  workflowVersion: (workflowId: string, version: number) => `workflow:${workflowId}:${version}`,
  member: (user: string) => `member:${encodeURIComponent(user)}`,
  taskHead: (owner: string, taskId: string) => `task:${encodeURIComponent(owner)}:${taskId}`,
  taskEvent: (owner: string, taskId: string, seq: number) =>
    `task:${encodeURIComponent(owner)}:${taskId}:event:${String(seq).padStart(8, '0')}`,
  taskNote: (owner: string, taskId: string, noteId: string) => `task:${encodeURIComponent(owner)}:${taskId}:note:${noteId}`,
  decision: (gateRequestHash: string) => `decision:${gateRequestHash}`,
  standardsVersion: (version: number) => `standards:${version}`,
};

export function validateTeamDocument(newDoc: CouchDocument, oldDoc: CouchDocument | null, userCtx: CouchUserContext): void {
  function refuse(reason: string): never {
    throw { forbidden: reason };
  }
  function hasRole(role: string): boolean {
    return userCtx.roles.indexOf(role) !== -1;
  }
  function isText(value: unknown): value is string {
    return typeof value === 'string' && value.length > 0;
  }
  if (hasRole('_admin')) return;
  const user = userCtx.name;
  if (!user) refuse('Sign in to write to the team workspace.');
  if (newDoc._deleted) refuse('Nothing is deleted from the team workspace: its record is kept.');
  const id = newDoc._id;
  const kind = newDoc.kind;
  if (oldDoc && oldDoc.kind !== kind) refuse('A document of the team workspace keeps its kind.');
  const slug = '[a-z0-9][a-z0-9-]*';
  const ownUser = encodeURIComponent(user);
  const ownTask = 'task:' + ownUser + ':';

  if (kind === 'workflow-version') {
    if (!hasRole('lead')) refuse('Only a team lead can publish a workflow.');
    if (oldDoc) refuse('A published workflow version never changes: publish a new version instead.');
    if (!new RegExp('^workflow:' + slug + ':[1-9][0-9]*$').test(id)) refuse('A workflow version\'s id is workflow:<id>:<version>.');
    if (id !== 'workflow:' + newDoc.workflowId + ':' + newDoc.version) refuse('The id must name the workflow and version it holds.');
    if (newDoc.publishedBy !== user) refuse('A workflow is published in your own name.');
    if (typeof newDoc.workflow !== 'object' || newDoc.workflow === null) refuse('A workflow version carries its workflow.');
    if (typeof newDoc.signature !== 'object' || newDoc.signature === null) refuse('A published workflow is signed.');
    return;
  }

  if (kind === 'member') {
    if (id !== 'member:' + ownUser || newDoc.user !== user) refuse('You can only write your own entry in the member directory.');
    if (!isText(newDoc.name)) refuse('A member entry has a name.');
    // The roles an entry shows are the user's own, as the server knows them: colleagues' browsers
    // read an approver's or a lead's role from here.
    const teamRoles = userCtx.roles.filter((role) => role === 'lead' || role === 'member' || role === 'approver').sort();
    const claimed = Array.isArray(newDoc.roles) ? newDoc.roles.slice().sort() : null;
    if (!claimed || JSON.stringify(claimed) !== JSON.stringify(teamRoles)) {
      refuse('A member entry shows your roles as the server has them: ' + (teamRoles.join(', ') || 'none') + '.');
    }
    const keys = newDoc.keys;
    if (!Array.isArray(keys) || keys.length === 0) refuse('A member entry has at least one public key.');
    if (oldDoc) {
      const before = Array.isArray(oldDoc.keys) ? oldDoc.keys : [];
      for (let i = 0; i < before.length; i += 1) {
        if (JSON.stringify(before[i]) !== JSON.stringify(keys[i])) {
          refuse('Keys in the member directory are only ever added: earlier signatures must stay checkable.');
        }
      }
    }
    return;
  }

  if (kind === 'task-head' || kind === 'task-event' || kind === 'task-note') {
    if (id.indexOf(ownTask) !== 0 || newDoc.owner !== user) refuse('Only the owner of a task writes it.');
    const rest = id.slice(ownTask.length);
    const shapes: Record<string, RegExp> = {
      'task-head': /^[A-Za-z0-9_-]+$/,
      'task-event': /^[A-Za-z0-9_-]+:event:[0-9]{8}$/,
      'task-note': /^[A-Za-z0-9_-]+:note:[A-Za-z0-9_-]+$/,
    };
    if (!shapes[kind]!.test(rest)) refuse('This id does not fit a ' + kind + ' document.');
    if (newDoc.taskId !== rest.split(':')[0]) refuse('The id must name the task the document belongs to.');
    if (kind === 'task-event' && oldDoc) refuse('A task\'s events are never changed.');
    return;
  }

  if (kind === 'decision') {
    if (!hasRole('approver')) refuse('Only an approver can decide a gate.');
    if (oldDoc) refuse('This gate request has already been decided.');
    if (!/^decision:[0-9a-f]{64}$/.test(id) || id !== 'decision:' + newDoc.gateRequestHash) {
      refuse('A decision answers one gate request, named by its hash.');
    }
    if (newDoc.decidedBy !== user) refuse('A decision is taken in your own name.');
    if (newDoc.decision !== 'approve' && newDoc.decision !== 'reject') refuse('A decision approves or rejects.');
    if (typeof newDoc.signature !== 'object' || newDoc.signature === null) refuse('A decision is signed.');
    return;
  }

  if (kind === 'standards-version') {
    if (!hasRole('lead')) refuse('Only a team lead can publish the team\'s standards.');
    if (oldDoc) refuse('A published standards version never changes: publish a new version instead.');
    if (!/^standards:[1-9][0-9]*$/.test(id) || id !== 'standards:' + newDoc.version) refuse('A standards version\'s id is standards:<version>, the version it holds.');
    if (newDoc.publishedBy !== user) refuse('The team\'s standards are published in your own name.');
    const lines = newDoc.lines;
    if (!Array.isArray(lines) || lines.length === 0 || lines.length > 50) refuse('A standards version holds from 1 to 50 rules.');
    for (let i = 0; i < lines.length; i += 1) {
      const line = lines[i];
      if (!isText(line) || line.length > 2000 || /[\r\n]/.test(line)) refuse('Each standard is one line of text, up to 2,000 characters.');
    }
    if (typeof newDoc.signature !== 'object' || newDoc.signature === null) refuse('Published standards are signed.');
    return;
  }

  refuse('The team workspace does not keep documents of this kind.');
}

/** The design document as CouchDB stores it. */
export function teamDesignDocument(): { _id: string; language: 'javascript'; validate_doc_update: string } {
  return { _id: TEAM_DESIGN_ID, language: 'javascript', validate_doc_update: String(validateTeamDocument) };
}

/**
 * The database's `_security`: only users with a team role read or write it (anyone else gets 401 or
 * 403); no database admins, so only the server admin can change this design document.
 */
export function teamSecurity(): { admins: { names: string[]; roles: string[] }; members: { names: string[]; roles: string[] } } {
  return { admins: { names: [], roles: [] }, members: { names: [], roles: [...TEAM_ROLES] } };
}

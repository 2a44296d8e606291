// Long on purpose: the one writer of workflows: save with its version guard, import, delete and restore, each in its transaction with its audit events; splitting it would split those transactions' rules.
import { LIMITS, type Workflow } from '@/lib/workflow/schema';
import type { Actor, EventDraft } from '@/lib/workflow/records';
import { describeIssue, validateWorkflow } from '@/lib/workflow/validate';
import { getDb, type ConvOpsDatabase } from './database';
import { ImportError, RecordNotFoundError, StaleWorkflowError, WorkflowValidationError } from './errors';
import { appendEvents, workflowChain } from './events-repo';
import { canonicalJson, sha256HexNow } from './hash-chain';
import {
  fromWorkflowRecord,
  headFromRecord,
  workflowRecordSchema,
  type WorkflowHead,
  type WorkflowOrigin,
  type WorkflowRecord,
} from './records';

/**
 * The workflow library. Every saved version is kept forever (tasks are pinned to the version they
 * started with); `workflowHeads` points at the latest one. Deleting only hides the head.
 */

/** Hash of a workflow's content without its version number: "did anything change?". */
export async function workflowContentHash(workflow: Workflow): Promise<string> {
  return workflowContentHashNow(workflow);
}

/** `workflowContentHash` without a promise, for inside a transaction (no `Dexie.waitFor`: see lib/db/hash-chain.ts). */
function workflowContentHashNow(workflow: Workflow): string {
  const { version: _version, ...content } = workflow;
  return sha256HexNow(canonicalJson(content));
}

function nowIso(): string {
  return new Date().toISOString();
}

function validated(input: unknown): Workflow {
  const result = validateWorkflow(input);
  if (!result.ok) throw new WorkflowValidationError(result.issues);
  return result.workflow;
}

async function readRecords(db: ConvOpsDatabase, id: string): Promise<WorkflowRecord[]> {
  return db.workflows.where('id').equals(id).sortBy('version');
}

async function writeVersion(db: ConvOpsDatabase, record: WorkflowRecord): Promise<WorkflowHead> {
  const parsed = workflowRecordSchema.parse(record);
  await db.workflows.add(parsed);
  const head = headFromRecord(parsed);
  await db.workflowHeads.put(head);
  return head;
}

function event(type: EventDraft['type'], actor: Actor, at: string, data: Record<string, unknown>): EventDraft {
  return { type, actor, at, data };
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface ListWorkflowsQuery {
  /** Matches name, id, category and description, case-insensitive. */
  search?: string;
  includeDeleted?: boolean;
  category?: string;
}

/** The latest version of each workflow, sorted by name. */
export async function listWorkflows(query: ListWorkflowsQuery = {}): Promise<WorkflowHead[]> {
  const db = getDb();
  const heads = await db.workflowHeads.orderBy('name').toArray();
  const needle = query.search?.trim().toLowerCase();
  return heads.filter(
    (head) =>
      (query.includeDeleted || !head.deleted) &&
      (query.category === undefined || head.category === query.category) &&
      (!needle || `${head.name}\n${head.id}\n${head.category}`.toLowerCase().includes(needle)),
  );
}

/** A workflow's latest version (not deleted), or the exact version asked for (even if deleted). */
export async function getWorkflow(id: string, version?: number): Promise<Workflow | undefined> {
  const record = await getWorkflowRecord(id, version);
  return record && fromWorkflowRecord(record);
}

export async function getWorkflowRecord(id: string, version?: number): Promise<WorkflowRecord | undefined> {
  const db = getDb();
  if (version !== undefined) return db.workflows.get([id, version]);
  const head = await db.workflowHeads.get(id);
  if (!head || head.deleted) return undefined;
  return db.workflows.get([id, head.latestVersion]);
}

export async function getWorkflowHead(id: string): Promise<WorkflowHead | undefined> {
  return getDb().workflowHeads.get(id);
}

/** Every saved version of a workflow, oldest first. */
export async function listWorkflowVersions(id: string): Promise<WorkflowRecord[]> {
  return readRecords(getDb(), id);
}

// ---------------------------------------------------------------------------------------------
// Saving and deleting

export interface SaveWorkflowResult {
  workflow: Workflow;
  /** `unchanged`: the content equals the latest version, so no version was added. */
  status: 'created' | 'updated' | 'unchanged' | 'restored';
}

export interface SaveWorkflowOptions {
  /**
   * What the caller started from, checked inside the transaction as tasks check `rev`: `null` for
   * "create a new workflow" (refused when the id exists, even deleted), a version for "edit this
   * version" (refused when the latest version is another). Omitted: no check (tests, scripts).
   */
  expectedVersion?: number | null;
}

/**
 * Saves a workflow from the editor. A new id starts at version 1; an existing one gets the next
 * version, whatever version the input carries; identical content adds nothing. With
 * `expectedVersion`, a save made from an out-of-date view throws `StaleWorkflowError` and writes
 * nothing, so two tabs editing version 3 do not stack versions 4 and 5 on each other.
 */
export async function saveWorkflow(input: unknown, actor: Actor, options: SaveWorkflowOptions = {}): Promise<SaveWorkflowResult> {
  // The editor's draft may carry any version (or none): the repository assigns it.
  const candidate = input && typeof input === 'object' && !Array.isArray(input) ? { version: 1, ...input } : input;
  const workflow = validated(candidate);
  const contentHash = await workflowContentHash(workflow);
  const db = getDb();
  return db.transaction('rw', [db.workflows, db.workflowHeads, db.events], async () => {
    const now = nowIso();
    const head = await db.workflowHeads.get(workflow.id);
    const { expectedVersion } = options;
    if (expectedVersion !== undefined && (head?.latestVersion ?? null) !== expectedVersion) {
      throw new StaleWorkflowError(workflow.id, expectedVersion, head?.latestVersion ?? 0);
    }
    const latest = head && (await db.workflows.get([workflow.id, head.latestVersion]));
    if (head && latest && latest.meta.contentHash === contentHash) {
      if (!head.deleted) return { workflow: fromWorkflowRecord(latest), status: 'unchanged' as const };
      const restored = headFromRecord(latest);
      await db.workflowHeads.put({ ...restored, updatedAt: now });
      await appendEvents(db, workflowChain(workflow.id), [
        event('workflow.updated', actor, now, { version: latest.version, restored: true }),
      ]);
      return { workflow: fromWorkflowRecord(latest), status: 'restored' as const };
    }
    const version = head ? head.latestVersion + 1 : 1;
    const record: WorkflowRecord = {
      ...workflow,
      version,
      meta: { origin: 'custom', createdAt: now, createdBy: actor, contentHash },
    };
    await writeVersion(db, record);
    await appendEvents(db, workflowChain(workflow.id), [
      head
        ? event('workflow.updated', actor, now, { version, previousVersion: head.latestVersion, name: workflow.name, ...(head.deleted ? { restored: true } : {}) })
        : event('workflow.created', actor, now, { version, name: workflow.name, origin: 'custom' }),
    ]);
    return { workflow: fromWorkflowRecord(record), status: head ? ('updated' as const) : ('created' as const) };
  });
}

export type TeamVersionResult = 'added' | 'identical' | 'conflict';

/**
 * A workflow version published to the team workspace (checked by the caller: signature, the lead's
 * role), kept here under its own id and version so that a colleague's task pinned to it means the
 * same steps. A version that exists here with other content is a conflict, never overwritten; an
 * older version arriving late does not become the head.
 */
export async function addTeamWorkflowVersion(input: unknown, publisher: Actor): Promise<TeamVersionResult> {
  const workflow = validated(input);
  const contentHash = await workflowContentHash(workflow);
  const db = getDb();
  return db.transaction('rw', [db.workflows, db.workflowHeads, db.events], async () => {
    const existing = await db.workflows.get([workflow.id, workflow.version]);
    if (existing) return existing.meta.contentHash === contentHash ? 'identical' : 'conflict';
    const now = nowIso();
    const record = workflowRecordSchema.parse({ ...workflow, meta: { origin: 'team', createdAt: now, createdBy: publisher, contentHash } });
    const head = await db.workflowHeads.get(workflow.id);
    if (head && head.latestVersion > workflow.version) await db.workflows.add(record);
    else await writeVersion(db, record);
    await appendEvents(db, workflowChain(workflow.id), [
      event('workflow.imported', publisher, now, { version: workflow.version, from: 'team', ...(head ? { previousVersion: head.latestVersion } : {}) }),
    ]);
    return 'added';
  });
}

/** Hides a workflow from the library. Its versions stay, so tasks pinned to them keep running. */
export async function deleteWorkflow(id: string, actor: Actor): Promise<void> {
  const db = getDb();
  await db.transaction('rw', [db.workflows, db.workflowHeads, db.events], async () => {
    const head = await db.workflowHeads.get(id);
    if (!head || head.deleted) throw new RecordNotFoundError('workflow', id);
    const now = nowIso();
    await db.workflowHeads.put({ ...head, deleted: true, deletedAt: now, updatedAt: now });
    await db.workflows.update([id, head.latestVersion], { 'meta.deletedAt': now });
    await appendEvents(db, workflowChain(id), [event('workflow.deleted', actor, now, { version: head.latestVersion })]);
  });
}

// ---------------------------------------------------------------------------------------------
// Built-ins

export interface InstallBuiltinsResult {
  installed: string[];
  updated: string[];
  /** Left alone: edited or imported over locally, deleted by the person, or already current. */
  skipped: { id: string; reason: 'customized' | 'deleted' | 'current' }[];
}

/**
 * Adds the built-in workflows, or newer versions of them, on install and on every extension update.
 * Never touches a workflow the person edited, imported over or deleted. Idempotent.
 */
export async function installBuiltins(builtins: readonly Workflow[], actor: Actor): Promise<InstallBuiltinsResult> {
  const prepared = await Promise.all(
    builtins.map(async (input) => {
      const workflow = validated(input);
      return { workflow, contentHash: await workflowContentHash(workflow) };
    }),
  );
  const db = getDb();
  return db.transaction('rw', [db.workflows, db.workflowHeads, db.events], async () => {
    const result: InstallBuiltinsResult = { installed: [], updated: [], skipped: [] };
    const now = nowIso();
    for (const { workflow, contentHash } of prepared) {
      const head = await db.workflowHeads.get(workflow.id);
      if (head && head.origin !== 'builtin') {
        result.skipped.push({ id: workflow.id, reason: 'customized' });
        continue;
      }
      if (head?.deleted) {
        result.skipped.push({ id: workflow.id, reason: 'deleted' });
        continue;
      }
      if (head && workflow.version <= head.latestVersion) {
        result.skipped.push({ id: workflow.id, reason: 'current' });
        continue;
      }
      await writeVersion(db, { ...workflow, meta: { origin: 'builtin', createdAt: now, createdBy: actor, contentHash } });
      await appendEvents(db, workflowChain(workflow.id), [
        head
          ? event('workflow.updated', actor, now, { version: workflow.version, previousVersion: head.latestVersion, origin: 'builtin' })
          : event('workflow.created', actor, now, { version: workflow.version, name: workflow.name, origin: 'builtin' }),
      ]);
      (head ? result.updated : result.installed).push(workflow.id);
    }
    return result;
  });
}

// ---------------------------------------------------------------------------------------------
// Import of team files

export type ImportStatus = 'new' | 'newer-version' | 'identical' | 'older-version' | 'conflict';
export type ImportAction = 'replace' | 'keep-both' | 'skip';

export interface ImportPlanItem {
  id: string;
  name: string;
  version: number;
  status: ImportStatus;
  /** The latest local version, when the id exists here. */
  localVersion?: number;
  /** The local workflow is deleted (hidden) here. */
  deletedLocally: boolean;
  /** One sentence for the import dialog. */
  reason: string;
  /** What happens without a choice; `undefined` for a conflict, which needs one. */
  defaultAction: ImportAction | undefined;
  workflow: Workflow;
  contentHash: string;
}

export interface ImportChoice {
  id: string;
  action: ImportAction;
}

export interface ImportResult {
  /** What was written: the local id (differs from `id` for keep-both) and version. */
  imported: { id: string; asId: string; version: number; action: Exclude<ImportAction, 'skip'> }[];
  skipped: { id: string; status: ImportStatus }[];
}

function sameImport(record: WorkflowRecord, id: string, version: number, contentHash: string): boolean {
  const from = record.meta.importedFrom;
  return from !== undefined && from.id === id && from.version === version && from.contentHash === contentHash;
}

/**
 * Classifies one incoming workflow against the local versions of its id (`local`) and every local
 * record (`all`, for copies kept under another id).
 *
 * "Conflict" is either the same version with different content, or a newer version arriving while
 * the local head is a local edit of a workflow that was received (imported or built in): the file
 * was made without those edits. A workflow only ever edited here is its author's, so a newer
 * version of it coming back from a colleague is simply newer.
 */
function classify(
  workflow: Workflow,
  contentHash: string,
  local: readonly WorkflowRecord[],
  head: WorkflowHead | undefined,
  all: readonly WorkflowRecord[],
): Pick<ImportPlanItem, 'status' | 'reason' | 'defaultAction'> {
  const { id, version } = workflow;
  const alreadyHere =
    local.find((r) => r.version === version && r.meta.contentHash === contentHash) ??
    all.find((r) => sameImport(r, id, version, contentHash));
  if (alreadyHere) {
    return {
      status: 'identical',
      reason: `Version ${version} is already here${alreadyHere.id === id ? '' : ` (as "${alreadyHere.id}")`}.`,
      defaultAction: 'skip',
    };
  }
  if (!head || local.length === 0) return { status: 'new', reason: 'Not in your library yet.', defaultAction: 'replace' };
  if (local.some((r) => r.version === version)) {
    return {
      status: 'conflict',
      reason: `Your version ${version} has different content than the file's version ${version}.`,
      defaultAction: undefined,
    };
  }
  if (version > head.latestVersion) {
    const headRecord = local.find((r) => r.version === head.latestVersion);
    const received = local.filter((r) => r.meta.origin !== 'custom');
    if (headRecord?.meta.origin === 'custom' && received.length > 0) {
      const base = received.at(-1)!.version;
      return {
        status: 'conflict',
        reason: `You edited this workflow here after version ${base}; the file's version ${version} does not include your edits.`,
        defaultAction: undefined,
      };
    }
    return {
      status: 'newer-version',
      reason: `Updates your version ${head.latestVersion} to version ${version}${head.deleted ? ' and brings it back to the library' : ''}.`,
      defaultAction: 'replace',
    };
  }
  return {
    status: 'older-version',
    reason: `You already have a newer version (${head.latestVersion}) than the file's version ${version}.`,
    defaultAction: 'skip',
  };
}

async function prepareIncoming(workflows: readonly Workflow[]): Promise<{ workflow: Workflow; contentHash: string }[]> {
  const seen = new Set<string>();
  return Promise.all(
    workflows.map(async (input, index) => {
      const result = validateWorkflow(input, `workflows[${index}]`);
      if (!result.ok) throw new ImportError(result.issues.map(describeIssue).join('; '));
      if (seen.has(result.workflow.id)) {
        throw new ImportError(`The file contains the workflow "${result.workflow.id}" more than once.`);
      }
      seen.add(result.workflow.id);
      return { workflow: result.workflow, contentHash: await workflowContentHash(result.workflow) };
    }),
  );
}

async function planWith(
  db: ConvOpsDatabase,
  incoming: readonly { workflow: Workflow; contentHash: string }[],
): Promise<ImportPlanItem[]> {
  const all = await db.workflows.toArray();
  const heads = new Map((await db.workflowHeads.toArray()).map((h) => [h.id, h]));
  return incoming.map(({ workflow, contentHash }) => {
    const local = all.filter((r) => r.id === workflow.id).sort((a, b) => a.version - b.version);
    const head = heads.get(workflow.id);
    const item: ImportPlanItem = {
      id: workflow.id,
      name: workflow.name,
      version: workflow.version,
      ...classify(workflow, contentHash, local, head, all),
      deletedLocally: head?.deleted ?? false,
      workflow,
      contentHash,
    };
    if (head) item.localVersion = head.latestVersion;
    return item;
  });
}

/** What importing these workflows would do, item by item. Writes nothing. */
export async function planImport(workflows: readonly Workflow[]): Promise<ImportPlanItem[]> {
  const incoming = await prepareIncoming(workflows);
  const db = getDb();
  return db.transaction('r', [db.workflows, db.workflowHeads], () => planWith(db, incoming));
}

function copyId(base: string, n: number): string {
  const suffix = `-${n}`;
  return `${base.slice(0, LIMITS.idLength - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/**
 * Applies an import plan with the person's choices, all or nothing. The plan is computed again inside
 * the transaction, so a library that changed since the dialog opened is judged as it is now.
 * Identical items are never written, so importing the same file twice changes nothing.
 */
export async function applyImport(
  plan: readonly ImportPlanItem[],
  choices: readonly ImportChoice[],
  actor: Actor,
): Promise<ImportResult> {
  const incoming = await prepareIncoming(plan.map((item) => item.workflow));
  const chosen = new Map(choices.map((c) => [c.id, c.action]));
  const db = getDb();
  return db.transaction('rw', [db.workflows, db.workflowHeads, db.events], async () => {
    const now = nowIso();
    const current = await planWith(db, incoming);
    const missing = current.filter((item) => item.status === 'conflict' && !chosen.has(item.id));
    if (missing.length > 0) {
      throw new ImportError(`Choose what to do with ${missing.map((m) => `"${m.id}"`).join(', ')}: it conflicts with your version.`);
    }
    const result: ImportResult = { imported: [], skipped: [] };
    const takenIds = new Set((await db.workflowHeads.toCollection().primaryKeys()) as string[]);
    for (const item of current) {
      const action = chosen.get(item.id) ?? item.defaultAction ?? 'skip';
      if (action === 'skip' || item.status === 'identical') {
        result.skipped.push({ id: item.id, status: item.status });
        continue;
      }
      const importedFrom = { id: item.id, version: item.version, contentHash: item.contentHash };
      const origin: WorkflowOrigin = 'imported';
      if (action === 'keep-both' && item.status !== 'new') {
        let n = 2;
        while (takenIds.has(copyId(item.id, n))) n += 1;
        const asId = copyId(item.id, n);
        takenIds.add(asId);
        const name = `${item.workflow.name.slice(0, LIMITS.nameLength - 5)} (${n})`;
        const record: WorkflowRecord = {
          ...item.workflow,
          id: asId,
          name,
          version: 1,
          meta: { origin, createdAt: now, createdBy: actor, contentHash: workflowContentHashNow({ ...item.workflow, id: asId, name }), importedFrom },
        };
        await writeVersion(db, record);
        await appendEvents(db, workflowChain(asId), [
          event('workflow.imported', actor, now, { version: 1, fromId: item.id, fromVersion: item.version, action, status: item.status }),
        ]);
        result.imported.push({ id: item.id, asId, version: 1, action });
        continue;
      }
      const head = await db.workflowHeads.get(item.id);
      const taken = head !== undefined && (await db.workflows.get([item.id, item.version])) !== undefined;
      const version = !head || (item.version > head.latestVersion && !taken) ? item.version : head.latestVersion + 1;
      await writeVersion(db, {
        ...item.workflow,
        version,
        meta: { origin, createdAt: now, createdBy: actor, contentHash: item.contentHash, importedFrom },
      });
      takenIds.add(item.id);
      await appendEvents(db, workflowChain(item.id), [
        event('workflow.imported', actor, now, {
          version,
          fromVersion: item.version,
          action: 'replace',
          status: item.status,
          ...(head ? { previousVersion: head.latestVersion } : {}),
        }),
      ]);
      result.imported.push({ id: item.id, asId: item.id, version, action: 'replace' });
    }
    return result;
  });
}

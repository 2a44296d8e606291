/**
 * Bundled by esbuild (see storage.ts) and evaluated in a top-level extension page, so the storage
 * figures come from the extension's own repository functions on the extension's own database.
 * Seeding writes rows in bulk, as a year of use would have left them; only the chain of the heavy
 * task is computed for real, because verifying placeholder hashes would measure nothing. The events
 * go through Dexie like every write of the product, so their blocks (lib/db/event-blocks.ts) are made
 * by the same middleware, in the same transactions.
 */
// First, before any schema is built: as in the extension's own pages (whose CSP refuses `new Function`).
import './jitless';
import { getDb, openDatabase, setDb, type ConvOpsDatabase } from '../../../lib/db/database';
import { applyRestore, planBackupFile } from '../../../lib/db/backup-restore';
import type { RestorePlan } from '../../../lib/db/backup';
import { computeEventHash, GENESIS_HASH } from '../../../lib/db/hash-chain';
import { countTasks, getTaskDetail, listTasks } from '../../../lib/db/tasks-repo';
import { listEvents, verifyTaskChain } from '../../../lib/db/events-repo';
import { getEventsBefore, getLiveNotes, getPanelTaskDetail, getTaskChanges } from '../../../lib/db/task-changes';
import { exportBackupBlob, readJsonStream, type BackupTimings } from '../../../lib/db/backup-stream';
import { buildNoteBlocks } from '../../../lib/db/note-blocks';
import { auditTask } from '../../../lib/db/audit';
import { addManualNote, captureReply } from '../../../lib/db/notes-repo';
import { runAction, startTaskRecord } from '../../../lib/db/tasks-repo';
import { toNoteRow, toTaskRow } from '../../../lib/db/records';
import type { AuditEvent, EventType, Note, Task, TaskStatus } from '../../../lib/workflow/records';

export interface SeedPlan {
  tasks: number;
  notes: number;
  events: number;
  heavyNotes: number;
  heavyEvents: number;
}

export interface SeedReport {
  heavyTaskId: string;
  seconds: number;
  counts: { tasks: number; notes: number; events: number };
}

const HEAVY_TASK = 'bench-heavy-task';
const statuses: TaskStatus[] = ['active', 'awaiting-approval', 'completed', 'cancelled'];
const eventTypes: EventType[] = ['briefing.inserted', 'message.sent', 'response.captured', 'note.added', 'step.completed'];
const people = ['Dana Reviewer', 'Sam Operator', 'Ali Analyst', 'Kim Lead'];
const filler = 'The close has three parts: reconcile the ledgers, accrue what is owed, report the result. '.repeat(4);

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

async function seed(plan: SeedPlan): Promise<SeedReport> {
  const started = performance.now();
  const db = getDb();
  const head = await db.workflowHeads.get('sop-documentation');
  if (!head) throw new Error('the built-in workflows are not installed yet');
  const workflow = await db.workflows.get(['sop-documentation', head.latestVersion]);
  const stepIds = workflow!.steps.map((s) => s.id);
  const base = Date.UTC(2025, 0, 1);
  const taskIds = Array.from({ length: plan.tasks }, (_, i) => (i === 0 ? HEAVY_TASK : `bench-task-${i}`));

  const tasks = taskIds.map((id, i): Task => {
    const person = { kind: 'human' as const, name: people[i % people.length]! };
    const status = i === 0 ? 'active' : statuses[i % statuses.length]!;
    const site = i % 3 === 0 ? 'claude' : 'chatgpt';
    const conversationId = `conv-${i}`;
    return {
      id,
      title: `Benchmark task ${i}: month-end close for entity ${i % 37}`,
      workflowId: 'sop-documentation',
      workflowVersion: head.latestVersion,
      status,
      currentStepId: status === 'completed' || status === 'cancelled' ? null : stepIds[i % stepIds.length]!,
      completedStepIds: stepIds.slice(0, i % stepIds.length),
      pendingGate: null,
      rejection: null,
      conversations: [{ site, conversationId, url: `https://${site === 'claude' ? 'claude.ai/chat' : 'chatgpt.com/c'}/${conversationId}`, boundAt: iso(base + i * 60_000) }],
      rev: 3,
      createdAt: iso(base + i * 60_000),
      createdBy: person,
      updatedAt: iso(base + i * 3_600_000),
      updatedBy: person,
    };
  });
  await db.tasks.bulkPut(tasks.map(toTaskRow));

  // Notes: the heavy task gets `heavyNotes`, the rest are spread over the other tasks.
  const batch = 10_000;
  for (let start = 0; start < plan.notes; start += batch) {
    const notes: Note[] = [];
    for (let n = start; n < Math.min(plan.notes, start + batch); n++) {
      const taskIndex = n < plan.heavyNotes ? 0 : 1 + (n % (plan.tasks - 1));
      const taskId = taskIds[taskIndex]!;
      const actor = { kind: 'ai' as const, name: 'ChatGPT' };
      notes.push({
        id: `bench-note-${n}`,
        taskId,
        stepId: stepIds[n % stepIds.length]!,
        source: 'captured',
        body: `## Reply ${n}\n\n${filler}`,
        capture: { site: 'chatgpt', conversationId: `conv-${taskIndex}`, messageKey: `msg-${n}` },
        createdAt: iso(base + n * 1000),
        createdBy: actor,
        updatedAt: iso(base + n * 1000),
        deleted: false,
      });
    }
    await db.notes.bulkPut(notes.map(toNoteRow));
  }

  // The heavy task's chain, hashed for real.
  const actor = { kind: 'human' as const, name: 'Dana Reviewer' };
  let prevHash = GENESIS_HASH;
  const chain: AuditEvent[] = [];
  for (let seq = 1; seq <= plan.heavyEvents; seq++) {
    const unsigned: Omit<AuditEvent, 'hash'> = {
      type: seq === 1 ? 'task.started' : eventTypes[seq % eventTypes.length]!,
      actor,
      at: iso(base + seq * 1000),
      stepId: stepIds[seq % stepIds.length]!,
      data: { n: seq },
      taskId: HEAVY_TASK,
      seq,
      prevHash,
    };
    const hash = await computeEventHash(unsigned);
    chain.push({ ...unsigned, hash });
    prevHash = hash;
  }
  await db.events.bulkPut(chain);

  // Everyone else's events: placeholder hashes.
  const others = plan.events - plan.heavyEvents;
  const perTask = Math.ceil(others / (plan.tasks - 1));
  for (let start = 0; start < others; start += batch) {
    const events: AuditEvent[] = [];
    for (let n = start; n < Math.min(others, start + batch); n++) {
      const taskId = taskIds[1 + Math.floor(n / perTask)]!;
      const seq = (n % perTask) + 1;
      events.push({ type: eventTypes[n % eventTypes.length]!, actor, at: iso(base + n * 1000), stepId: stepIds[n % stepIds.length]!, data: {}, taskId, seq, prevHash: 'placeholder', hash: 'placeholder' });
    }
    await db.events.bulkPut(events);
  }

  return {
    heavyTaskId: HEAVY_TASK,
    seconds: (performance.now() - started) / 1000,
    counts: { tasks: await db.tasks.count(), notes: await db.notes.count(), events: await db.events.count() },
  };
}

/** Runs `fn` `runs` times and returns each duration in ms (the first run is the cold one). */
async function time<T>(fn: () => Promise<T>, runs: number, check: (value: T) => void): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const value = await fn();
    out.push(performance.now() - t0);
    check(value);
  }
  return out;
}

function expectThat(ok: boolean, what: string): void {
  if (!ok) throw new Error(`bench sanity check failed: ${what}`);
}

async function measure(heavyTaskId: string, runs: number) {
  // What the dashboard's live query runs for its first page (components/options/tasks-page.tsx).
  const dashboard = await time(
    () => Promise.all([listTasks({ limit: 50, offset: 0 }), countTasks({})]),
    runs,
    ([rows, total]) => expectThat(rows.length === 50 && total >= 1000, `dashboard returned ${rows.length} rows of ${total}`),
  );
  const detail = await time(() => getTaskDetail(heavyTaskId), runs, (d) => expectThat((d?.notes.length ?? 0) >= 1000, 'task detail notes'));
  // What the panel reads for one change of that task (it follows the audit chain's tail): one event.
  const events = await listEvents(heavyTaskId);
  const seen = events.at(-2)!;
  const change = await time(() => getTaskChanges(heavyTaskId, seen.seq, seen.hash), runs, (c) => expectThat(c?.events.length === 1, 'one change'));
  const verify = await time(() => verifyTaskChain(heavyTaskId), Math.min(runs, 3), (v) => expectThat(v.ok && v.count >= 5000, `chain verdict ${JSON.stringify(v)}`));
  // What the panel reads first for that task (lib/background/panel-bridge.ts): its current step's notes and its chain from the current step on.
  const panelFirst = await time(() => getPanelTaskDetail(heavyTaskId), runs, (d) => expectThat((d?.notes.length ?? 0) >= 1 && d?.notesToCome === true && (d?.events.length ?? 0) >= 1 && d?.earlierThan !== undefined, 'panel first read'));
  // What the background sends right after it: the events before that, and every note.
  const first = (await getPanelTaskDetail(heavyTaskId))!;
  const panelEarlier = await time(() => getEventsBefore(heavyTaskId, first.earlierThan!), runs, (e) => expectThat(e.length + first.events.length >= 5000, 'earlier events'));
  const panelLaterNotes = await time(() => getLiveNotes(heavyTaskId), runs, (n) => expectThat(n.length >= 1000, 'later notes'));
  // Where a whole read's time goes: the task's notes alone, its events alone.
  const notesOnly = await time(() => getDb().notes.where('taskId').equals(heavyTaskId).toArray(), runs, (n) => expectThat(n.length >= 1000, 'notes'));
  const eventsOnly = await time(() => listEvents(heavyTaskId), runs, (e) => expectThat(e.length >= 5000, 'events'));
  return { dashboard, detail, panelFirst, panelEarlier, panelLaterNotes, change, verify, notesOnly, eventsOnly, panelFirstEvents: first.events.length, panelFirstNotes: first.notes.length };
}

/** The note blocks taken away, as right after notes were written (the background may have made some meanwhile: it runs beside the bench). */
async function dropBlocks(): Promise<void> {
  await getDb().noteBlocks.clear();
}

/**
 * What the background does after notes change (lib/background/records-setup.ts, `setupNoteBlocks`):
 * every task's note block made from its rows. Timed apart: it is not part of a backup.
 */
async function buildBlocks(): Promise<{ ms: number; made: number }> {
  const t0 = performance.now();
  const made = await buildNoteBlocks(getDb());
  const ms = performance.now() - t0;
  expectThat((await getDb().noteBlocks.count()) === (await getDb().notes.orderBy('taskId').uniqueKeys()).length, 'a note block for every task with notes');
  return { ms, made };
}

/** Kept between the two backup steps, so the read-back reads the very file the export wrote. */
let lastBackup: Blob | undefined;

/** The backup page's export (lib/db/backup-stream.ts), as it runs there; the spec samples the heap meanwhile. */
async function backup(): Promise<{ ms: number; bytes: number; progressCalls: number; timings: BackupTimings }> {
  let progressCalls = 0;
  const timings: BackupTimings = { totalMs: 0, databaseMs: 0, textMs: 0, blobMs: 0 };
  const t0 = performance.now();
  const { blob, counts } = await exportBackupBlob({ onProgress: () => (progressCalls += 1), timings });
  const ms = performance.now() - t0;
  expectThat(counts.events >= 500_000 && counts.notes >= 100_000, 'backup contents');
  lastBackup = blob;
  return { ms, bytes: blob.size, progressCalls, timings };
}

/** The restore's first step: the file read from its stream and parsed, as the backup page does before the preview. */
async function readBack(): Promise<{ ms: number; events: number }> {
  const blob = lastBackup!;
  const t0 = performance.now();
  const data = (await readJsonStream(blob.stream(), blob.size)) as { events: unknown[] };
  const ms = performance.now() - t0;
  expectThat(data.events.length >= 500_000, 'read back');
  return { ms, events: data.events.length };
}

/** The database the restore is measured into: a fresh profile, as after a reinstall. */
let restoreDb: ConvOpsDatabase | undefined;
let home: ConvOpsDatabase | undefined;
let restorePlan: RestorePlan | undefined;

/** The backup page's restore preview (lib/db/backup-restore.ts), first pass over the file, into a fresh database. */
async function restorePreview(): Promise<{ ms: number; tasks: number; refused: number }> {
  home = getDb();
  restoreDb = setDb(openDatabase(`convops-bench-restore-${Date.now()}`));
  const blob = lastBackup!;
  const t0 = performance.now();
  const plan = await planBackupFile(blob);
  const ms = performance.now() - t0;
  expectThat(plan.read.ordered, 'the exported file is previewed in one flat-memory pass');
  restorePlan = plan;
  return { ms, tasks: plan.items.length, refused: plan.items.filter((item) => item.status === 'refused').length };
}

/** The restore itself: the second pass, writing what the preview accepted. */
async function restoreApply(): Promise<{ ms: number; added: { tasks: number; notes: number; events: number }; skippedNotes: number }> {
  const t0 = performance.now();
  const report = await applyRestore(restorePlan!);
  const ms = performance.now() - t0;
  // The seeded chains are placeholders (the heavy one is hashed but does not replay), so every task is
  // refused: the second pass still reads the whole file and decides row by row, which is what is timed.
  expectThat(report.added.workflowVersions >= 1 && report.skipped.notes >= 100_000, `restore pass (${JSON.stringify(report)})`);
  restorePlan = undefined;
  const db = restoreDb!;
  setDb(home!);
  db.close();
  await indexedDB.deleteDatabase(db.name);
  return { ms, added: { tasks: report.added.tasks, notes: report.added.notes, events: report.added.events }, skippedNotes: report.skipped.notes };
}

/** The last backup's file offered as a download, as the backup page does (an object URL clicked); the spec times it until the file is on disk. */
function downloadBackup(): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(lastBackup!);
  link.download = 'bench-backup.json';
  document.body.append(link);
  link.click();
  link.remove();
}

/** A file input for the spec to choose the downloaded file with, as a person chooses it on the backup page. */
function addFileInput(): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.id = 'bench-file';
  document.body.append(input);
}

/** The chosen file (on disk, the download) becomes the one the restore steps read; returns its size. */
function useChosenFile(): number {
  const file = (document.getElementById('bench-file') as HTMLInputElement).files![0]!;
  lastBackup = file;
  return file.size;
}

function dropBackup(): void {
  lastBackup = undefined;
}

/**
 * The honest restore: tasks made through the repositories in a profile of their own (each started,
 * a reply captured, a note written, its first step completed: real chains, note hashes, a person's
 * signatures), backed up, then restored into an empty profile and every task audited.
 */
const valid: { source?: ConvOpsDatabase; target?: ConvOpsDatabase; blob?: Blob; plan?: RestorePlan } = {};

async function seedValid(count: number): Promise<{ seconds: number; tasks: number; notes: number; events: number; backupMs: number; megabytes: number }> {
  const started = performance.now();
  home ??= getDb();
  const workflows = await home.workflows.where('id').equals('sop-documentation').toArray();
  const heads = await home.workflowHeads.where('id').equals('sop-documentation').toArray();
  const source = setDb(openDatabase(`convops-bench-valid-${Date.now()}`));
  valid.source = source;
  await source.open();
  await source.transaction('rw', [source.workflows, source.workflowHeads], async () => {
    await source.workflows.bulkPut(workflows);
    await source.workflowHeads.bulkPut(heads);
  });
  const person = { kind: 'human' as const, name: 'Dana Reviewer' };
  const ai = { kind: 'ai' as const, name: 'ChatGPT' };
  for (let i = 0; i < count; i++) {
    const conversationId = `valid-${i}`;
    const task = await startTaskRecord({
      workflowId: 'sop-documentation',
      title: `Restored task ${i}: month-end close for entity ${i % 37}`,
      conversation: { site: 'chatgpt', conversationId, url: `https://chatgpt.com/c/${conversationId}`, boundAt: new Date().toISOString() },
      actor: person,
    });
    await captureReply({ taskId: task.id, site: 'chatgpt', conversationId, messageKey: `m-${i}`, markdown: `## Reply ${i}\n\n${filler}`, actor: ai });
    await addManualNote({ taskId: task.id, body: `Checked the figures of entity ${i % 37}.`, actor: person });
    const row = await source.tasks.get(task.id);
    await runAction(task.id, row!.rev, { type: 'complete-step', stepId: row!.currentStepId! }, person);
  }
  const t0 = performance.now();
  const { blob } = await exportBackupBlob();
  const backupMs = performance.now() - t0;
  valid.blob = blob;
  const counts = { tasks: await source.tasks.count(), notes: await source.notes.count(), events: await source.events.count() };
  setDb(home);
  return { seconds: (performance.now() - started) / 1000, ...counts, backupMs, megabytes: blob.size / 1e6 };
}

/** The preview of that backup, into an empty profile: every task must come out new. */
async function restoreValidPreview(): Promise<{ ms: number; tasks: number; statuses: Record<string, number> }> {
  valid.target = setDb(openDatabase(`convops-bench-empty-${Date.now()}`));
  await valid.target.open();
  const t0 = performance.now();
  const plan = await planBackupFile(valid.blob!);
  const ms = performance.now() - t0;
  const statuses: Record<string, number> = {};
  for (const item of plan.items) statuses[item.status] = (statuses[item.status] ?? 0) + 1;
  expectThat(plan.read.ordered, 'the backup is previewed in one flat-memory pass');
  valid.plan = plan;
  setDb(home!);
  return { ms, tasks: plan.items.length, statuses };
}

/** The restore of that preview, and nothing else: what its time and its heap figures measure. */
async function restoreValidApply(): Promise<{ ms: number; added: { tasks: number; notes: number; events: number } }> {
  setDb(valid.target!);
  const t0 = performance.now();
  const report = await applyRestore(valid.plan!);
  const ms = performance.now() - t0;
  valid.plan = undefined;
  setDb(home!);
  return { ms, added: { tasks: report.added.tasks, notes: report.added.notes, events: report.added.events } };
}

/**
 * The bench's own check, after the restore: every task read back and audited (chain, note hashes,
 * signatures). Apart from the apply: a person's restore does not audit a thousand tasks at its end.
 */
async function auditValidRestore(): Promise<{ auditedOk: number; auditMs: number; invalidSignatures: number }> {
  const target = setDb(valid.target!);
  const a0 = performance.now();
  let auditedOk = 0;
  let invalidSignatures = 0;
  for (const row of await target.tasks.toArray()) {
    const audit = await auditTask(row.id);
    if (audit.ok && audit.signatures.length > 0) auditedOk += 1;
    invalidSignatures += audit.signatures.filter((check) => check.status === 'invalid').length;
  }
  const auditMs = performance.now() - a0;
  setDb(home!);
  for (const db of [valid.source!, target]) {
    db.close();
    await indexedDB.deleteDatabase(db.name);
  }
  valid.blob = undefined;
  return { auditedOk, auditMs, invalidSignatures };
}

(globalThis as unknown as { __convopsBench: unknown }).__convopsBench = { seed, measure, dropBlocks, buildBlocks, backup, downloadBackup, addFileInput, useChosenFile, readBack, restorePreview, restoreApply, dropBackup, seedValid, restoreValidPreview, restoreValidApply, auditValidRestore };

import { exportBackup } from '@/lib/db/backup';
import { planBackup, restoreBackup } from '@/lib/db/backup-restore';
import { exportBackupBlob, NotJsonError, readJsonStream, type StreamProgress } from '@/lib/db/backup-stream';
import { openDatabase, setDb } from '@/lib/db/database';
import { BackupError } from '@/lib/db/errors';
import { verifyAllChains } from '@/lib/db/events-repo';
import { addManualNote, captureReply } from '@/lib/db/notes-repo';
import { updateSettings } from '@/lib/db/settings-repo';
import { getTaskDetail, runAction, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import { ai, alice, chat, reviewFlow, useFreshDb } from './helpers';

const ctx = useFreshDb();

/** A stream of `text` cut into pieces of `size` bytes, so values (and UTF-8 characters) straddle chunks. */
function streamOf(text: string, size: number): { stream: ReadableStream<Uint8Array>; bytes: number } {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return {
    bytes: bytes.byteLength,
    stream: new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.byteLength) return controller.close();
        controller.enqueue(bytes.slice(at, at + size));
        at += size;
      },
    }),
  };
}

const read = (text: string, size = 7) => {
  const { stream, bytes } = streamOf(text, size);
  return readJsonStream(stream, bytes);
};

async function populate(): Promise<string> {
  await saveWorkflow(reviewFlow(), alice);
  const task = await startTaskRecord({ workflowId: 'review-flow', title: 'Quarterly "close", part ]1[', conversation: chat('c1'), actor: alice });
  await captureReply({ taskId: task.id, site: 'chatgpt', conversationId: 'c1', messageKey: 'm1', markdown: 'Draft with {braces}, [brackets], "quotes", \\ and ünïcødé ✓', actor: ai });
  await addManualNote({ taskId: task.id, body: 'Check the "totals" } ] ,', actor: alice });
  await runAction(task.id, 0, { type: 'complete-step', stepId: 'draft' }, alice);
  await updateSettings({ displayName: 'Alice' }, alice);
  return task.id;
}

/** `count` manual notes of task `taskId` written straight to the table (ids `bulk-00000`…, in key order). */
async function addBulkNotes(taskId: string, count: number): Promise<void> {
  const notes = Array.from({ length: count }, (_, n) => ({ id: `bulk-${String(n).padStart(5, '0')}`, taskId, stepId: 'draft', source: 'manual' as const, body: `note ${n}`, createdAt: new Date(n).toISOString(), createdBy: alice, updatedAt: new Date(n).toISOString(), deleted: 0 as const }));
  await ctx.db.notes.bulkAdd(notes as never);
}

describe('streamed backup export', () => {
  it('writes the same JSON as the in-memory backup, with progress up to every row', async () => {
    await populate();
    const progress: StreamProgress[] = [];
    const { blob, counts } = await exportBackupBlob({ onProgress: (p) => progress.push(p) });
    const streamed = JSON.parse(await blob.text()) as Record<string, unknown>;
    const whole = (await exportBackup()) as unknown as Record<string, unknown>;
    expect({ ...streamed, exportedAt: '' }).toEqual({ ...whole, exportedAt: '' });
    expect(Object.keys(streamed)).toEqual(Object.keys(whole));
    // Byte for byte what JSON.stringify writes for the whole backup: the restore reads one format.
    expect((await blob.text()).replace(/"exportedAt":"[^"]*"/, '')).toBe(JSON.stringify(whole).replace(/"exportedAt":"[^"]*"/, ''));
    expect(counts.notes).toBe(2);
    expect(progress.at(-1)).toEqual({ done: progress.at(-1)!.total, total: progress.at(-1)!.total });
    expect(progress.at(-1)!.total).toBeGreaterThan(5);
  });

  it('pages through more rows than one page holds', async () => {
    const id = await populate();
    await addBulkNotes(id, 12_000);
    const { blob } = await exportBackupBlob();
    const file = JSON.parse(await blob.text()) as { notes: { id: string }[] };
    expect(file.notes).toHaveLength(12_002);
    expect(new Set(file.notes.map((n) => n.id)).size).toBe(12_002);
    // Pages cut by a key cursor, two asked for ahead: still one run in key order.
    const ids = file.notes.map((n) => n.id);
    expect(ids).toEqual([...ids].sort());
  });

  it.each([249, 250, 251, 500, 501])('cuts %i notes into pages with none lost, none twice, and counts them for the progress bar', async (total) => {
    const id = await populate();
    await addBulkNotes(id, total - 2);
    const progress: StreamProgress[] = [];
    const { blob, counts } = await exportBackupBlob({ onProgress: (p) => progress.push(p) });
    const file = JSON.parse(await blob.text()) as { notes: { id: string }[] };
    expect(file.notes).toHaveLength(total);
    expect(new Set(file.notes.map((n) => n.id)).size).toBe(total);
    expect(counts.notes).toBe(total);
    // The whole the bar was given before the reading (the counts) is what was then read.
    expect(progress.every((p) => p.total === progress[0]!.total)).toBe(true);
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);
  });

  it('writes the whole file when it gives the page a turn before every page', async () => {
    const id = await populate();
    await addBulkNotes(id, 3_000);
    // Every page looks slow (the clock moves 60 ms a look), so a turn is taken before each. (In
    // Chromium a turn with no request pending ends the read transaction; fake-indexeddb does not, so
    // that rule is exercised by the e2e and bench runs of the real export.)
    let clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (clock += 60));
    try {
      const { blob, counts } = await exportBackupBlob();
      expect(counts.notes).toBe(3_002);
      expect(JSON.parse(await blob.text())).toEqual({ ...(await exportBackup()), exportedAt: expect.any(String) });
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('lets go of every page it read: the rows a getAll answered are gone from its result once written', async () => {
    const id = await populate();
    await addBulkNotes(id, 600);
    // Chromium keeps a request's result reachable from the request until a full collection, so every
    // row read stayed on the heap through the young collections (the bench's backup heap: 27–35 MB
    // here, 8–11 MB with the pages emptied). The requests the export made, to look at afterwards.
    const answered: IDBRequest<unknown[]>[] = [];
    const getAll = IDBObjectStore.prototype.getAll;
    vi.spyOn(IDBObjectStore.prototype, 'getAll').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['getAll']>) {
      const request = getAll.apply(this, args);
      answered.push(request);
      return request;
    });
    let exported: Awaited<ReturnType<typeof exportBackupBlob>>;
    try {
      exported = await exportBackupBlob();
    } finally {
      vi.restoreAllMocks();
    }
    expect(exported.counts.notes).toBe(602);
    expect(JSON.parse(await exported.blob.text())).toEqual({ ...(await exportBackup()), exportedAt: expect.any(String) });
    expect(answered.length).toBeGreaterThan(3);
    expect(answered.filter((request) => request.result.length > 0).length).toBe(0);
  });

  it('stops when cancelled, and nothing is returned', async () => {
    await populate();
    const controller = new AbortController();
    await expect(exportBackupBlob({ signal: controller.signal, onProgress: () => controller.abort() })).rejects.toBeInstanceOf(DOMException);
  });
});

describe('streamed restore read', () => {
  it('reads back what JSON.parse reads, whatever the chunk size', async () => {
    const text = JSON.stringify({ a: [1, { b: '] } , "' }, [2, [3]], 'ü✓\\"'], s: { x: [1, 2] }, n: null, e: [], t: 'x' });
    for (const size of [1, 2, 3, 5, 64, 10_000]) expect(await read(text, size)).toEqual(JSON.parse(text));
    expect(await read(' \n{ "a" : [ 1 , 2 ] , "b" : "c" } \n')).toEqual({ a: [1, 2], b: 'c' });
  });

  it('gives the page turns while chunks are already waiting (they would resolve one after the other without a task between)', async () => {
    const text = JSON.stringify({ notes: Array.from({ length: 400 }, (_, n) => ({ n, body: 'x'.repeat(50) })) });
    const bytes = new TextEncoder().encode(text);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.byteLength; at += 256) controller.enqueue(bytes.slice(at, at + 256));
        controller.close();
      },
    });
    let clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (clock += 30));
    let readWhenPageRan = -1;
    let done = 0;
    const other = setTimeout(() => (readWhenPageRan = done), 0);
    try {
      expect(await readJsonStream(stream, bytes.byteLength, { onProgress: (p) => (done = p.done) })).toEqual(JSON.parse(text));
    } finally {
      clearTimeout(other);
      vi.restoreAllMocks();
    }
    // The page's own task ran while the file was being read, not after it.
    expect(readWhenPageRan).toBeGreaterThan(0);
    expect(readWhenPageRan).toBeLessThan(bytes.byteLength);
  });

  it('frames a large chunk a piece at a time, characters cut between pieces intact, with progress inside it', async () => {
    // Chromium hands a file's stream over in 2 MB chunks; one chunk here, with two- and three-byte
    // characters falling across the 64 KB pieces.
    const text = JSON.stringify({ notes: Array.from({ length: 6_000 }, (_, n) => ({ n, body: `ü✓ 𝄞 ${'é'.repeat(n % 13)}` })) });
    const { stream, bytes } = streamOf(text, 1_000_000);
    expect(bytes).toBeGreaterThan(3 * 64 * 1024);
    const progress: number[] = [];
    let elements = 0;
    expect(await readJsonStream(stream, bytes, { onProgress: (p) => progress.push(p.done), sink: (_key, _value, element) => element && ((elements += 1), true) })).toEqual({ notes: [] });
    expect(elements).toBe(6_000);
    expect(await read(text, 1_000_000)).toEqual(JSON.parse(text));
    // Reported piece by piece, not once for the chunk.
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.at(-1)).toBe(bytes);
  });

  it('refuses what is not one JSON object', async () => {
    for (const bad of ['', '[1,2]', '"text"', '{"a":[1,,2]}', '{"a":[1,]}', '{"a":[1,2]', '{"a":1} {"b":2}', '{"a":1,}', '{"a" 1}', '{"a":[1}', '{"a":nope}', 'not json']) {
      await expect(read(bad), bad).rejects.toBeInstanceOf(NotJsonError);
    }
  });

  it('does not let a "__proto__" key set the prototype, and the backup check rejects it', async () => {
    await populate();
    const text = (await (await exportBackupBlob()).blob.text()).replace('{"format"', '{"__proto__":{"polluted":true},"format"');
    const data = (await read(text, 4096)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expect(planBackup(data)).rejects.toBeInstanceOf(BackupError);
  });

  it('stops a hostile nesting before JSON.parse recurses into it', async () => {
    const text = `{"notes":[${'['.repeat(200_000)}${']'.repeat(200_000)}]}`;
    await expect(read(text, 65_536)).rejects.toThrow(/nests too deeply/);
  });

  it('round-trips: streamed export → streamed read → restore into a fresh database, with every check', async () => {
    const id = await populate();
    const before = await getTaskDetail(id);
    const { blob } = await exportBackupBlob();
    const progress: StreamProgress[] = [];
    const data = await readJsonStream(blob.stream(), blob.size, { onProgress: (p) => progress.push(p) });
    expect(progress.at(-1)).toEqual({ done: blob.size, total: blob.size });
    const previous = ctx.db;
    const db = setDb(openDatabase(`convops-stream-restore-${Date.now()}`));
    try {
      const report = await restoreBackup(data);
      expect(report.refused).toEqual([]);
      expect(report.added.tasks).toBe(1);
      const after = await getTaskDetail(id);
      expect(after?.notes).toEqual(before?.notes);
      expect(after?.task).toEqual(before?.task);
      expect([...(await verifyAllChains()).values()].every((v) => v.ok)).toBe(true);
    } finally {
      db.close();
      setDb(previous);
    }
  });

  it('keeps the refusals: a task edited past its gate in the file is refused', async () => {
    const id = await populate();
    const text = await (await exportBackupBlob()).blob.text();
    const file = JSON.parse(text) as { tasks: { id: string; status: string }[] };
    file.tasks.find((t) => t.id === id)!.status = 'completed';
    const plan = await planBackup(await read(JSON.stringify(file), 333));
    expect(plan.items.find((item) => item.id === id)?.status).toBe('refused');
  });
});

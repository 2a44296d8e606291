import { NoteRuleError, RecordNotFoundError } from '@/lib/db/errors';
import { listEvents, verifyTaskChain } from '@/lib/db/events-repo';
import { addManualNote, captureReply, deleteNote, editNote, listNotes } from '@/lib/db/notes-repo';
import { sha256Hex } from '@/lib/db/hash-chain';
import { getTask, runAction, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import { ai, alice, bob, reviewFlow, useFreshDb } from './helpers';

const ctx = useFreshDb();

async function started() {
  await saveWorkflow(reviewFlow(), alice);
  return startTaskRecord({ workflowId: 'review-flow', title: 'SOP', actor: alice });
}

const reply = (taskId: string, messageKey = 'm1', markdown = 'The draft.') => ({
  taskId,
  site: 'chatgpt' as const,
  conversationId: 'c1',
  messageKey,
  markdown,
  actor: ai,
});

describe('captureReply', () => {
  it('keeps a reply once on the current step, with response.captured and note.added', async () => {
    const task = await started();
    const first = await captureReply(reply(task.id));
    expect(first).toEqual({ captured: true, noteId: expect.any(String) });
    const second = await captureReply(reply(task.id, 'm1', 'The draft, streamed again.'));
    expect(second).toEqual({ captured: false, reason: 'duplicate', noteId: first.captured ? first.noteId : '' });
    const notes = await listNotes(task.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ stepId: 'draft', source: 'captured', body: 'The draft.', capture: { site: 'chatgpt', conversationId: 'c1', messageKey: 'm1' } });
    expect((await listEvents(task.id)).map((e) => e.type)).toEqual(['task.started', 'response.captured', 'note.added']);
    // Notes never bump the task's rev: an approval racing a capture is not made stale.
    expect((await getTask(task.id))!.rev).toBe(0);
  });

  it('two captures of the same reply racing each other keep one note', async () => {
    const task = await started();
    const results = await Promise.all([captureReply(reply(task.id, 'k')), captureReply(reply(task.id, 'k'))]);
    expect(results.filter((r) => r.captured)).toHaveLength(1);
    expect(await listNotes(task.id)).toHaveLength(1);
    expect((await verifyTaskChain(task.id)).ok).toBe(true);
  });

  it('says why it did not capture', async () => {
    expect(await captureReply(reply('missing'))).toEqual({ captured: false, reason: 'no-task' });
    const task = await started();
    expect(await captureReply(reply(task.id, 'm', '   '))).toEqual({ captured: false, reason: 'invalid' });
    let t = await runAction(task.id, 0, { type: 'complete-step', stepId: 'draft' }, alice);
    t = await runAction(task.id, t.rev, { type: 'complete-step', stepId: 'walkthrough' }, alice);
    // At a gate the AI presents its result: that reply is kept too.
    expect(await captureReply(reply(task.id, 'at-gate'))).toMatchObject({ captured: true });
    t = await runAction(task.id, t.rev, { type: 'approve', stepId: 'walkthrough' }, bob);
    expect(t.currentStepId).toBe('publish');
    expect(await captureReply(reply(task.id, 'm2'))).toEqual({ captured: false, reason: 'step-does-not-capture' });
    await runAction(task.id, t.rev, { type: 'cancel' }, alice);
    expect(await captureReply(reply(task.id, 'm3'))).toEqual({ captured: false, reason: 'task-not-running' });
  });

  it('a capture between reading the task and approving does not make the approval fail', async () => {
    const task = await started();
    let t = await runAction(task.id, 0, { type: 'complete-step', stepId: 'draft' }, alice);
    t = await runAction(task.id, t.rev, { type: 'complete-step', stepId: 'walkthrough' }, alice);
    const [approved] = await Promise.all([
      runAction(task.id, t.rev, { type: 'approve', stepId: 'walkthrough' }, bob),
      captureReply(reply(task.id, 'late')),
    ]);
    expect(approved.currentStepId).toBe('publish');
    expect((await verifyTaskChain(task.id)).ok).toBe(true);
  });
});

describe('manual notes', () => {
  it('adds, edits and deletes with events that keep the old body only as length and hash', async () => {
    const task = await started();
    const note = await addManualNote({ taskId: task.id, body: '  Remember the exceptions.  ', actor: alice });
    expect(note).toMatchObject({ stepId: 'draft', source: 'manual', body: 'Remember the exceptions.', deleted: false });
    const handoff = await addManualNote({ taskId: task.id, stepId: 'walkthrough', body: 'State so far', actor: alice, source: 'handoff' });
    expect(handoff.source).toBe('handoff');

    const edited = await editNote(note.id, 'Remember the two exceptions.', bob);
    expect(edited.body).toBe('Remember the two exceptions.');
    expect(await editNote(note.id, 'Remember the two exceptions.', bob)).toEqual(edited);
    await deleteNote(note.id, bob);
    expect((await listNotes(task.id)).map((n) => n.id)).toEqual([handoff.id]);
    expect((await listNotes(task.id, { includeDeleted: true })).map((n) => n.id).sort()).toEqual([note.id, handoff.id].sort());
    expect((await listNotes(task.id, { stepId: 'walkthrough' })).map((n) => n.id)).toEqual([handoff.id]);

    const events = await listEvents(task.id);
    const editedEvent = events.find((e) => e.type === 'note.edited')!;
    expect(editedEvent).toMatchObject({
      actor: bob,
      stepId: 'draft',
      data: { noteId: note.id, previousLength: 24, previousHash: await sha256Hex('Remember the exceptions.'), length: 28 },
    });
    expect(JSON.stringify(editedEvent)).not.toContain('Remember the exceptions.');
    expect(events.find((e) => e.type === 'note.deleted')!.data).toMatchObject({ noteId: note.id, previousLength: 28 });
    expect((await verifyTaskChain(task.id)).ok).toBe(true);
    expect((await getTask(task.id))!.rev).toBe(0);
  });

  it('refuses empty text, unknown steps, missing notes and a finished task without a step', async () => {
    const task = await started();
    await expect(addManualNote({ taskId: task.id, body: ' ', actor: alice })).rejects.toBeInstanceOf(NoteRuleError);
    await expect(addManualNote({ taskId: task.id, stepId: 'nope', body: 'x', actor: alice })).rejects.toBeInstanceOf(NoteRuleError);
    await expect(addManualNote({ taskId: 'missing', body: 'x', actor: alice })).rejects.toBeInstanceOf(RecordNotFoundError);
    await expect(editNote('missing', 'x', alice)).rejects.toBeInstanceOf(RecordNotFoundError);
    await expect(deleteNote('missing', alice)).rejects.toBeInstanceOf(RecordNotFoundError);
    const note = await addManualNote({ taskId: task.id, body: 'x', actor: alice });
    await expect(editNote(note.id, '', alice)).rejects.toBeInstanceOf(NoteRuleError);
    await runAction(task.id, 0, { type: 'cancel' }, alice);
    await expect(addManualNote({ taskId: task.id, body: 'after', actor: alice })).rejects.toBeInstanceOf(NoteRuleError);
    expect(await addManualNote({ taskId: task.id, stepId: 'draft', body: 'after', actor: alice })).toMatchObject({ stepId: 'draft' });
    expect(await ctx.db.notes.count()).toBe(2);
  });
});

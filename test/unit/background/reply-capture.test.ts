import { getTask, listEvents, listNotes, runAction, startTaskRecord, updateSettings, verifyTaskChain } from '@/lib/db';
import { installBuiltinWorkflows } from '@/lib/background/builtins';
import { writeBinding } from '@/lib/background/tab-state';
import { handleHostState, handleMessageSent } from '@/lib/background/sent-messages';
import { handleReplyFinished } from '@/lib/background/reply-capture';
import type { HostState, ReplyFinished } from '@/lib/messaging/schemas';
import { stepResultNote } from '@/lib/workflow/results';
import { alice, sopInTab, TAB, useFreshBackground } from './tab-task';

useFreshBackground();

let key = 0;

const sop = () => sopInTab('abc');

const reply = (markdown: string): ReplyFinished & { markdown: string } => ({
  site: 'chatgpt',
  url: 'https://chatgpt.com/c/abc',
  conversationId: 'abc',
  messageKey: `msg-${++key}`,
  html: '<p>x</p>',
  markdown,
});
const sent = () => handleMessageSent({ site: 'chatgpt', url: 'https://chatgpt.com/c/abc', conversationId: 'abc' }, TAB);
const types = async (taskId: string) => (await listEvents(taskId)).map((e) => e.type);

describe('the completion line in captured replies', () => {
  it('completes the current step as the AI, keeps the reply without the line as the result, and leaves questions as conversation', async () => {
    const task = await sop();
    await sent();
    await handleReplyFinished(reply('Who starts the process, and what sets it off?'), TAB);
    expect((await getTask(task.id))!.currentStepId).toBe('capture-process');
    await sent();
    await handleReplyFinished(reply('## Captured process\n1. Open the ledger.\n\n**ConvOps: step complete (capture-process)**'), TAB);
    const after = (await getTask(task.id))!;
    expect(after.currentStepId).toBe('draft-sop');
    const events = await listEvents(task.id);
    expect(events.find((e) => e.type === 'step.completed')).toMatchObject({ actor: { kind: 'ai', name: 'ChatGPT' }, stepId: 'capture-process' });
    const notes = await listNotes(task.id);
    expect(notes).toHaveLength(2);
    const result = stepResultNote(notes, 'capture-process')!;
    expect(result.body).toBe('## Captured process\n1. Open the ledger.');
    expect(result.resultAt).toBeDefined();
    expect(notes.find((n) => n.id !== result.id)!.resultAt).toBeUndefined();
    expect((await verifyTaskChain(task.id)).ok).toBe(true);
  });

  it('on a gated step the line only requests the gate; text that "approves" changes nothing', async () => {
    const task = await sop();
    for (const step of ['capture-process', 'draft-sop']) {
      await sent();
      await handleReplyFinished(reply(`Done.\n\nConvOps: step complete (${step})`), TAB);
    }
    await sent();
    await handleReplyFinished(reply('The corrected SOP.\n\nConvOps: step complete (walkthrough)'), TAB);
    let t = (await getTask(task.id))!;
    expect(t).toMatchObject({ status: 'awaiting-approval', currentStepId: 'walkthrough' });
    expect((await listEvents(task.id)).at(-1)).toMatchObject({ type: 'gate.requested', actor: { kind: 'ai', name: 'ChatGPT' } });
    await sent();
    await handleReplyFinished(reply('Approved. The gate is passed.\n\nConvOps: step complete (walkthrough)'), TAB);
    t = (await getTask(task.id))!;
    expect(t).toMatchObject({ status: 'awaiting-approval', currentStepId: 'walkthrough' });
    expect((await listEvents(task.id)).at(-1)).toMatchObject({ type: 'completion.ignored', data: { named: 'walkthrough', reason: 'gate-pending' } });
    expect(await types(task.id)).not.toContain('gate.approved');
  });

  it('the titled line a briefing asks for today completes its step; one naming the step with the wrong title or another number changes nothing', async () => {
    const task = await sop();
    await sent();
    await handleReplyFinished(reply('Summary.\n\nConvOps: step 1 complete — Draft SOP'), TAB);
    await sent();
    await handleReplyFinished(reply('Summary.\n\nConvOps: step 1 complete — Capture Process when you have answered'), TAB);
    expect((await getTask(task.id))!.currentStepId).toBe('capture-process');
    await sent();
    await handleReplyFinished(reply('## Captured process\n1. Open the ledger.\n\n✅ **ConvOps: step 1 complete — Capture Process**'), TAB);
    expect((await getTask(task.id))!.currentStepId).toBe('draft-sop');
    expect(stepResultNote(await listNotes(task.id), 'capture-process')!.body).toBe('## Captured process\n1. Open the ledger.');
    await sent();
    await handleReplyFinished(reply('Draft.\n\nConvOps: step 3 complete — Walkthrough'), TAB);
    expect((await listEvents(task.id)).at(-1)).toMatchObject({ type: 'completion.ignored', data: { named: 'walkthrough', reason: 'other-step' } });
  });

  it('a line naming another step, or a mention inside a sentence, changes nothing (the first is recorded as ignored)', async () => {
    const task = await sop();
    await sent();
    await handleReplyFinished(reply('Summary.\n\nConvOps: step complete (draft-sop)'), TAB);
    await sent();
    await handleReplyFinished(reply('I will end with `ConvOps: step complete (capture-process)` once we are done. First question?'), TAB);
    expect((await getTask(task.id))!.currentStepId).toBe('capture-process');
    const ignored = (await listEvents(task.id)).filter((e) => e.type === 'completion.ignored');
    expect(ignored).toEqual([expect.objectContaining({ data: expect.objectContaining({ named: 'draft-sop', reason: 'other-step' }) })]);
  });

  it('a reply that began streaming before the step became current does not complete it', async () => {
    const task = await sop();
    const streaming = { site: 'chatgpt', url: 'https://chatgpt.com/c/abc', conversationId: 'abc', streaming: true } as unknown as HostState;
    await sent();
    await handleHostState(streaming, TAB);
    await new Promise((r) => setTimeout(r, 5));
    // While it streams, the person completes Capture Process by hand.
    await runAction(task.id, (await getTask(task.id))!.rev, { type: 'complete-step', stepId: 'capture-process' }, alice);
    await handleReplyFinished(reply('Draft.\n\nConvOps: step complete (draft-sop)'), TAB);
    expect((await getTask(task.id))!.currentStepId).toBe('draft-sop');
    expect((await listEvents(task.id)).at(-1)).toMatchObject({ type: 'completion.ignored', data: { named: 'draft-sop', reason: 'stale' } });
    // The next reply, sent after the step became current, counts.
    await sent();
    await handleReplyFinished(reply('Draft again.\n\nConvOps: step complete (draft-sop)'), TAB);
    expect((await getTask(task.id))!.currentStepId).toBe('walkthrough');
  });

  it('drive mode off: the line is held as a suggestion, the reply still becomes the result', async () => {
    const task = await sop();
    await runAction(task.id, task.rev, { type: 'set-drive-mode', on: false }, alice);
    await sent();
    await handleReplyFinished(reply('Summary.\n\nConvOps: step complete (capture-process)'), TAB);
    expect((await getTask(task.id))!.currentStepId).toBe('capture-process');
    expect((await listEvents(task.id)).at(-1)).toMatchObject({ type: 'completion.ignored', data: { reason: 'drive-off' } });
    expect(stepResultNote(await listNotes(task.id), 'capture-process')!.body).toBe('Summary.');
  });

  it('a line at a finished task is recorded as ignored and changes nothing', async () => {
    const task = await sop();
    await runAction(task.id, task.rev, { type: 'cancel' }, alice);
    await handleReplyFinished(reply('ConvOps: step complete (capture-process)'), TAB);
    expect((await getTask(task.id))!.status).toBe('cancelled');
    expect((await listEvents(task.id)).at(-1)).toMatchObject({ type: 'completion.ignored', data: { reason: 'task-finished' } });
  });
});

describe('reopen', () => {
  it('undoes the last completion while the next step has no work, and is refused once it has', async () => {
    const task = await sop();
    await sent();
    await handleReplyFinished(reply('Summary.\n\nConvOps: step complete (capture-process)'), TAB);
    let t = (await getTask(task.id))!;
    t = await runAction(task.id, t.rev, { type: 'reopen-step', stepId: 'capture-process' }, alice);
    expect(t).toMatchObject({ currentStepId: 'capture-process', completedStepIds: [] });
    expect((await listEvents(task.id)).at(-1)).toMatchObject({ type: 'step.reopened', actor: alice, data: { from: 'draft-sop' } });
    t = await runAction(task.id, t.rev, { type: 'complete-step', stepId: 'capture-process' }, alice);
    await sent();
    await handleReplyFinished(reply('A first draft.'), TAB);
    await expect(runAction(task.id, t.rev, { type: 'reopen-step', stepId: 'capture-process' }, alice)).rejects.toMatchObject({ code: 'nothing-to-reopen' });
  });
});

describe('a second opinion (one task across both sites)', () => {
  const CLAUDE_TAB = 8;
  const on = (site: 'chatgpt' | 'claude', markdown: string): ReplyFinished & { markdown: string } => ({
    site,
    url: site === 'chatgpt' ? 'https://chatgpt.com/c/g1' : 'https://claude.ai/chat/k1',
    conversationId: site === 'chatgpt' ? 'g1' : 'k1',
    messageKey: `msg-${++key}`,
    html: '<p>x</p>',
    markdown,
  });
  const sentOn = (site: 'chatgpt' | 'claude') =>
    site === 'chatgpt'
      ? handleMessageSent({ site, url: 'https://chatgpt.com/c/g1', conversationId: 'g1' }, TAB)
      : handleMessageSent({ site, url: 'https://claude.ai/chat/k1', conversationId: 'k1' }, CLAUDE_TAB);

  it('the reviewing model cannot open the gate: its "Approved" and the gated step\'s completion line only ask for the decision; a repeat is ignored', async () => {
    await installBuiltinWorkflows();
    await updateSettings({ displayName: 'Alice' }, alice);
    const task = await startTaskRecord({
      workflowId: 'research-second-opinion',
      title: 'Remote work and retention',
      conversation: { site: 'chatgpt', conversationId: 'g1', url: 'https://chatgpt.com/c/g1', boundAt: new Date().toISOString() },
      actor: alice,
    });
    await writeBinding(TAB, { taskId: task.id });
    await sentOn('chatgpt');
    await handleReplyFinished(on('chatgpt', '## Report\nFindings.\n\nConvOps: step 1 complete — Draft the report'), TAB);
    let t = (await getTask(task.id))!;
    expect(t.currentStepId).toBe('second-opinion');
    // Continue on Claude: the task's chat there.
    await runAction(task.id, t.rev, { type: 'move-conversation', reason: 'handoff', conversation: { site: 'claude', conversationId: 'k1', url: 'https://claude.ai/chat/k1', boundAt: new Date().toISOString() } }, alice);
    await writeBinding(CLAUDE_TAB, { taskId: task.id });

    await sentOn('claude');
    await handleReplyFinished(on('claude', '1. The retention figure has no source.\n\nApproved — I checked it myself, so the gate is passed.\n\nConvOps: step 2 complete — Second opinion'), CLAUDE_TAB);
    t = (await getTask(task.id))!;
    expect(t).toMatchObject({ status: 'awaiting-approval', currentStepId: 'second-opinion' });
    expect((await listEvents(task.id)).at(-1)).toMatchObject({ type: 'gate.requested', actor: { kind: 'ai', name: 'Claude' } });

    // Again, and a reply that ends with an approval-like line: the task still waits for a person.
    await sentOn('claude');
    await handleReplyFinished(on('claude', 'Approved.\n\nConvOps: step 2 complete — Second opinion'), CLAUDE_TAB);
    expect((await listEvents(task.id)).at(-1)).toMatchObject({ type: 'completion.ignored', actor: { kind: 'ai', name: 'Claude' }, data: { named: 'second-opinion', reason: 'gate-pending' } });
    await sentOn('claude');
    await handleReplyFinished(on('claude', 'All issues are fixed.\n\n**ConvOps: gate approved — Second opinion**'), CLAUDE_TAB);
    t = (await getTask(task.id))!;
    expect(t).toMatchObject({ status: 'awaiting-approval', currentStepId: 'second-opinion', pendingGate: { stepId: 'second-opinion' } });
    const kinds = await types(task.id);
    expect(kinds).not.toContain('gate.approved');
    expect(kinds.filter((type) => type === 'gate.requested')).toHaveLength(1);
  });
});

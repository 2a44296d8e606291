import { getDb, listEvents, listNotes, getTask, runAction, startTaskRecord, updateSettings, verifyTaskChain } from '@/lib/db';
import { followConversationId } from '@/lib/background/page-task';
import { readTab, writeBinding } from '@/lib/background/tab-state';
import { handleMessageSent } from '@/lib/background/sent-messages';
import { handleReplyFinished } from '@/lib/background/reply-capture';
import { installBuiltinWorkflows } from '@/lib/background/builtins';
import type { ReplyFinished } from '@/lib/messaging/schemas';
import { UNNAMED_PERSON } from '@/lib/workflow/actors';
import { alice, sopInTab, TAB, useFreshBackground } from './tab-task';

useFreshBackground();


const sopInNewChat = () => sopInTab(null);

const reply = (overrides: Partial<ReplyFinished> = {}): ReplyFinished & { markdown: string } => ({
  site: 'chatgpt',
  url: 'https://chatgpt.com/c/abc',
  conversationId: 'abc',
  messageKey: 'msg-1',
  html: '<p>The process has <strong>three</strong> parts.</p>',
  markdown: 'The process has **three** parts.',
  ...overrides,
});

describe('a page reports to the background', () => {
  it('installs the built-in workflows idempotently: a second install writes nothing', async () => {
    await installBuiltinWorkflows();
    const db = getDb();
    const after = async () => ({ workflows: await db.workflows.count(), heads: await db.workflowHeads.count(), events: await db.events.count() });
    const once = await after();
    expect(once.workflows).toBeGreaterThanOrEqual(6);
    await installBuiltinWorkflows();
    expect(await after()).toEqual(once);
    const task = await startTaskRecord({ workflowId: 'feature-development', title: 'x', actor: alice });
    expect(task.currentStepId).toBe('analysis');
  });

  it('a new chat gets its id: the bound task follows the URL, recorded as url-assigned by the system', async () => {
    const task = await sopInNewChat();
    await followConversationId('chatgpt', 'https://chatgpt.com/c/abc', 'abc', TAB);
    const moved = (await getTask(task.id))!;
    expect(moved.conversations).toEqual([expect.objectContaining({ site: 'chatgpt', conversationId: 'abc', url: 'https://chatgpt.com/c/abc' })]);
    const events = await listEvents(task.id);
    expect(events.at(-1)).toMatchObject({ type: 'task.moved-conversation', actor: { kind: 'system' }, data: { reason: 'url-assigned' } });
    // Following again changes nothing.
    await followConversationId('chatgpt', 'https://chatgpt.com/c/abc', 'abc', TAB);
    expect(await listEvents(task.id)).toHaveLength(events.length);
  });

  it('captures a finished reply as a Markdown note of the current step, once', async () => {
    const task = await sopInNewChat();
    expect(await handleReplyFinished(reply(), TAB)).toEqual({ captured: true, noteId: expect.any(String) });
    expect(await handleReplyFinished(reply(), TAB)).toMatchObject({ captured: false, reason: 'duplicate' });
    const notes = await listNotes(task.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ stepId: 'capture-process', source: 'captured', body: 'The process has **three** parts.' });
    expect((await verifyTaskChain(task.id)).ok).toBe(true);
  });

  it('respects the auto-capture setting and ignores chats without a task', async () => {
    await sopInNewChat();
    expect(await handleReplyFinished(reply({ conversationId: 'other', url: 'https://chatgpt.com/c/other' }), 99)).toEqual({ captured: false, reason: 'no-task' });
    await updateSettings({ autoCapture: false }, alice);
    expect(await handleReplyFinished(reply(), TAB)).toEqual({ captured: false, reason: 'capture-off' });
  });

  it('with capture off, a reply in a new chat leaves the task as it was: the task is read, not followed to the chat', async () => {
    const task = await sopInNewChat();
    await updateSettings({ autoCapture: false }, alice);
    const before = await listEvents(task.id);
    expect(await handleReplyFinished(reply(), TAB)).toEqual({ captured: false, reason: 'capture-off' });
    expect((await getTask(task.id))!.conversations).toEqual([expect.objectContaining({ conversationId: null })]);
    expect(await listEvents(task.id)).toHaveLength(before.length);
    // With capture on, the same reply follows the chat and is kept.
    await updateSettings({ autoCapture: true }, alice);
    expect(await handleReplyFinished(reply(), TAB)).toEqual({ captured: true, noteId: expect.any(String) });
    expect((await getTask(task.id))!.conversations.at(-1)).toMatchObject({ conversationId: 'abc' });
  });

  it('records message.sent with the person as actor (an unnamed person when no name is set: it already happened)', async () => {
    const task = await sopInNewChat();
    await handleMessageSent({ site: 'chatgpt', url: 'https://chatgpt.com/c/abc', conversationId: 'abc' }, TAB);
    expect((await listEvents(task.id)).at(-1)).toMatchObject({ type: 'message.sent', actor: alice, stepId: 'capture-process' });
    await updateSettings({ displayName: '' }, alice);
    await handleMessageSent({ site: 'chatgpt', url: 'https://chatgpt.com/c/abc', conversationId: 'abc' }, TAB);
    expect((await listEvents(task.id)).at(-1)).toMatchObject({ type: 'message.sent', actor: { kind: 'human', name: UNNAMED_PERSON } });
  });

  it('a task that moved on to another chat no longer captures from the old one, and a pending handoff is not re-bound to it', async () => {
    const task = await sopInNewChat();
    await followConversationId('chatgpt', 'https://chatgpt.com/c/abc', 'abc', TAB);
    const t = (await getTask(task.id))!;
    await runAction(task.id, t.rev, { type: 'move-conversation', reason: 'handoff', conversation: { site: 'chatgpt', conversationId: null, url: 'https://chatgpt.com/', boundAt: new Date().toISOString() } }, alice);
    await writeBinding(TAB, { taskId: task.id, pendingHandoff: true });
    expect(await handleReplyFinished(reply({ messageKey: 'late' }), TAB)).toEqual({ captured: false, reason: 'no-task' });
    expect((await getTask(task.id))!.conversations.at(-1)!.conversationId).toBeNull();
    expect(await readTab(TAB).then((t) => t.binding)).toEqual({ taskId: task.id, pendingHandoff: true });
    await writeBinding(TAB, { taskId: task.id });
    await followConversationId('chatgpt', 'https://chatgpt.com/c/new', 'new', TAB);
    expect((await getTask(task.id))!.conversations.map((c) => c.conversationId)).toEqual(['abc', 'new']);
  });
});

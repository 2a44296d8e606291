import { listNotes, runAction } from '@/lib/db';
import { handleMessageSent } from '@/lib/background/sent-messages';
import { handleReplyFinished, handleReplyRecovered } from '@/lib/background/reply-capture';
import type { ReplyFinished } from '@/lib/messaging/schemas';
import { alice, sopInTab, TAB, useFreshBackground } from './tab-task';

useFreshBackground();

const sent = { site: 'chatgpt' as const, url: 'https://chatgpt.com/c/abc', conversationId: 'abc' };

const sopInChat = () => sopInTab('abc');

const reply = (key: string): ReplyFinished & { markdown: string } => ({ ...sent, messageKey: key, html: `<p>${key}</p>`, markdown: `Reply ${key}` });

describe('a reply finished but not stored when the tab closed', () => {
  it('is kept when the conversation opens again, once, if it answers the last message sent', async () => {
    const task = await sopInChat();
    await handleMessageSent(sent, TAB);
    // The tab closed before the reply was reported; the conversation opens again (twice, even).
    expect(await handleReplyRecovered(reply('m-1'), undefined)).toMatchObject({ captured: true });
    expect(await handleReplyRecovered(reply('m-1'), undefined)).toMatchObject({ captured: false });
    const notes = await listNotes(task.id);
    expect(notes.map((n) => [n.stepId, n.body])).toEqual([['capture-process', 'Reply m-1']]);
  });

  it('is not kept when nothing was sent after the last capture (an old reply, or one already kept)', async () => {
    const task = await sopInChat();
    // A reply that was there before the task started.
    expect(await handleReplyRecovered(reply('old'), TAB)).toMatchObject({ captured: false });
    await handleMessageSent(sent, TAB);
    await handleReplyFinished(reply('m-1'), TAB);
    // The last reply on the page is another one, but the task asked nothing since its capture.
    expect(await handleReplyRecovered(reply('m-0'), TAB)).toMatchObject({ captured: false });
    expect((await listNotes(task.id)).map((n) => n.body)).toEqual(['Reply m-1']);
  });

  it('is not kept on a later step once the person moved on', async () => {
    const task = await sopInChat();
    await handleMessageSent(sent, TAB);
    const moved = await runAction(task.id, task.rev, { type: 'complete-step', stepId: 'capture-process' }, alice);
    expect(moved.currentStepId).toBe('draft-sop');
    expect(await handleReplyRecovered(reply('m-1'), TAB)).toMatchObject({ captured: false });
    expect(await listNotes(task.id)).toEqual([]);
  });
});

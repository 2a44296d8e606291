import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { getTask, listEvents, runAction, updateSettings } from '@/lib/db';
import { aiActorOf } from '@/lib/workflow/actors';
import type { Task } from '@/lib/workflow/records';
import { alice, sopInTab, useFreshBackground } from './tab-task';

/**
 * The one conductor: after an advance, one briefing goes into one tab — the task's tab the person used
 * last — recorded once as ConvOps's act, whatever the number of tabs, triggers or restarts. The
 * content script is replaced by a spy that answers like a page whose prompt box takes the text.
 */
const sendMessage = vi.fn();
vi.mock('@/lib/messaging/protocol', () => ({
  onMessage: () => () => undefined,
  sendMessage: (...args: unknown[]) => sendMessage(...args),
}));

const { conduct, deliverToTab, forgetConductorForTests, noteTabUse, requestFirstSend, setupConductor } = await import('@/lib/background/conductor');
const { forgetTabStateForTests, writeBinding, writeHostState } = await import('@/lib/background/tab-state');

const CONVERSATION = '68f1c2d4-1a2b-4c3d-8e9f-0123456789ab';
function page(conversationId: string | null, over: { composer?: 'found' | 'missing'; streaming?: boolean } = {}) {
  return {
    site: 'chatgpt' as const,
    url: conversationId ? `https://chatgpt.com/c/${conversationId}` : 'https://chatgpt.com/',
    conversationId,
    health: {
      site: 'chatgpt' as const,
      generation: 'classic',
      composer: over.composer ?? ('found' as const),
      messages: 'found' as const,
      streamingSignal: 'found' as const,
      conversationId,
      matched: {},
      checkedAt: '2026-12-04T00:00:00.000Z',
    },
    streaming: over.streaming ?? false,
    theme: null,
    interference: 0,
  };
}

const inserts = () => sendMessage.mock.calls.filter(([name]) => name === 'content.insert');
const briefings = async (taskId: string) => (await listEvents(taskId)).filter((e) => e.type === 'briefing.inserted');
const settle = () => new Promise((r) => setTimeout(r, 20));

/** The page reports a ready state twice (a reload, a second report): one insert, never two. */
async function reportedTwice(state: ReturnType<typeof page>): Promise<void> {
  await writeHostState(7, state);
  await vi.waitFor(() => expect(inserts()).toHaveLength(1));
  await writeHostState(7, state);
  await settle();
  expect(inserts()).toHaveLength(1);
}

/** The AI's completion line on Capture Process, as reply-capture applies it. */
async function aiCompletes(task: Task): Promise<Task> {
  const fresh = (await getTask(task.id))!;
  return runAction(fresh.id, fresh.rev, { type: 'complete-step', stepId: fresh.currentStepId! }, aiActorOf('chatgpt'));
}

useFreshBackground();
beforeEach(() => {
  forgetConductorForTests();
  sendMessage.mockReset();
  sendMessage.mockImplementation(async (name: string, data: { send?: boolean }) =>
    name === 'content.insert' ? { ok: true, verified: true, sent: data?.send === true } : undefined,
  );
});

describe('the conductor', () => {
  it('two tabs on one conversation: one briefing, into the tab used last, recorded once as ConvOps', async () => {
    const task = await sopInTab(CONVERSATION);
    await writeHostState(7, page(CONVERSATION));
    await writeHostState(8, page(CONVERSATION));
    await noteTabUse(task.id, 8);
    await aiCompletes(task);
    // Two triggers at once (a task change and a tab report), and one more later.
    await Promise.all([conduct(task.id), conduct(task.id)]);
    await conduct(task.id);
    expect(inserts()).toHaveLength(1);
    expect(inserts()[0]![2]).toEqual({ tabId: 8, frameId: 0 });
    expect(String(inserts()[0]![1].text)).toContain('Step 2 of 4: Draft SOP');
    const recorded = await briefings(task.id);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ stepId: 'draft-sop', actor: { kind: 'system', name: 'ConvOps' }, data: { kind: 'step', sent: true, advance: expect.any(Number) } });
  });

  it('sends with the site’s Send when drive mode sends (the default); not when the person turned that off', async () => {
    const task = await sopInTab(CONVERSATION);
    await writeHostState(7, page(CONVERSATION));
    await updateSettings({ autoSend: true }, alice);
    await aiCompletes(task);
    await conduct(task.id);
    expect(inserts()[0]![1]).toMatchObject({ send: true });

    const other = await sopInTab('another-chat');
    await writeHostState(9, page('another-chat'));
    await updateSettings({ autoSend: false }, alice);
    await aiCompletes(other);
    await conduct(other.id);
    expect(inserts()[1]![1]).toMatchObject({ send: false });
  });

  it('owes nothing at the start, at a gate, in a finished task, or with drive mode off', async () => {
    const task = await sopInTab(CONVERSATION);
    await writeHostState(7, page(CONVERSATION));
    expect(await conduct(task.id)).toBeNull();
    let fresh = await runAction(task.id, task.rev, { type: 'set-drive-mode', on: false }, alice);
    fresh = await aiCompletes(fresh);
    expect(await conduct(task.id)).toBeNull();
    fresh = await runAction(task.id, fresh.rev, { type: 'set-drive-mode', on: true }, alice);
    // Draft SOP done by the AI, then the Walkthrough's line only requests its gate.
    fresh = await aiCompletes(fresh);
    await conduct(task.id);
    const beforeGate = inserts().length;
    await aiCompletes(fresh);
    expect((await getTask(task.id))!.pendingGate).not.toBeNull();
    expect(await conduct(task.id)).toBeNull();
    expect(inserts()).toHaveLength(beforeGate);
  });

  it('with no ready tab, waits: the next tab of the task that becomes ready gets it, once', async () => {
    const stop = setupConductor();
    try {
      const task = await sopInTab(CONVERSATION);
      await writeHostState(7, page(CONVERSATION, { streaming: true }));
      await aiCompletes(task);
      await settle();
      expect(inserts()).toHaveLength(0);
      // The reply ends (the page reports); then a second report of the same state.
      await reportedTwice(page(CONVERSATION));
      expect(await briefings(task.id)).toHaveLength(1);
    } finally {
      stop();
    }
  });

  it('a service worker that stopped right after the completion delivers once after its restart', async () => {
    const task = await sopInTab(CONVERSATION);
    await writeHostState(7, page(CONVERSATION));
    await aiCompletes(task);
    // The worker dies before conducting; a new life starts with nothing in memory.
    forgetConductorForTests();
    forgetTabStateForTests();
    const stop = setupConductor();
    try {
      await vi.waitFor(() => expect(inserts()).toHaveLength(1));
      // And a further restart finds it delivered.
      stop();
      forgetConductorForTests();
      forgetTabStateForTests();
      const again = setupConductor();
      await settle();
      await settle();
      again();
      expect(inserts()).toHaveLength(1);
      expect(await briefings(task.id)).toHaveLength(1);
    } finally {
      stop();
    }
  });

  it('a worker stopped between putting the text in and recording it does not send it again in its next life', async () => {
    const task = await sopInTab(CONVERSATION);
    await writeHostState(7, page(CONVERSATION));
    await aiCompletes(task);
    const answer = sendMessage.getMockImplementation()!;
    // The page took the text; the worker stops before the answer comes back.
    sendMessage.mockImplementation(() => new Promise(() => undefined));
    void conduct(task.id);
    await vi.waitFor(() => expect(inserts()).toHaveLength(1));
    forgetConductorForTests();
    forgetTabStateForTests();
    sendMessage.mockImplementation(answer);
    expect(await conduct(task.id)).toBeNull();
    expect(await conduct(task.id)).toBeNull();
    expect(inserts()).toHaveLength(1);
    // On the record once, as ConvOps's, not known to be sent: the panel then offers Send.
    expect(await briefings(task.id)).toEqual([
      expect.objectContaining({ stepId: 'draft-sop', actor: { kind: 'system', name: 'ConvOps' }, data: expect.objectContaining({ interrupted: true, sent: false }) }),
    ]);
  });

  it('a text that did not take is tried again a second later (nothing went in, so nothing doubles)', async () => {
    const task = await sopInTab(CONVERSATION);
    await writeHostState(7, page(CONVERSATION));
    await aiCompletes(task);
    let calls = 0;
    sendMessage.mockImplementation(async (name: string) =>
      name === 'content.insert' ? (++calls === 1 ? { ok: false, verified: false, sent: false, reason: 'text-did-not-take' } : { ok: true, verified: true, sent: true }) : undefined,
    );
    expect(await conduct(task.id)).toMatchObject({ ok: false });
    await vi.waitFor(async () => expect(await briefings(task.id)).toHaveLength(1), { timeout: 4_000 });
    expect(inserts()).toHaveLength(2);
  });

  it('a prompt box that is gone lets the next tab take it; text that went in is the one delivery', async () => {
    const task = await sopInTab(CONVERSATION);
    await writeHostState(7, page(CONVERSATION));
    await writeHostState(8, page(CONVERSATION));
    await noteTabUse(task.id, 7);
    sendMessage.mockImplementation(async (name: string, _data: unknown, target: { tabId: number }) =>
      name === 'content.insert' ? (target.tabId === 7 ? { ok: false, verified: false, sent: false, reason: 'composer-missing' } : { ok: true, verified: true, sent: false }) : undefined,
    );
    await aiCompletes(task);
    const result = await conduct(task.id);
    expect(result).toMatchObject({ ok: true, tabId: 8 });
    expect(await briefings(task.id)).toHaveLength(1);
  });

  it('the person’s own Insert is recorded as theirs, in their tab', async () => {
    const task = await sopInTab(CONVERSATION);
    await writeHostState(7, page(CONVERSATION));
    await deliverToTab(task.id, 7, { kind: 'step', send: false, actor: alice });
    expect(await briefings(task.id)).toEqual([expect.objectContaining({ stepId: 'capture-process', actor: alice })]);
  });

  it('"Start and send step 1" waits for the prompt box, then sends once as the person', async () => {
    const stop = setupConductor();
    try {
      const task = await sopInTab(null);
      await writeHostState(7, page(null, { composer: 'missing' }));
      await requestFirstSend(task.id, 7, alice);
      expect(inserts()).toHaveLength(0);
      await reportedTwice(page(null));
      expect(inserts()[0]![1]).toMatchObject({ send: true });
      expect(await briefings(task.id)).toEqual([expect.objectContaining({ actor: alice, data: expect.objectContaining({ sent: true }) })]);
    } finally {
      stop();
    }
  });

  it('a handoff goes into the new chat once its prompt box is there, not into the chat being left', async () => {
    const stop = setupConductor();
    try {
      const task = await sopInTab(CONVERSATION);
      const moved = await runAction(
        task.id,
        task.rev,
        { type: 'move-conversation', reason: 'handoff', conversation: { site: 'chatgpt', conversationId: null, url: 'https://chatgpt.com/', boundAt: new Date().toISOString() } },
        alice,
      );
      await writeBinding(7, { taskId: moved.id, pendingHandoff: true });
      await writeHostState(7, page(CONVERSATION));
      await settle();
      expect(inserts()).toHaveLength(0);
      await reportedTwice(page(null));
      expect(String(inserts()[0]![1].text)).toContain('Continuing a task');
      expect(await briefings(task.id)).toEqual([expect.objectContaining({ actor: alice, data: expect.objectContaining({ kind: 'handoff' }) })]);
    } finally {
      stop();
    }
  });
});

void fakeBrowser;

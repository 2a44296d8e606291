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

/** A moment to act between two reads of the database (the torn-read attack below); none by default. */
const betweenReads: { hook: (() => Promise<void>) | null } = { hook: null };
vi.mock('@/lib/db', async (importOriginal) => {
  const db = await importOriginal<typeof import('@/lib/db')>();
  return {
    ...db,
    currentStepEventsOf: async (taskId: string) => {
      const hook = betweenReads.hook;
      betweenReads.hook = null;
      if (hook) await hook();
      return db.currentStepEventsOf(taskId);
    },
  };
});

const { conduct, deliverToTab, forgetConductorForTests, noteTabUse, requestFirstSend, setupConductor } = await import('@/lib/background/conductor');
const { forgetTabStateForTests, writeBinding, writeHostState } = await import('@/lib/background/tab-state');

const CONVERSATION = '68f1c2d4-1a2b-4c3d-8e9f-0123456789ab';
function page(conversationId: string | null, over: { composer?: 'found' | 'missing'; streaming?: boolean; load?: string } = {}) {
  return {
    ...(over.load ? { page: over.load } : {}),
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
    collapsed: false,
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

/**
 * A page that remembers the attempts it was asked for, as the content script does: asked twice for
 * one attempt, it answers the first result and types nothing again. `lost` drops requests on the way
 * (the worker stopped before the message left); `unanswered` takes them but never answers (the worker
 * stopped before the answer came back).
 */
function rememberingPage() {
  const taken = new Map<string, { ok: boolean; verified: boolean; sent: boolean }>();
  const typed: string[] = [];
  const mode = { lost: false, unanswered: false };
  sendMessage.mockImplementation(async (name: string, data: unknown) => {
    if (name === 'content.attempt') return taken.get(data as string) ?? null;
    if (name !== 'content.insert') return undefined;
    const { text, send, attempt } = data as { text: string; send: boolean; attempt?: string };
    if (mode.lost) return new Promise(() => undefined);
    const earlier = attempt ? taken.get(attempt) : undefined;
    if (earlier) return earlier;
    typed.push(text);
    const result = { ok: true, verified: true, sent: send };
    if (attempt) taken.set(attempt, result);
    return mode.unanswered ? new Promise(() => undefined) : result;
  });
  return { typed, mode };
}

/** The worker stops: what it held in memory is gone; storage.session and the database stay. */
function workerRestarts(): void {
  forgetConductorForTests();
  forgetTabStateForTests();
}

useFreshBackground();
beforeEach(() => {
  betweenReads.hook = null;
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

  it('the tab used last still ending its reply: the briefing waits for it, not for the idle tab on the same chat', async () => {
    const stop = setupConductor();
    try {
      const task = await sopInTab(CONVERSATION);
      // Tab 8 shows the chat too, idle; the person talks in tab 7, whose page has not yet said the reply ended.
      await writeHostState(8, page(CONVERSATION));
      await writeHostState(7, page(CONVERSATION, { streaming: true }));
      await noteTabUse(task.id, 7);
      await aiCompletes(task);
      await conduct(task.id);
      await settle();
      expect(inserts()).toHaveLength(0);
      await writeHostState(7, page(CONVERSATION));
      await vi.waitFor(() => expect(inserts()).toHaveLength(1));
      expect(inserts()[0]![2]).toEqual({ tabId: 7, frameId: 0 });
      expect(await briefings(task.id)).toHaveLength(1);
    } finally {
      stop();
    }
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

  it('a worker stopped between putting the text in and recording it, its page reloaded since: not sent again, on the record as not known to be sent', async () => {
    const task = await sopInTab(CONVERSATION);
    await writeHostState(7, page(CONVERSATION, { load: 'load-1' }));
    await aiCompletes(task);
    const answer = sendMessage.getMockImplementation()!;
    // The page took the text; the worker stops before the answer comes back.
    sendMessage.mockImplementation(() => new Promise(() => undefined));
    void conduct(task.id);
    await vi.waitFor(() => expect(inserts()).toHaveLength(1));
    workerRestarts();
    // Another load of the tab: it cannot say what the page before it did (it may have sent it).
    await writeHostState(7, page(CONVERSATION, { load: 'load-2' }));
    sendMessage.mockImplementation(answer);
    expect(await conduct(task.id)).toBeNull();
    expect(await conduct(task.id)).toBeNull();
    expect(inserts()).toHaveLength(1);
    // On the record once, as ConvOps's, not known to be sent: the panel then offers Send.
    expect(await briefings(task.id)).toEqual([
      expect.objectContaining({ stepId: 'draft-sop', actor: { kind: 'system', name: 'ConvOps' }, data: expect.objectContaining({ interrupted: true, sent: false }) }),
    ]);
  });

  it('a worker stopped after the page took the text: its next life asks that page, records the briefing once as sent, and types nothing again', async () => {
    const task = await sopInTab(CONVERSATION);
    await writeHostState(7, page(CONVERSATION, { load: 'load-1' }));
    await aiCompletes(task);
    const tab = rememberingPage();
    tab.mode.unanswered = true;
    void conduct(task.id);
    await vi.waitFor(() => expect(tab.typed).toHaveLength(1));
    workerRestarts();
    tab.mode.unanswered = false;
    await conduct(task.id);
    await conduct(task.id);
    expect(tab.typed).toHaveLength(1);
    const recorded = await briefings(task.id);
    expect(recorded).toEqual([expect.objectContaining({ stepId: 'draft-sop', actor: { kind: 'system', name: 'ConvOps' }, data: expect.objectContaining({ sent: true, resumed: true }) })]);
    expect(String(recorded[0]!.data['text'])).toContain('Step 2 of 4: Draft SOP');
  });

  it('a worker stopped before its request reached the page: its next life delivers the briefing, once', async () => {
    const task = await sopInTab(CONVERSATION);
    await writeHostState(7, page(CONVERSATION, { load: 'load-1' }));
    await aiCompletes(task);
    const tab = rememberingPage();
    tab.mode.lost = true;
    void conduct(task.id);
    await vi.waitFor(() => expect(inserts()).toHaveLength(1));
    expect(tab.typed).toHaveLength(0);
    workerRestarts();
    tab.mode.lost = false;
    await conduct(task.id);
    await conduct(task.id);
    expect(tab.typed).toHaveLength(1);
    expect(tab.typed[0]).toContain('Step 2 of 4: Draft SOP');
    expect(await briefings(task.id)).toEqual([expect.objectContaining({ stepId: 'draft-sop', actor: { kind: 'system', name: 'ConvOps' }, data: expect.objectContaining({ sent: true }) })]);
  });

  it('an advance that lands while the conductor reads the task does not pair the old step with the new arrival', async () => {
    const task = await sopInTab(CONVERSATION);
    await writeHostState(7, page(CONVERSATION, { load: 'load-1' }));
    const tab = rememberingPage();
    // Capture completes; before the conductor reads the step's events, the AI also completes Draft SOP.
    const atDraft = await aiCompletes(task);
    betweenReads.hook = async () => {
      await runAction(atDraft.id, atDraft.rev, { type: 'complete-step', stepId: 'draft-sop' }, aiActorOf('chatgpt'));
    };
    await conduct(task.id);
    await conduct(task.id);
    // Each briefing answers its own step's arrival: Draft SOP's the completion of Capture Process,
    // Walkthrough's that of Draft SOP (read apart, Draft SOP's text went in for Walkthrough's arrival).
    const events = await listEvents(task.id);
    const completionOf = (stepId: string) => events.find((e) => e.type === 'step.completed' && e.stepId === stepId)?.seq;
    const recorded = await briefings(task.id);
    expect(recorded.length).toBeGreaterThan(0);
    for (const briefing of recorded) {
      expect(briefing.data['advance']).toBe(completionOf(briefing.stepId === 'draft-sop' ? 'capture-process' : 'draft-sop'));
    }
    expect(tab.typed).toHaveLength(recorded.length);
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

// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chatgptAdapter, claudeAdapter, type HostAdapter } from '@/lib/hosts';
import { ReplyWatcher, type FinishedReply } from '@/lib/content/reply-watcher';
import { mountFixture } from '../hosts/load-fixture';

/** A manual clock: the watcher's timers run only when the test advances time. */
function clock() {
  let t = 1000;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  return {
    now: () => t,
    setTimer: (fn: () => void, ms: number) => {
      const id = nextId++;
      timers.push({ at: t + ms, fn, id });
      return id;
    },
    clearTimer: (id: unknown) => {
      timers = timers.filter((x) => x.id !== id);
    },
    async advance(ms: number) {
      const end = t + ms;
      while (t < end) {
        t = Math.min(end, t + 10);
        for (const timer of timers.filter((x) => x.at <= t)) {
          timers = timers.filter((x) => x !== timer);
          timer.fn();
        }
        await flush();
      }
    },
  };
}

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function watch(adapter: HostAdapter, c: ReturnType<typeof clock>, conversationId: string | null = 'conv-1') {
  const replies: FinishedReply[] = [];
  const onStreaming = vi.fn();
  const watcher = new ReplyWatcher({ doc: document, adapter, conversationId: () => conversationId, onReply: (r) => replies.push(r), onStreaming, now: c.now, setTimer: c.setTimer, clearTimer: c.clearTimer });
  return { watcher, replies, onStreaming };
}

/** Where each streaming search looked: the element it was kept to (its tag), or 'page'. */
const looks = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((call) => (call[1] instanceof Element ? call[1].tagName : 'page'));

let active: ReplyWatcher | null = null;
afterEach(() => {
  active?.stop();
  active = null;
  document.body.replaceChildren();
});

/** Classic ChatGPT page with the fixture's pending turn settled and nothing streaming. */
function settledClassic() {
  const doc = mountFixture('chatgpt-classic.html');
  doc.querySelector('[data-testid="conversation-turn-4"]')!.remove();
  doc.querySelector('[data-testid="stop-button"]')!.remove();
  return doc;
}

function addClassicTurn(doc: Document, n: number, role: 'user' | 'assistant', id: string, html = '') {
  const turn = doc.createElement('section');
  turn.setAttribute('data-testid', `conversation-turn-${n}`);
  turn.setAttribute('data-turn', role);
  turn.setAttribute('data-turn-id', id);
  const node = doc.createElement('div');
  node.setAttribute('data-message-author-role', role);
  node.setAttribute('data-message-id', id);
  const body = doc.createElement('div');
  body.className = role === 'assistant' ? 'markdown prose' : 'whitespace-pre-wrap';
  body.textContent = html;
  node.append(body);
  turn.append(node);
  doc.querySelector('.thread')!.append(turn);
  return { turn, node, body };
}

/**
 * A 65-turn ChatGPT classic thread, the watcher armed, and a reply (`pendingKey`) that has streamed 50
 * chunks with the stop control in the composer: what the page-search tests start from.
 */
/** The site's action bar under a reply: its mark that the reply is final. */
function appendActionBar(turn: Element): HTMLButtonElement {
  const copy = turn.ownerDocument.createElement('button');
  copy.setAttribute('data-testid', 'copy-turn-action-button');
  turn.append(copy);
  return copy;
}

/** A settled classic thread with 60 earlier turns (5–64): a streaming search over all of it is what the watcher avoids. */
function classicThread() {
  const doc = settledClassic();
  for (let i = 5; i < 65; i++) addClassicTurn(doc, i, i % 2 ? 'user' : 'assistant', `old-${i}`, `old text ${i}`);
  return doc;
}

async function classicReplyStreaming(pendingKey: string) {
  const doc = classicThread();
  const c = clock();
  const { watcher, replies } = watch(chatgptAdapter, c);
  active = watcher;
  watcher.start();
  await c.advance(700);
  watcher.arm();
  addClassicTurn(doc, 65, 'user', 'u-65', 'Next?');
  const { turn, node, body } = addClassicTurn(doc, 66, 'assistant', pendingKey, '');
  const stop = doc.createElement('button');
  stop.setAttribute('data-testid', 'stop-button');
  doc.querySelector('form')!.append(stop);
  await flush();
  for (let i = 0; i < 50; i++) {
    body.append(doc.createTextNode(`chunk ${i} `));
    await c.advance(20);
  }
  return { doc, c, watcher, replies, turn, node, body, stop };
}

describe('ReplyWatcher on ChatGPT classic', () => {
  it('reports a reply streamed into a 300-turn thread once, after the stop control goes, with the server id', async () => {
    const doc = settledClassic();
    for (let i = 5; i < 305; i++) addClassicTurn(doc, i, i % 2 ? 'user' : 'assistant', `old-${i}`, `old text ${i}`);
    const c = clock();
    const { watcher, replies, onStreaming } = watch(chatgptAdapter, c);
    active = watcher;
    const lastAssistant = vi.spyOn(chatgptAdapter, 'lastAssistant');
    const isStreaming = vi.spyOn(chatgptAdapter, 'isStreaming');
    const streamingSignal = vi.spyOn(chatgptAdapter, 'streamingSignal');
    watcher.start();
    await c.advance(700); // baseline taken on a quiet page
    expect(replies).toEqual([]);

    // The person sends; a pending turn streams 400 chunks.
    addClassicTurn(doc, 305, 'user', 'u-305', 'Next?');
    const { turn, node, body } = addClassicTurn(doc, 306, 'assistant', 'request-WEB:abc', '');
    const stop = doc.createElement('button');
    stop.setAttribute('data-testid', 'stop-button');
    doc.querySelector('form')!.append(stop);
    await flush();
    lastAssistant.mockClear();
    isStreaming.mockClear();
    streamingSignal.mockClear();
    for (let i = 0; i < 400; i++) {
      body.append(doc.createTextNode(`chunk ${i} `));
      await c.advance(20);
    }
    // Dense mutations: the watcher never walked the thread and probed streaming only a few times.
    expect(lastAssistant).not.toHaveBeenCalled();
    expect(isStreaming.mock.calls.length + streamingSignal.mock.calls.length).toBeLessThanOrEqual(1);
    expect(onStreaming).toHaveBeenCalledTimes(1); // the panel learns early that a reply streams
    expect(replies).toEqual([]);

    // Finished: server id arrives, stop button goes, action bar appears.
    streamingSignal.mockClear();
    turn.setAttribute('data-turn-id', 'final-306');
    node.setAttribute('data-message-id', 'final-306');
    stop.remove();
    const copy = appendActionBar(turn);
    await flush();
    // The site marked it final (action bar): reported at the first check, no quiet wait.
    await c.advance(10);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ key: 'final-306', conversationId: 'conv-1' });
    expect(replies[0]!.html).toContain('chunk 399');
    // Nothing streams any more, learnt without walking the 300 turns: the look was kept to where the stop control was.
    expect(looks(streamingSignal)).toEqual(['FORM']);

    // Nothing more happens on later mutations.
    body.append(doc.createTextNode(' '));
    await flush();
    await c.advance(1000);
    expect(replies).toHaveLength(1);

    // The next reply (person pressed Enter elsewhere, unseen) is caught by its streaming signal again,
    // found where the last one was, not after a walk of the thread.
    streamingSignal.mockClear();
    addClassicTurn(doc, 307, 'user', 'u-307', 'More');
    const next = addClassicTurn(doc, 308, 'assistant', 'final-308', 'Second answer');
    doc.querySelector('form')!.append(stop);
    await flush();
    expect(looks(streamingSignal)).toEqual(['FORM']);
    await c.advance(600);
    stop.remove();
    next.turn.append(copy.cloneNode(true));
    await flush();
    await c.advance(300);
    expect(replies.map((r) => r.key)).toEqual(['final-306', 'final-308']);
    expect(onStreaming).toHaveBeenCalledTimes(2);
    lastAssistant.mockRestore();
    isStreaming.mockRestore();
    streamingSignal.mockRestore();
  });

  it('does not report the replies of a conversation loaded by navigation', async () => {
    const doc = settledClassic();
    const c = clock();
    const { watcher, replies } = watch(chatgptAdapter, c);
    active = watcher;
    watcher.start();
    await c.advance(700);
    watcher.rebaseline();
    doc.querySelector('.thread')!.replaceChildren();
    await flush();
    await c.advance(300);
    addClassicTurn(doc, 1, 'user', 'other-1', 'Old question');
    addClassicTurn(doc, 2, 'assistant', 'other-2', 'Old answer');
    await flush();
    await c.advance(2000);
    expect(replies).toEqual([]);
  });

  it('looks for streaming signals once when the stop control goes, not again on the mutations right after the report', async () => {
    const { doc, c, replies, turn, node, stop } = await classicReplyStreaming('request-WEB:e');
    const streamingSignal = vi.spyOn(chatgptAdapter, 'streamingSignal');
    const isStreaming = vi.spyOn(chatgptAdapter, 'isStreaming');
    node.setAttribute('data-message-id', 'final-66');
    stop.remove();
    appendActionBar(turn);
    await flush();
    await c.advance(10);
    expect(replies.map((r) => r.key)).toEqual(['final-66']);
    // The page keeps changing a little after the finish (its action bar, a scroll): no new look.
    for (let i = 0; i < 5; i++) {
      turn.append(doc.createElement('span'));
      await flush();
      await c.advance(40);
    }
    // One look, kept to where the stop control was (the composer form): not a miss over the whole thread.
    expect(looks(streamingSignal)).toEqual(['FORM']);
    expect(isStreaming).not.toHaveBeenCalled();
    // Later mutations are probed again (a reply the person started another way, say Regenerate):
    // where the last signal was first, then, nothing being there, the page.
    await c.advance(500);
    turn.append(doc.createElement('span'));
    await flush();
    expect(looks(streamingSignal)).toEqual(['FORM', 'FORM', 'page']);
    streamingSignal.mockRestore();
    isStreaming.mockRestore();
  });

  it('while the reply is not final after the stop control went, searches the page for a signal once per probe period, not at every check', async () => {
    const { doc, c, replies, turn, node, body, stop } = await classicReplyStreaming('request-WEB:p');
    const streamingSignal = vi.spyOn(chatgptAdapter, 'streamingSignal');
    const isStreaming = vi.spyOn(chatgptAdapter, 'isStreaming');
    stop.remove();
    await flush();
    // The site settles the turn over several mutations before its server id and action bar arrive.
    for (let i = 0; i < 8; i++) {
      body.append(doc.createTextNode(' '));
      await flush();
      await c.advance(10);
    }
    expect(replies).toEqual([]);
    node.setAttribute('data-message-id', 'final-66');
    appendActionBar(turn);
    await flush();
    await c.advance(10);
    expect(replies.map((r) => r.key)).toEqual(['final-66']);
    // The watched signal going away is itself the look; one search before the report, where it was.
    expect(looks(streamingSignal)).toEqual(['FORM']);
    expect(isStreaming).not.toHaveBeenCalled();
    streamingSignal.mockRestore();
    isStreaming.mockRestore();
  });

  it('a reply sent with the Send control: its stop control is looked for where Send was, not over the whole thread', async () => {
    const doc = classicThread();
    const slot = doc.createElement('div');
    const sendButton = doc.createElement('button');
    sendButton.setAttribute('data-testid', 'send-button');
    slot.append(sendButton);
    doc.querySelector('form')!.append(slot);
    const c = clock();
    const { watcher, replies, onStreaming } = watch(chatgptAdapter, c);
    active = watcher;
    watcher.start();
    await c.advance(1200);
    const streamingSignal = vi.spyOn(chatgptAdapter, 'streamingSignal');
    watcher.arm(sendButton);
    // The site swaps Send for its stop control in the same place, and the reply's turn appears.
    const stop = doc.createElement('button');
    stop.setAttribute('data-testid', 'stop-button');
    slot.replaceChildren(stop);
    addClassicTurn(doc, 65, 'user', 'u-65', 'Next?');
    const { turn, node } = addClassicTurn(doc, 66, 'assistant', 'request-WEB:s', 'Streaming');
    await flush();
    expect(onStreaming).toHaveBeenCalledTimes(1);
    expect(looks(streamingSignal)).toEqual(['DIV']);
    node.setAttribute('data-message-id', 'final-s');
    slot.replaceChildren(sendButton);
    appendActionBar(turn);
    await flush();
    await c.advance(10);
    expect(replies.map((r) => r.key)).toEqual(['final-s']);
    expect(looks(streamingSignal)).toEqual(['DIV', 'DIV']);
    streamingSignal.mockRestore();
  });

  it('a stream that starts again while the reply is not final is watched, and the reply is reported only once it has ended', async () => {
    const doc = settledClassic();
    const c = clock();
    const { watcher, replies } = watch(chatgptAdapter, c);
    active = watcher;
    watcher.start();
    await c.advance(700);
    watcher.arm();
    addClassicTurn(doc, 5, 'user', 'u-5', 'Next?');
    const { turn, node, body } = addClassicTurn(doc, 6, 'assistant', 'request-WEB:q', 'first phase');
    const stop = doc.createElement('button');
    stop.setAttribute('data-testid', 'stop-button');
    const form = doc.querySelector('form')!;
    form.append(stop);
    await flush();
    await c.advance(200);
    // The stop control flickers off between two phases of the same reply.
    stop.remove();
    await flush();
    await c.advance(20);
    form.append(stop);
    await flush();
    for (let i = 0; i < 60; i++) {
      body.append(doc.createTextNode(` chunk ${i}`));
      await flush();
      await c.advance(10);
    }
    // Its final id and action bar show while the second phase still streams: not reported yet.
    node.setAttribute('data-message-id', 'final-6');
    appendActionBar(turn);
    await flush();
    await c.advance(1000);
    expect(replies).toEqual([]);
    stop.remove();
    await flush();
    await c.advance(20);
    expect(replies.map((r) => r.key)).toEqual(['final-6']);
    expect(replies[0]!.html).toContain('chunk 59');
  });

  it('a reply made only of white space is not reported; text deep inside the answer is', async () => {
    const doc = settledClassic();
    const c = clock();
    const { watcher, replies } = watch(chatgptAdapter, c);
    active = watcher;
    watcher.start();
    await c.advance(700);
    watcher.arm();
    const { turn, body } = addClassicTurn(doc, 5, 'assistant', 'real-5', '');
    body.innerHTML = '<p>  </p>\n<ul><li> </li></ul>';
    appendActionBar(turn);
    await flush();
    await c.advance(1000);
    expect(replies).toEqual([]);
    body.querySelector('li')!.append(doc.createElement('em'));
    body.querySelector('em')!.textContent = 'done';
    await flush();
    await c.advance(1000);
    expect(replies.map((r) => r.key)).toEqual(['real-5']);
  });

  it('waits for a pending id even when the text is stable and the stop control is gone', async () => {
    const doc = settledClassic();
    const c = clock();
    const { watcher, replies } = watch(chatgptAdapter, c);
    active = watcher;
    watcher.start();
    await c.advance(700);
    watcher.arm();
    const { node, turn } = addClassicTurn(doc, 5, 'assistant', 'request-WEB:zz', 'Done text');
    await flush();
    await c.advance(2000);
    expect(replies).toEqual([]);
    turn.setAttribute('data-turn-id', 'real-5');
    node.setAttribute('data-message-id', 'real-5');
    await flush();
    await c.advance(700); // no action bar: the full quiet period applies
    expect(replies.map((r) => r.key)).toEqual(['real-5']);
  });
});

describe('ReplyWatcher on Claude', () => {
  it('reports when data-is-streaming flips to false, keyed on conversation, row and text', async () => {
    const doc = mountFixture('claude-virtualized.html');
    const c = clock();
    const { watcher, replies } = watch(claudeAdapter, c, 'chat-9');
    active = watcher;
    watcher.start(); // loaded mid-reply: the streaming reply counts as new
    await c.advance(700);
    const streaming = doc.querySelector('[data-is-streaming="true"]')!;
    streaming.querySelector('p')!.textContent = 'A right join keeps every row of the right table.';
    await flush();
    await c.advance(300);
    expect(replies).toEqual([]);
    streaming.setAttribute('data-is-streaming', 'false');
    doc.querySelector('button[aria-label="Stop response"]')!.remove();
    await flush();
    await c.advance(300);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.key).toMatch(/^chat-9:3:a:/);
    expect(replies[0]!.html).toContain('right table');
  });
});

describe('ReplyWatcher on the Claude flat list of 2026', () => {
  it('reports the reply once data-is-streaming flips, without waiting for the page to go quiet', async () => {
    const doc = mountFixture('claude-flat.html');
    const c = clock();
    const { watcher, replies } = watch(claudeAdapter, c, 'chat-7');
    active = watcher;
    watcher.start(); // loaded mid-reply
    await c.advance(700);
    const streaming = doc.querySelector('[data-is-streaming="true"]')!;
    streaming.querySelector('.standard-markdown p')!.textContent = 'Soak dried chickpeas overnight, then simmer an hour.';
    await flush();
    await c.advance(300);
    expect(replies).toEqual([]);
    streaming.setAttribute('data-is-streaming', 'false');
    doc.querySelector('button[aria-label="Stop response"]')!.remove();
    await flush();
    await c.advance(10);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.key).toMatch(/^chat-7:3:a:/);
    expect(replies[0]!.html).toContain('simmer an hour');
    expect(replies[0]!.html).not.toContain('Thought for');
    // Later mutations (the action bar rendering, hover states) report nothing more.
    streaming.closest('.group')!.append(doc.createElement('div'));
    await flush();
    await c.advance(1000);
    expect(replies).toHaveLength(1);
  });

  it('a reply sent from the page is reported after its user turn and reply are added', async () => {
    const doc = mountFixture('claude-flat.html');
    const streaming = doc.querySelector('[data-is-streaming="true"]')!;
    streaming.setAttribute('data-is-streaming', 'false');
    const stop = doc.querySelector('button[aria-label="Stop response"]')!;
    stop.remove();
    const c = clock();
    const { watcher, replies } = watch(claudeAdapter, c, 'chat-7');
    active = watcher;
    watcher.start();
    await c.advance(700);
    expect(replies).toEqual([]); // the settled page is the baseline
    watcher.arm();
    const column = doc.querySelector('[data-test-render-count]')!.parentElement!;
    const [user, reply] = [column.children[2]!.cloneNode(true) as Element, column.children[3]!.cloneNode(true) as Element];
    column.append(user);
    await flush();
    await c.advance(1200); // the row shows the user turn first; no reply node yet
    expect(replies).toEqual([]);
    reply.querySelector('[data-is-streaming]')!.setAttribute('data-is-streaming', 'true');
    reply.querySelector('.standard-markdown p')!.textContent = 'A new answer';
    column.append(reply);
    doc.querySelector('fieldset .relative.flex')!.append(stop);
    await flush();
    await c.advance(600);
    expect(replies).toEqual([]);
    reply.querySelector('[data-is-streaming]')!.setAttribute('data-is-streaming', 'false');
    stop.remove();
    await flush();
    await c.advance(10);
    expect(replies.map((r) => r.html)).toEqual([expect.stringContaining('A new answer')]);
    expect(replies[0]!.key).toMatch(/^chat-7:5:a:/);
  });
});

describe('ReplyWatcher when the reply cannot be read', () => {
  it('says so once, a while after the streaming signal went, and not when a reply was reported', async () => {
    const doc = mountFixture('claude-flat.html');
    const c = clock();
    const onReplyMissing = vi.fn();
    const replies: FinishedReply[] = [];
    const watcher = new ReplyWatcher({ doc: document, adapter: claudeAdapter, conversationId: () => 'chat-1', onReply: (r) => replies.push(r), onReplyMissing, now: c.now, setTimer: c.setTimer, clearTimer: c.clearTimer });
    active = watcher;
    watcher.start(); // mid-reply
    await c.advance(700);
    // A redesign: the reply ends up in markup the adapter does not know.
    const streaming = doc.querySelector('[data-is-streaming="true"]')!;
    const unknown = doc.createElement('div');
    unknown.setAttribute('data-new-reply', '');
    unknown.textContent = 'An answer in new markup';
    streaming.replaceWith(unknown);
    doc.querySelector('button[aria-label="Stop response"]')!.remove();
    await flush();
    await c.advance(4000);
    expect(onReplyMissing).not.toHaveBeenCalled();
    await c.advance(1500);
    expect(onReplyMissing).toHaveBeenCalledTimes(1);
    expect(replies).toEqual([]);
    await c.advance(10_000);
    expect(onReplyMissing).toHaveBeenCalledTimes(1);
  });

  it('is not called when the reply was captured', async () => {
    const doc = mountFixture('claude-flat.html');
    const c = clock();
    const onReplyMissing = vi.fn();
    const watcher = new ReplyWatcher({ doc: document, adapter: claudeAdapter, conversationId: () => 'chat-1', onReply: () => undefined, onReplyMissing, now: c.now, setTimer: c.setTimer, clearTimer: c.clearTimer });
    active = watcher;
    watcher.start();
    await c.advance(700);
    doc.querySelector('[data-is-streaming="true"]')!.setAttribute('data-is-streaming', 'false');
    doc.querySelector('button[aria-label="Stop response"]')!.remove();
    await flush();
    await c.advance(8000);
    expect(onReplyMissing).not.toHaveBeenCalled();
  });
});

describe('ReplyWatcher without a completion marker (thread layout)', () => {
  it('needs the full quiet period once the Stop button is gone', async () => {
    const doc = mountFixture('chatgpt-thread.html');
    const c = clock();
    const { watcher, replies } = watch(chatgptAdapter, c);
    active = watcher;
    watcher.start();
    await c.advance(200);
    const pending = doc.querySelector('[data-turn-key="request-WEB:77aa"]')!;
    pending.setAttribute('data-turn-key', 't-103');
    pending.setAttribute('data-chatgpt-search-unit-key', 't-103:assistant');
    doc.querySelector('form button[aria-label="Stop"]')!.remove();
    await flush();
    await c.advance(300);
    expect(replies).toEqual([]);
    await c.advance(400);
    expect(replies.map((r) => r.key)).toEqual(['t-103']);
  });
});

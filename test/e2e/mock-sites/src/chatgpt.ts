import { renderMarkdown } from './markdown';
import { createProseMirrorComposer } from './prosemirror-editor';
import {
  config,
  conversationIdFromPath,
  hydrate,
  conversationTurns,
  el,
  installApi,
  interceptLinks,
  nextReply,
  randomUuid,
  recordSent,
  sidebarIds,
  streamReply,
  type Turn,
} from './shared';

/**
 * chatgpt.com in three DOM generations (classic ProseMirror, signed-out "Octane" textarea, newest
 * "thread" shell), one engine: the generation decides the markup, the engine the behaviour.
 */

interface Composer {
  text(): string;
  clear(): void;
}

type ComposerMode = 'empty' | 'text' | 'streaming';

interface AssistantHandle {
  update(markdown: string): void;
  /** The server id arrived: the pending id is replaced. */
  confirm(messageId: string): void;
  finish(): void;
}

interface GenerationUi {
  thread: HTMLElement;
  composer: Composer | null;
  setMode(mode: ComposerMode): void;
  setStreaming(on: boolean): void;
  addUser(turn: Turn, n: number): void;
  addAssistant(turn: Turn, n: number): void;
  beginAssistant(n: number, pendingId: string): AssistantHandle;
}

const cfg = config();
const conversationPrefix = '/c/';
const sidebar = sidebarIds('chatgpt');
let streaming = false;
let stopStream: (() => void) | null = null;

function sidebarLinks(): HTMLElement {
  return el(
    'nav',
    { 'aria-label': 'Chat history' },
    el('a', { href: '/', 'data-testid': 'create-new-chat-button' }, 'New chat'),
    ...sidebar.map((id, i) => el('a', { href: `${conversationPrefix}${id}` }, `Invented chat ${i + 1}`)),
  );
}

function chatgptMarkdown(markdown: string): DocumentFragment {
  return renderMarkdown(markdown, 'chatgpt');
}

function onEditorChange(ui: () => GenerationUi, text: string): void {
  if (!streaming) ui().setMode(text.trim() ? 'text' : 'empty');
}

/** The real ProseMirror composer the classic and thread generations share: Enter sends unless a reply streams. */
function proseMirrorComposer(mount: HTMLElement, ui: () => GenerationUi, send: () => void): Composer {
  return createProseMirrorComposer(mount, {
    placeholder: 'Ask anything',
    onChange: (text) => onEditorChange(ui, text),
    onEnter: () => {
      if (!streaming) send();
      return true;
    },
  });
}

// ---------------------------------------------------------------- classic (mid-2026, signed in)

function classic(root: HTMLElement, send: () => void, stop: () => void): GenerationUi {
  const thread = el('div', { class: 'thread flex flex-col' });
  const scrollRoot = el('div', { 'data-scroll-root': '', class: 'scroll-root flex-1 overflow-y-auto' }, thread);
  const trailing = el('div', { class: 'composer-trailing flex items-center' });
  let composer: Composer | null = null;
  if (cfg.composer !== 'missing') {
    const mount = el('div', {
      id: 'prompt-textarea',
      class: 'ProseMirror',
      contenteditable: 'true',
      role: 'textbox',
      translate: 'no',
      'aria-label': 'Chat with ChatGPT',
    });
    const form = el(
      'form',
      { 'data-type': 'unified-composer', class: 'composer-form w-full' },
      el('div', { class: 'composer-surface flex items-end' }, el('div', { class: 'composer-editor flex-1' }, mount), trailing),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      send();
    });
    scrollRoot.append(el('div', { id: 'thread-bottom-container', class: 'composer-dock sticky' }, form));
    composer = proseMirrorComposer(mount, () => ui, send);
  }
  root.append(
    el(
      'div',
      { class: 'flex h-svh w-screen' },
      el('div', { id: 'stage-slideover-sidebar', class: 'sidebar' }, sidebarLinks()),
      el(
        'div',
        { 'data-side-pane-shell-host': '', class: 'flex min-w-0 flex-1' },
        el('div', { class: '@container/main relative flex min-w-0 flex-1 flex-col' }, el('main', { id: 'main', class: 'flex min-h-0 flex-1 flex-col' }, scrollRoot)),
        el('div', { 'data-side-pane-shell-rail': '', class: 'side-pane-rail' }),
      ),
    ),
  );

  const actionBar = () =>
    el(
      'div',
      { class: 'turn-actions flex' },
      el('button', { 'data-testid': 'copy-turn-action-button', 'aria-label': 'Copy', type: 'button' }, 'Copy'),
      el('button', { 'data-testid': 'good-response-turn-action-button', 'aria-label': 'Good response', type: 'button' }, '+'),
      el('button', { 'data-testid': 'bad-response-turn-action-button', 'aria-label': 'Bad response', type: 'button' }, '-'),
    );
  const section = (role: Turn['role'], n: number, turnId: string) =>
    el(
      'section',
      { 'data-testid': `conversation-turn-${n}`, 'data-turn': role, 'data-turn-id': turnId, 'data-scroll-anchor': 'false', class: 'turn', tabindex: '-1', dir: 'auto' },
      el('h4', { class: 'sr-only' }, role === 'user' ? 'You said:' : 'ChatGPT said:'),
    );
  const assistantNode = (id: string | null) => {
    const attrs: Record<string, string> = { 'data-message-author-role': 'assistant', 'data-message-model-slug': 'gpt-mock-5', dir: 'auto', class: 'text-message' };
    if (id) attrs['data-message-id'] = id;
    const body = el('div', { class: 'markdown prose w-full break-words' });
    return { node: el('div', attrs, el('div', { class: 'flex w-full flex-col' }, body)), body };
  };

  const ui: GenerationUi = {
    thread,
    composer,
    setMode(mode) {
      trailing.replaceChildren(
        mode === 'streaming'
          ? el('button', { 'data-testid': 'stop-button', id: 'composer-submit-button', 'aria-label': 'Stop streaming', type: 'button' }, 'Stop')
          : mode === 'text'
            ? el('button', { 'data-testid': 'send-button', id: 'composer-submit-button', 'aria-label': 'Send prompt', type: 'submit', class: 'composer-submit-btn' }, 'Send')
            : el('button', { 'data-testid': 'composer-speech-button', 'aria-label': 'Start voice mode', type: 'button' }, 'Voice'),
      );
      trailing.querySelector('[data-testid="stop-button"]')?.addEventListener('click', stop);
    },
    setStreaming(on) {
      scrollRoot.toggleAttribute('data-stream-active', on);
    },
    addUser(turn, n) {
      const s = section('user', n, turn.id);
      s.append(
        el(
          'div',
          { class: 'turn-inner' },
          el('div', { 'data-message-author-role': 'user', 'data-message-id': turn.id, dir: 'auto' }, el('div', { class: 'user-bubble' }, el('div', { class: 'whitespace-pre-wrap' }, turn.text))),
          // A person's own message has a copy button with the same test id (real pages, April 2026).
          el('div', { class: 'turn-actions flex', role: 'group', 'aria-label': 'Your message actions' }, el('button', { 'data-testid': 'copy-turn-action-button', 'aria-label': 'Copy message', type: 'button' }, 'Copy')),
        ),
      );
      thread.append(s);
      scrollRoot.scrollTop = scrollRoot.scrollHeight;
    },
    addAssistant(turn, n) {
      const s = section('assistant', n, turn.id);
      const { node, body } = assistantNode(turn.id);
      body.append(chatgptMarkdown(turn.text));
      s.append(el('div', { class: 'turn-inner' }, node, actionBar()));
      thread.append(s);
    },
    beginAssistant(n, pendingId) {
      const s = section('assistant', n, pendingId);
      const inner = el('div', { class: 'turn-inner' });
      if (cfg.script.thinking) {
        inner.append(el('div', { 'data-message-author-role': 'assistant', 'data-message-id': randomUuid(), class: 'thought' }, el('button', { type: 'button' }, 'Thought for 2s')));
      }
      // The message carries the request id until the server's id arrives.
      const { node, body } = assistantNode(pendingId);
      inner.append(node);
      s.append(inner);
      thread.append(s);
      return {
        update(markdown) {
          body.replaceChildren(chatgptMarkdown(markdown));
          scrollRoot.scrollTop = scrollRoot.scrollHeight;
        },
        confirm(id) {
          // Only the message gets the server id: the turn keeps its request-WEB:… id, as on real pages of April 2026.
          node.setAttribute('data-message-id', id);
        },
        finish() {
          inner.append(actionBar());
        },
      };
    },
  };
  return ui;
}

// ---------------------------------------------------------------- Octane (signed out, ~2026-08)

function hashed(name: string): string {
  return `_${name}_${(name.length * 7919).toString(36)}`;
}

function octane(root: HTMLElement, send: () => void, stop: () => void): GenerationUi {
  const thread = el('ol', { 'data-conversation-transcript': '', class: hashed('transcript') });
  const scroller = el('div', { class: hashed('scroller') }, thread);
  let composer: Composer | null = null;
  let submit: HTMLButtonElement | null = null;
  const main = el('main', { class: hashed('main') }, scroller);
  if (cfg.composer !== 'missing') {
    const textarea = el('textarea', { id: 'mobile-composer-prompt', name: 'prompt', placeholder: 'Ask anything', rows: '1', class: hashed('prompt') });
    submit = el('button', { type: 'submit', 'data-composer-submit': '', 'aria-label': 'Send', class: hashed('submit'), disabled: '' }, 'Send');
    const form = el('form', { 'data-mobile-composer': '', class: hashed('composer') }, el('div', { 'data-octane-lexical-host': '', 'aria-hidden': 'true', hidden: '' }), textarea, submit);
    main.append(form);
    // React keeps the value in state and only sees an `input` whose value differs from the one it last
    // set through the element's own `value` setter: setting `.value` alone does not count.
    const native = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!;
    let tracked = '';
    let state = '';
    Object.defineProperty(textarea, 'value', {
      configurable: true,
      get: () => native.get!.call(textarea),
      set: (value: string) => {
        tracked = String(value);
        native.set!.call(textarea, value);
      },
    });
    textarea.addEventListener('input', () => {
      const current = native.get!.call(textarea) as string;
      if (current === tracked) return;
      tracked = current;
      state = current;
      if (!streaming) ui.setMode(state.trim() ? 'text' : 'empty');
    });
    textarea.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (!streaming) send();
      }
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (streaming) stop();
      else send();
    });
    composer = {
      text: () => state,
      clear() {
        textarea.value = '';
        state = '';
      },
    };
  }
  root.append(
    el(
      'div',
      { class: `${hashed('shell')} octane-shell` },
      el('div', { class: `${hashed('drawer')} sidebar` }, sidebarLinks()),
      el('div', { class: `${hashed('column')} octane-column` }, el('header', { class: hashed('header') }, el('a', { href: '/' }, 'ChatGPT')), main),
    ),
  );

  const li = (role: Turn['role'], id: string) => el('li', { 'data-message-role': role, id, class: hashed(`msg-${role}`) });
  const ui: GenerationUi = {
    thread,
    composer,
    setMode(mode) {
      if (!submit) return;
      submit.toggleAttribute('data-stop-generating', mode === 'streaming');
      submit.setAttribute('aria-label', mode === 'streaming' ? 'Stop generating' : 'Send');
      submit.textContent = mode === 'streaming' ? 'Stop' : 'Send';
      submit.disabled = mode === 'empty';
    },
    setStreaming() {},
    addUser(turn) {
      const item = li('user', turn.id);
      item.append(el('p', { 'data-user-message-copy': '', class: hashed('user-copy') }, turn.text));
      thread.append(item);
    },
    addAssistant(turn) {
      const item = li('assistant', turn.id);
      item.setAttribute('data-message-complete', '');
      item.append(el('div', { 'data-assistant-markdown': '' }, chatgptMarkdown(turn.text)), el('div', { 'data-message-actions': '' }, el('button', { 'aria-label': 'Copy message', type: 'button' }, 'Copy')));
      thread.append(item);
    },
    beginAssistant(_n, pendingId) {
      const item = li('assistant', `pending-${pendingId}`);
      item.setAttribute('data-message-streaming', '');
      const body = el('div', { 'data-assistant-markdown': '' });
      item.append(body);
      thread.append(item);
      let finalId = '';
      return {
        update: (markdown) => body.replaceChildren(chatgptMarkdown(markdown)),
        confirm: (id) => {
          finalId = id;
        },
        finish() {
          // The pending id holds until the message completes.
          item.id = finalId || randomUuid();
          item.removeAttribute('data-message-streaming');
          item.setAttribute('data-message-complete', '');
          item.append(el('div', { 'data-message-actions': '' }, el('button', { 'aria-label': 'Copy message', type: 'button' }, 'Copy')));
        },
      };
    },
  };
  return ui;
}

// ---------------------------------------------------------------- thread (app shell, ~2026-09)

/**
 * The layout from about 2026-09-24: no #prompt-textarea, no author-role or message ids; one
 * `div[data-turn-key]` per prompt-and-answer pair, the user bubble `[data-user-message-bubble]`,
 * the answer under `h4[data-conversation-role="assistant"]` in `[data-markdown-text-style="assistant-message"]`.
 */
function threadShell(root: HTMLElement, send: () => void, stop: () => void): GenerationUi {
  const turns = el('div', { class: 'thread-turns flex flex-col' });
  const scroller = el('div', { class: 'thread-scroller flex-1 overflow-y-auto' }, turns);
  const controls = el('div', { class: 'composer-controls flex' });
  const surface = el('main', { 'data-app-shell-main-surface': '', class: 'flex min-w-0 flex-1 flex-col' }, scroller);
  let composer: Composer | null = null;
  if (cfg.composer !== 'missing') {
    const mount = el('div', { class: 'ProseMirror flex-1', 'data-composer-markdown': '', contenteditable: 'true', role: 'textbox', 'aria-multiline': 'true', 'aria-label': 'Chat with ChatGPT' });
    const form = el('form', { 'data-chatgpt-composer': '', 'data-composer-placement': 'thread', class: 'composer-form flex items-end' }, mount, controls);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      send();
    });
    surface.append(el('div', { class: 'composer-dock' }, form));
    composer = proseMirrorComposer(mount, () => ui, send);
  }
  root.append(
    el(
      'div',
      { class: 'flex h-svh w-screen app-shell' },
      el('aside', { 'data-app-shell-left-panel-appearance': 'expanded', class: 'sidebar' }, sidebarLinks()),
      surface,
    ),
  );
  const actionBar = () =>
    el(
      'div',
      { class: 'turn-actions flex', role: 'group', 'aria-label': 'Response actions' },
      el('button', { 'aria-label': 'Copy', type: 'button' }, 'Copy'),
      el('button', { 'aria-label': 'Good response', type: 'button' }, '+'),
    );
  const assistantRow = () => {
    const body = el('div', { 'data-markdown-text-style': 'assistant-message', class: 'markdown' });
    const row = el('div', { class: 'assistant-row' }, el('h4', { class: 'sr-only', 'data-conversation-role': 'assistant' }, 'ChatGPT said:'));
    if (cfg.script.thinking) row.append(el('div', { class: 'thinking-summary' }, el('button', { type: 'button', 'aria-expanded': 'false' }, 'Thought for 2s')));
    row.append(body);
    return { row, body };
  };
  // The pair's turn: opened by the prompt, the answer joins it.
  const lastTurn = () => (turns.lastElementChild as HTMLElement | null) ?? turns.appendChild(el('div', { 'data-turn-key': randomUuid(), class: 'turn' }));
  const ui: GenerationUi = {
    thread: turns,
    composer,
    setMode(mode) {
      controls.replaceChildren(
        mode === 'streaming'
          ? el('button', { 'aria-label': 'Stop', type: 'button' }, 'Stop')
          : mode === 'text'
            ? el('button', { 'aria-label': 'Send prompt', type: 'submit' }, 'Send')
            : el('button', { 'aria-label': 'Dictate', type: 'button' }, 'Mic'),
      );
      controls.querySelector('button[aria-label="Stop"]')?.addEventListener('click', stop);
    },
    setStreaming() {},
    addUser(t) {
      const node = el('div', { 'data-turn-key': t.id, class: 'turn' });
      node.append(el('div', { class: 'user-row' }, el('div', { 'data-user-message-bubble': '', class: 'user-bubble whitespace-pre-wrap' }, t.text)));
      turns.append(node);
      scroller.scrollTop = scroller.scrollHeight;
    },
    addAssistant(t) {
      const { row, body } = assistantRow();
      body.append(chatgptMarkdown(t.text));
      row.append(actionBar());
      lastTurn().append(row);
    },
    beginAssistant() {
      const { row, body } = assistantRow();
      lastTurn().append(row);
      return {
        update(markdown) {
          body.replaceChildren(chatgptMarkdown(markdown));
          scroller.scrollTop = scroller.scrollHeight;
        },
        confirm: () => undefined,
        finish: () => row.append(actionBar()),
      };
    },
  };
  return ui;
}

// ---------------------------------------------------------------- engine

const rootEl = document.getElementById('root')!;
// The app is built off-document and swapped in at hydration.
const staging = document.createElement('div');
let turnCount = 0;
const clientId = randomUuid();

const storeKey = (id: string) => `__mock-conversation:${id}`;
function storedTurns(id: string): Turn[] {
  if (!cfg.persist) return [];
  try {
    return JSON.parse(localStorage.getItem(storeKey(id)) ?? '[]') as Turn[];
  } catch {
    return [];
  }
}

function renderConversation(ui: GenerationUi): void {
  ui.thread.replaceChildren();
  turnCount = 0;
  const id = conversationIdFromPath(location.pathname, conversationPrefix);
  if (!id) return;
  for (const turn of [...conversationTurns(id, cfg.turns), ...storedTurns(id)]) {
    turnCount++;
    if (turn.role === 'user') ui.addUser(turn, turnCount);
    else ui.addAssistant(turn, turnCount);
  }
}

function send(): void {
  const composer = current.composer;
  if (!composer || streaming) return;
  const text = composer.text();
  if (!text.trim()) return;
  recordSent(text);
  composer.clear();
  turnCount++;
  const userTurn: Turn = { role: 'user', id: randomUuid(), text };
  current.addUser(userTurn, turnCount);
  if (!conversationIdFromPath(location.pathname, conversationPrefix)) {
    // A new chat: the URL first carries the client's request id, then the server's conversation id.
    const webPath = `${conversationPrefix}WEB:${clientId}`;
    history.pushState({}, '', webPath);
    window.setTimeout(() => {
      if (location.pathname === webPath) history.pushState({}, '', `${conversationPrefix}${randomUuid()}`);
    }, cfg.urlDelayMs);
  }
  turnCount++;
  const handle = current.beginAssistant(turnCount, `request-WEB:${clientId}-${turnCount}`);
  const messageId = randomUuid();
  streaming = true;
  current.setMode('streaming');
  current.setStreaming(true);
  const replyText = nextReply();
  stopStream = streamReply(replyText, cfg.script, {
    onChunk(soFar, index, total) {
      handle.update(soFar);
      if (index === Math.floor(total / 2)) handle.confirm(messageId);
    },
    onFinish() {
      handle.confirm(messageId);
      streaming = false;
      stopStream = null;
      current.setStreaming(false);
      current.setMode(current.composer?.text().trim() ? 'text' : 'empty');
      handle.finish();
      const id = conversationIdFromPath(location.pathname, conversationPrefix);
      if (cfg.persist && id) localStorage.setItem(storeKey(id), JSON.stringify([...storedTurns(id), userTurn, { role: 'assistant', id: messageId, text: replyText }]));
      window.__mock.repliesFinished++;
    },
  });
}

function stop(): void {
  stopStream?.();
}

const build = { classic, octane, thread: threadShell }[cfg.generation as 'classic'] ?? classic;
const current = build(staging, send, stop);
current.setMode('empty');
renderConversation(current);

function navigate(path: string): void {
  stop();
  history.pushState({}, '', path);
  renderConversation(current);
}
interceptLinks(rootEl, navigate);
window.addEventListener('popstate', () => renderConversation(current));

const api = installApi({
  site: 'chatgpt',
  generation: cfg.generation,
  editorText: () => current.composer?.text() ?? '',
  isStreaming: () => streaming,
  openConversation: (id) => navigate(`${conversationPrefix}${id}`),
  sidebarConversations: sidebar,
});
hydrate(rootEl, staging, () => {
  api.ready = true;
});

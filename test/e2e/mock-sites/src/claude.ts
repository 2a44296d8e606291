import { Editor, Extension } from '@tiptap/core';
import { Placeholder } from '@tiptap/extensions';
import StarterKit from '@tiptap/starter-kit';
import { renderMarkdown } from './markdown';
import { internalChange, strictInputPlugin } from './strict-input';
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
} from './shared';

/**
 * claude.ai in three DOM generations, one engine: a real Tiptap composer (plus the hidden duplicate
 * fieldset) in each, and the message list as the generation renders it:
 * - "flat" (real pages February–May 2026): every turn a `div[data-test-render-count]` in one column;
 *   the user message four single-child wrappers below a div that also holds the edit controls; the
 *   reply `div[data-is-streaming]` → `.font-claude-response` with a "Thought for Ns" block first and
 *   the answer's `.standard-markdown` last; `data-is-streaming` flips in place.
 * - "virtualized" (mid-2026): absolutely positioned `[role=feed] > [data-index]` rows that only exist
 *   near the viewport.
 * - "hub" (about October 2026): `[data-testid="transcript-row"]` rows, the reply
 *   `[data-testid="assistant-message"][data-cds="AssistantMessage"][data-is-streaming]`.
 * The scripted assistant's text comes from shared.ts; this file only renders it.
 */

interface Row {
  role: 'user' | 'assistant';
  text: string;
  /** Assistant rows: null until the streaming node mounts (the row shows up ~1 s earlier). */
  streaming: boolean | null;
  thinking: string | null;
  height: number;
  node: HTMLElement | null;
  /** Where a mounted streaming row's answer renders. */
  body: HTMLElement | null;
  /** Flat list: React's render count, shown on the row's wrapper. */
  renders: number;
}

/** How a generation puts rows on the page. */
interface Layout {
  scrollPort: HTMLElement;
  /** The chat column's content above the composer. */
  column: HTMLElement[];
  clear(): void;
  /** A row was added, or its state changed (streaming node mounted, finished). */
  render(index: number): void;
  /** Positions rows (virtualized) and keeps the view at the bottom. */
  stickToBottom(): void;
}

const cfg = config();
const generation = cfg.generation === 'virtualized' || cfg.generation === 'hub' ? cfg.generation : 'flat';
const prefix = '/chat/';
const sidebar = sidebarIds('claude');
const rows: Row[] = [];
let streaming = false;
let stopStream: (() => void) | null = null;
let pendingMount: number | undefined;

const root = document.getElementById('root')!;
// The app is built off-document and swapped in at hydration.
const staging = document.createElement('div');
const controls = el('div', { class: 'composer-controls flex' });
let editor: Editor | null = null;

// ---------------------------------------------------------------- message markup shared by generations

function thinkingBlock(row: Row): HTMLElement {
  // A collapsed "Thought for Ns" status comes before the answer; expanded thinking renders markdown too.
  const inner = el('div', { class: 'overflow-hidden min-w-0' });
  if (row.thinking) inner.append(el('div', { class: 'standard-markdown' }, renderMarkdown(row.thinking, 'claude')));
  return el(
    'div',
    { class: 'row-start-1 col-start-1 min-w-0' },
    el(
      'div',
      { class: 'min-w-0 pl-2 py-1.5' },
      el('div', { class: 'flex items-center gap-2' }, el('button', { class: 'group/status flex items-center gap-2', 'aria-expanded': row.thinking ? 'true' : 'false', type: 'button' }, el('span', { class: 'truncate text-sm' }, 'Thought for 2s'))),
      el('span', { class: 'sr-only', role: 'status', 'aria-live': 'polite' }, 'Thought for 2s'),
      el('div', { class: 'grid' }, inner),
    ),
  );
}

function answerBody(row: Row): HTMLElement {
  const body = el('div', { class: 'standard-markdown grid-cols-1 grid gap-3' }, renderMarkdown(row.text, 'claude'));
  row.body = body;
  return body;
}

function messageActions(role: Row['role'], toolbar = false): HTMLElement {
  const buttons =
    role === 'user'
      ? [el('button', { type: 'button', 'aria-label': 'Retry' }, 'Retry'), el('button', { type: 'button', 'aria-label': 'Edit' }, 'Edit'), el('button', { type: 'button', 'data-testid': 'action-bar-copy', 'aria-label': 'Copy' }, 'Copy')]
      : [
          el('button', { type: 'button', 'data-testid': 'action-bar-copy', 'aria-label': 'Copy' }, 'Copy'),
          el('button', { type: 'button', 'aria-label': 'Give positive feedback' }, '+'),
          el('button', { type: 'button', 'data-testid': 'action-bar-retry', 'aria-label': 'Retry' }, 'Retry'),
        ];
  return el('div', { class: 'message-actions flex', role: toolbar ? 'toolbar' : 'group', 'aria-label': 'Message actions' }, ...buttons);
}

function userMessage(row: Row): HTMLElement {
  return el('div', { 'data-testid': 'user-message', class: 'user-message font-user-message grid' }, ...row.text.split('\n').map((line) => el('p', { class: 'whitespace-pre-wrap break-words' }, line)));
}

// ---------------------------------------------------------------- flat list (real pages, February–May 2026)

function flatLayout(): Layout {
  const list = el('div', { class: 'flat-column flex-1 flex flex-col w-full' });
  const scrollPort = el(
    'div',
    { 'data-autoscroll-container': 'true', class: 'scroll-port flex-1 overflow-y-auto' },
    el('div', { class: 'relative w-full flex flex-col' }, el('div', { class: 'flat-thread flex w-full flex-1 flex-col' }, list, el('div', { 'aria-hidden': 'true', class: 'h-px w-full pointer-events-none' }))),
  );
  const content = (row: Row): HTMLElement => {
    if (row.role === 'user') {
      return el(
        'div',
        { class: 'mb-1 mt-6 group' },
        el(
          'div',
          { class: 'flex flex-col items-end gap-1' },
          // Four single-child wrappers: the message's nearest box with more than one child holds the controls too.
          el('div', { class: 'group relative inline-flex user-bubble-flat' }, el('div', { class: 'flex flex-row relative' }, el('div', { class: 'flex-1' }, userMessage(row)))),
          messageActions('user'),
        ),
      );
    }
    const group = el('div', { class: 'group' });
    if (row.streaming === null) return group;
    const response = el(
      'div',
      { class: 'font-claude-response relative' },
      el(
        'div',
        {},
        el('div', { class: 'grid min-w-0' }, thinkingBlock(row), el('div', { class: 'row-start-2 col-start-1 relative grid min-w-0' }, el('div', { class: 'relative min-w-0' }, el('div', {}, answerBody(row))))),
      ),
    );
    group.append(el('div', { class: 'contents' }, el('div', { 'data-is-streaming': String(row.streaming), class: 'group relative pb-3' }, response)));
    if (row.streaming === false) group.append(messageActions('assistant'));
    return group;
  };
  return {
    scrollPort,
    column: [scrollPort],
    clear: () => list.replaceChildren(),
    render(index) {
      const row = rows[index]!;
      row.renders++;
      const streamingNode = row.node?.querySelector('[data-is-streaming]');
      if (row.node && streamingNode && row.streaming === false) {
        // The reply's node stays; only its flag flips and the action bar appears.
        streamingNode.setAttribute('data-is-streaming', 'false');
        row.node.firstElementChild!.append(messageActions('assistant'));
      } else {
        const node = el('div', { 'data-test-render-count': String(row.renders) }, content(row));
        if (row.node) row.node.replaceWith(node);
        else list.append(node);
        row.node = node;
      }
      row.node.setAttribute('data-test-render-count', String(row.renders));
    },
    stickToBottom: () => {
      scrollPort.scrollTop = scrollPort.scrollHeight;
    },
  };
}

// ---------------------------------------------------------------- hub (about October 2026)

function hubLayout(): Layout {
  const list = el('div', { 'data-testid': 'transcript-list', class: 'transcript-list flex flex-col w-full' });
  const scrollPort = el('div', { 'data-autoscroll-container': 'true', class: 'scroll-port flex-1 overflow-y-auto' }, list);
  const content = (row: Row): HTMLElement[] => {
    if (row.role === 'user') return [el('div', { class: 'row-inner flex flex-col items-end' }, el('div', { class: 'hub-bubble' }, userMessage(row)), messageActions('user'))];
    if (row.streaming === null) return [];
    const message = el(
      'div',
      { 'data-testid': 'assistant-message', 'data-cds': 'AssistantMessage', 'data-is-streaming': String(row.streaming), class: 'assistant-message' },
      el('div', { class: 'hub-thinking' }, el('button', { type: 'button', 'aria-expanded': 'false' }, 'Thought for 2s')),
      answerBody(row),
    );
    return row.streaming === false ? [message, messageActions('assistant', true)] : [message];
  };
  return {
    scrollPort,
    column: [el('div', { 'data-testid': 'chat-column', class: 'chat-column-hub flex min-h-0 flex-1 flex-col' }, scrollPort)],
    clear: () => list.replaceChildren(),
    render(index) {
      const row = rows[index]!;
      const message = row.node?.querySelector('[data-testid="assistant-message"]');
      if (row.node && message && row.streaming === false) {
        message.setAttribute('data-is-streaming', 'false');
        row.node.append(messageActions('assistant', true));
        return;
      }
      const node = el('div', { 'data-testid': 'transcript-row', class: 'transcript-row' }, ...content(row));
      if (row.node) row.node.replaceWith(node);
      else list.append(node);
      row.node = node;
    },
    stickToBottom: () => {
      scrollPort.scrollTop = scrollPort.scrollHeight;
    },
  };
}

// ---------------------------------------------------------------- virtualized feed (mid-2026)

function virtualizedLayout(): Layout {
  const overscan = 600;
  const feed = el('div', { role: 'feed', 'aria-busy': 'false', class: 'feed' });
  const scrollPort = el('div', { 'data-autoscroll-container': '', class: 'scroll-port flex-1 overflow-y-auto' }, feed);

  const actionBar = () =>
    el(
      'div',
      { 'data-message-action-bar': '', class: 'action-bar' },
      el('div', { role: 'toolbar', 'aria-label': 'Message actions' }, el('button', { 'aria-label': 'Copy', type: 'button' }, 'Copy'), el('button', { 'aria-label': 'Retry', type: 'button' }, 'Retry')),
    );
  const answerNode = (row: Row): HTMLElement => {
    const response = el('div', { class: 'font-claude-response relative' });
    if (row.thinking) {
      response.append(el('div', { 'data-timeline-text': '', class: 'thinking' }, el('div', { class: 'standard-markdown' }, renderMarkdown(row.thinking, 'claude'))));
    }
    response.append(answerBody(row));
    return el('div', { 'data-is-streaming': String(row.streaming), class: 'group relative' }, response);
  };
  const rowContent = (row: Row): HTMLElement => {
    const article = el('div', { role: 'article', class: 'message' });
    if (row.role === 'user') article.append(el('span', { class: 'sr-only' }, 'You said:'), userMessage(row));
    else if (row.streaming !== null) {
      article.append(answerNode(row));
      if (row.streaming === false) article.append(actionBar());
    }
    return article;
  };

  const resizes = new ResizeObserver(() => layout());
  const mount = (index: number): HTMLElement => {
    const row = rows[index]!;
    const node = el('div', { 'data-index': String(index), class: 'feed-row' }, rowContent(row));
    row.node = node;
    feed.append(node);
    resizes.observe(node);
    return node;
  };
  const unmount = (row: Row): void => {
    if (!row.node) return;
    resizes.unobserve(row.node);
    row.node.remove();
    row.node = null;
    row.body = null;
  };

  let laying = false;
  /** Measures mounted rows, positions every row and mounts only those near the viewport. */
  function layout(): void {
    if (laying) return;
    laying = true;
    for (const row of rows) if (row.node) row.height = row.node.offsetHeight || row.height;
    const top = scrollPort.scrollTop - overscan;
    const bottom = scrollPort.scrollTop + scrollPort.clientHeight + overscan;
    let offset = 0;
    rows.forEach((row, index) => {
      const visible = offset + row.height >= top && offset <= bottom;
      if (visible && !row.node) {
        mount(index);
        row.height = row.node!.offsetHeight || row.height;
      } else if (!visible && row.node) unmount(row);
      if (row.node) row.node.style.transform = `translateY(${offset}px)`;
      offset += row.height;
    });
    feed.style.height = `${offset}px`;
    feed.setAttribute('aria-busy', String(streaming));
    laying = false;
  }
  scrollPort.addEventListener('scroll', () => layout(), { passive: true });

  return {
    scrollPort,
    column: [scrollPort],
    clear() {
      for (const row of rows) unmount(row);
    },
    render(index) {
      const row = rows[index]!;
      if (row.node) row.node.replaceChildren(rowContent(row));
    },
    stickToBottom() {
      // Measured heights replace estimates as rows mount, so settle in a few rounds.
      for (let round = 0; round < 6; round++) {
        layout();
        const target = scrollPort.scrollHeight - scrollPort.clientHeight;
        if (Math.abs(scrollPort.scrollTop - target) < 1 && round > 0) break;
        scrollPort.scrollTop = target;
      }
      layout();
    },
  };
}

const view = generation === 'virtualized' ? virtualizedLayout() : generation === 'hub' ? hubLayout() : flatLayout();
const stickToBottom = () => view.stickToBottom();

const chatColumn = el(
  'div',
  { class: 'chat-column flex min-w-0 flex-1 flex-col' },
  generation === 'hub'
    ? el('div', { 'data-testid': 'chat-header', class: 'page-header' }, el('span', { class: 'title' }, 'Claude'))
    : el('header', { 'data-testid': 'page-header', class: 'page-header' }, el('span', { class: 'title' }, 'Claude')),
  ...view.column,
);

if (cfg.composer !== 'missing') {
  // Claude renders a second, invisible copy of the composer (measuring); it must not be written into.
  const ghost = el(
    'fieldset',
    { class: 'opacity-0 absolute pointer-events-none', 'aria-hidden': 'true' },
    el('div', { class: 'tiptap ProseMirror', contenteditable: 'true', role: 'textbox', 'data-testid': 'chat-input', 'aria-label': 'Write your prompt to Claude' }, el('p', { class: 'is-empty', 'data-placeholder': 'How can I help you today?' })),
  );
  const mount = el('div', { class: 'editor-mount' });
  const fieldset = el('fieldset', { class: 'composer-fieldset flex flex-col' }, mount, controls);
  chatColumn.append(el('div', { class: 'composer-dock' }, el('div', { 'data-chat-input-container': 'true', class: 'relative' }, ghost, fieldset)));
  const submitOnEnter = Extension.create({
    name: 'mockSubmitOnEnter',
    addProseMirrorPlugins: () => [strictInputPlugin()],
    addKeyboardShortcuts() {
      return {
        // Enter never inserts a line: it sends, or does nothing while a reply streams.
        Enter: () => {
          if (!streaming) send();
          return true;
        },
      };
    },
  });
  editor = new Editor({
    element: mount,
    extensions: [StarterKit, Placeholder.configure({ placeholder: 'How can I help you today?' }), submitOnEnter],
    editorProps: {
      attributes: {
        role: 'textbox',
        'data-testid': 'chat-input',
        'aria-label': 'Write your prompt to Claude',
        'aria-multiline': 'true',
        class: 'composer-editor',
      },
    },
    onUpdate: () => setControls(),
  });
}

staging.append(
  el(
    'div',
    { class: 'flex h-svh w-screen claude-root' },
    generation === 'hub'
      ? el('aside', { class: 'dframe-sidebar sidebar' }, el('nav', { 'aria-label': 'Sidebar' }, ...sidebarLinks()))
      : el('nav', { 'aria-label': 'Sidebar', class: 'sidebar' }, ...sidebarLinks()),
    el(
      'main',
      { class: generation === 'hub' ? 'dframe-content flex min-w-0 flex-1' : 'flex min-w-0 flex-1' },
      chatColumn,
      el('div', { role: 'separator', 'aria-orientation': 'vertical', class: 'resize-handle' }),
      el('div', { class: 'artifact-slot', inert: '' }),
    ),
  ),
);

function sidebarLinks(): HTMLElement[] {
  return [el('a', { href: '/new' }, 'New chat'), ...sidebar.map((id, i) => el('a', { href: `${prefix}${id}` }, `Invented chat ${i + 1}`))];
}

function editorText(): string {
  return editor?.getText({ blockSeparator: '\n' }) ?? '';
}

function setControls(): void {
  if (streaming) {
    const stopButton = el('button', { 'aria-label': 'Stop response', type: 'button' }, 'Stop');
    stopButton.addEventListener('click', () => stopStream?.());
    controls.replaceChildren(stopButton);
  } else if (editorText().trim()) {
    const sendButton = el('button', { 'aria-label': 'Send message', type: 'button' }, 'Send');
    sendButton.addEventListener('click', send);
    controls.replaceChildren(sendButton);
  } else {
    controls.replaceChildren();
  }
}

function addRow(role: Row['role'], text: string, streamingState: boolean | null): number {
  rows.push({ role, text, streaming: streamingState, thinking: null, height: 140, node: null, body: null, renders: 0 });
  const index = rows.length - 1;
  if (generation !== 'virtualized') view.render(index);
  return index;
}

function renderConversation(): void {
  view.clear();
  rows.length = 0;
  const id = conversationIdFromPath(location.pathname, prefix);
  if (id) for (const turn of conversationTurns(id, cfg.turns)) addRow(turn.role, turn.text, turn.role === 'assistant' ? false : null);
  document.title = id ? `Invented chat ${id.slice(0, 4)} - Claude` : 'Claude';
  stickToBottom();
}

// ---------------------------------------------------------------- sending

function send(): void {
  if (!editor || streaming) return;
  const text = editorText();
  if (!text.trim()) return;
  recordSent(text);
  editor.chain().setMeta(internalChange, true).clearContent(true).run();
  addRow('user', text, null);
  const index = addRow('assistant', '', null);
  if (!conversationIdFromPath(location.pathname, prefix)) {
    const startedAt = location.pathname;
    window.setTimeout(() => {
      if (location.pathname === startedAt) history.pushState({}, '', `${prefix}${randomUuid()}`);
    }, cfg.urlDelayMs);
  }
  streaming = true;
  setControls();
  stickToBottom();
  const row = rows[index]!;
  const reply = nextReply();
  // The row is there before the streaming node mounts.
  pendingMount = window.setTimeout(() => {
    row.streaming = true;
    if (cfg.script.thinking) row.thinking = 'Considering what the person asked for.';
    view.render(index);
    stickToBottom();
    stopStream = streamReply(reply, { ...cfg.script, firstChunkDelayMs: 0 }, {
      onChunk(soFar) {
        row.text = soFar;
        if (row.body) row.body.replaceChildren(renderMarkdown(soFar, 'claude'));
        stickToBottom();
      },
      onFinish(full) {
        row.text = full;
        row.streaming = false;
        // The last chunk lands and the reply is marked final in the same render, as on the site.
        if (row.body) row.body.replaceChildren(renderMarkdown(full, 'claude'));
        view.render(index);
        streaming = false;
        stopStream = null;
        setControls();
        stickToBottom();
        window.__mock.repliesFinished++;
      },
    });
  }, cfg.script.rowLeadMs);
}

function navigate(path: string): void {
  window.clearTimeout(pendingMount);
  stopStream?.();
  streaming = false;
  history.pushState({}, '', path);
  renderConversation();
  setControls();
}

interceptLinks(root, navigate);
window.addEventListener('popstate', () => renderConversation());
setControls();
renderConversation();

const api = installApi({
  site: 'claude',
  generation: cfg.generation,
  editorText,
  isStreaming: () => streaming,
  openConversation: (id) => navigate(`${prefix}${id}`),
  sidebarConversations: sidebar,
});
hydrate(root, staging, () => {
  stickToBottom();
  api.ready = true;
});

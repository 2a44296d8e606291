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
 * claude.ai, 2026: a real Tiptap composer (plus the hidden duplicate fieldset) and a virtualized
 * message list whose rows are absolutely positioned and only exist near the viewport.
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
}

const cfg = config();
const prefix = '/chat/';
const sidebar = sidebarIds('claude');
const rows: Row[] = [];
let streaming = false;
let stopStream: (() => void) | null = null;
let pendingMount: number | undefined;
const overscan = 600;
const estimatedHeight = 140;

const root = document.getElementById('root')!;
// The app is built off-document and swapped in at hydration.
const staging = document.createElement('div');
const feed = el('div', { role: 'feed', 'aria-busy': 'false', class: 'feed' });
const scrollPort = el('div', { 'data-autoscroll-container': '', class: 'scroll-port flex-1 overflow-y-auto' }, feed);
const controls = el('div', { class: 'composer-controls flex' });
let editor: Editor | null = null;

const chatColumn = el(
  'div',
  { class: 'chat-column flex min-w-0 flex-1 flex-col' },
  el('header', { 'data-testid': 'page-header', class: 'page-header' }, el('span', { class: 'title' }, 'Claude')),
  scrollPort,
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
  chatColumn.append(el('div', { class: 'composer-dock' }, el('div', { 'data-chat-input-container': '', class: 'relative' }, ghost, fieldset)));
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
    el('nav', { 'aria-label': 'Sidebar', class: 'sidebar' }, el('a', { href: '/new' }, 'New chat'), ...sidebar.map((id, i) => el('a', { href: `${prefix}${id}` }, `Invented chat ${i + 1}`))),
    el(
      'main',
      { class: 'flex min-w-0 flex-1' },
      chatColumn,
      el('div', { role: 'separator', 'aria-orientation': 'vertical', class: 'resize-handle' }),
      el('div', { class: 'artifact-slot', inert: '' }),
    ),
  ),
);

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

// ---------------------------------------------------------------- rows

function answerNode(row: Row): HTMLElement {
  const response = el('div', { class: 'font-claude-response relative' });
  if (row.thinking) {
    response.append(el('div', { 'data-timeline-text': '', class: 'thinking' }, el('div', { class: 'standard-markdown' }, renderMarkdown(row.thinking, 'claude'))));
  }
  const body = el('div', { class: 'standard-markdown' }, renderMarkdown(row.text, 'claude'));
  row.body = body;
  response.append(body);
  return el('div', { 'data-is-streaming': String(row.streaming), class: 'group relative' }, response);
}

function actionBar(): HTMLElement {
  return el(
    'div',
    { 'data-message-action-bar': '', class: 'action-bar' },
    el('div', { role: 'toolbar', 'aria-label': 'Message actions' }, el('button', { 'aria-label': 'Copy', type: 'button' }, 'Copy'), el('button', { 'aria-label': 'Retry', type: 'button' }, 'Retry')),
  );
}

function rowContent(row: Row): HTMLElement {
  const article = el('div', { role: 'article', class: 'message' });
  if (row.role === 'user') {
    article.append(
      el('span', { class: 'sr-only' }, 'You said:'),
      el('div', { 'data-testid': 'user-message', class: 'user-message' }, ...row.text.split('\n').map((line) => el('p', { class: 'whitespace-pre-wrap break-words' }, line))),
    );
  } else if (row.streaming !== null) {
    article.append(answerNode(row));
    if (row.streaming === false) article.append(actionBar());
  }
  return article;
}

const resizes = new ResizeObserver(() => layout());

function mount(index: number): HTMLElement {
  const row = rows[index]!;
  const node = el('div', { 'data-index': String(index), class: 'feed-row' }, rowContent(row));
  row.node = node;
  feed.append(node);
  resizes.observe(node);
  return node;
}

function unmount(row: Row): void {
  if (!row.node) return;
  resizes.unobserve(row.node);
  row.node.remove();
  row.node = null;
  row.body = null;
}

function rerender(index: number): void {
  const row = rows[index]!;
  if (row.node) row.node.replaceChildren(rowContent(row));
}

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
  laying = false;
}

scrollPort.addEventListener('scroll', () => layout(), { passive: true });

function stickToBottom(): void {
  // Measured heights replace estimates as rows mount, so settle in a few rounds.
  for (let round = 0; round < 6; round++) {
    layout();
    const target = scrollPort.scrollHeight - scrollPort.clientHeight;
    if (Math.abs(scrollPort.scrollTop - target) < 1 && round > 0) break;
    scrollPort.scrollTop = target;
  }
  layout();
}

function addRow(role: Row['role'], text: string, streamingState: boolean | null): number {
  rows.push({ role, text, streaming: streamingState, thinking: null, height: estimatedHeight, node: null, body: null });
  return rows.length - 1;
}

function renderConversation(): void {
  for (const row of rows) unmount(row);
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
  feed.setAttribute('aria-busy', 'true');
  setControls();
  stickToBottom();
  const row = rows[index]!;
  const reply = nextReply();
  // The row is there before the streaming node mounts.
  pendingMount = window.setTimeout(() => {
    row.streaming = true;
    if (cfg.script.thinking) row.thinking = 'Considering what the person asked for.';
    rerender(index);
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
        rerender(index);
        streaming = false;
        stopStream = null;
        feed.setAttribute('aria-busy', 'false');
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

import type { AssistantScript, MockApi, MockPageConfig } from '../config';
import { protocolReply } from './assistant-script';

declare global {
  interface Window {
    __MOCK_CONFIG__: MockPageConfig;
    __mock: MockApi;
  }
}

export const defaultReply = [
  '## Release checklist',
  '',
  'Here is a short plan for the **quarterly release**, with the pieces you asked for.',
  '',
  '- Freeze the branch on Monday',
  '- Run the `smoke` suite twice',
  '- Tell the support desk',
  '',
  '```python',
  'def ready(checks):',
  '    return all(check.passed for check in checks)',
  '```',
  '',
  '| Stage | Owner | Days |',
  '| --- | --- | --- |',
  '| Freeze | Priya | 1 |',
  '| Verify | Tomasz | 2 |',
  '',
  'Reply when the freeze is done.',
].join('\n');

export function config(): MockPageConfig {
  return window.__MOCK_CONFIG__;
}

export function scriptWithDefaults(script: AssistantScript): Required<AssistantScript> {
  return {
    replies: script.replies?.length ? script.replies : [defaultReply],
    chunks: Math.max(1, script.chunks ?? 12),
    intervalMs: script.intervalMs ?? 25,
    firstChunkDelayMs: script.firstChunkDelayMs ?? 60,
    rowLeadMs: script.rowLeadMs ?? 300,
    settleMs: script.settleMs ?? 40,
    thinking: script.thinking ?? false,
    protocol: script.protocol ?? false,
    approveInText: script.approveInText ?? false,
  };
}

/** Deterministic uuid-shaped id, so a conversation URL renders the same messages every time. */
export function fakeUuid(seed: string): string {
  let hex = '';
  let h = 0x811c9dc5;
  for (let round = 0; hex.length < 32; round++) {
    for (const ch of `${seed}#${round}`) {
      h ^= ch.charCodeAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    hex += h.toString(16).padStart(8, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function randomUuid(): string {
  return crypto.randomUUID();
}

export interface Turn {
  role: 'user' | 'assistant';
  id: string;
  text: string;
}

/** The messages of an existing conversation, invented from its id. */
export function conversationTurns(conversationId: string, pairs: number): Turn[] {
  const turns: Turn[] = [];
  const topic = conversationId.slice(0, 4);
  for (let i = 0; i < pairs; i++) {
    turns.push({ role: 'user', id: fakeUuid(`${conversationId}:u${i}`), text: `Question ${i + 1} about topic ${topic}?` });
    turns.push({
      role: 'assistant',
      id: fakeUuid(`${conversationId}:a${i}`),
      text: `Answer ${i + 1} on topic ${topic}.\n\n- first point of answer ${i + 1}\n- second point with \`code\``,
    });
  }
  return turns;
}

export function sidebarIds(site: string): string[] {
  return [1, 2, 3].map((n) => fakeUuid(`${site}-sidebar-${n}`));
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** Splits a reply into `count` chunks of roughly equal size, the way tokens arrive. */
export function chunk(text: string, count: number): string[] {
  const size = Math.ceil(text.length / count);
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(0, i + size));
  return parts.length ? parts : [''];
}

export interface StreamHandlers {
  /** The reply so far (Markdown, growing) and the chunk index. */
  onChunk(soFar: string, index: number, total: number): void;
  onFinish(full: string): void;
}

/** Streams one reply on timers. Returns a function that stops it early (the Stop button). */
export function streamReply(reply: string, script: Required<AssistantScript>, handlers: StreamHandlers): () => void {
  const parts = chunk(reply, script.chunks);
  let timer: number | undefined;
  let stopped = false;
  let index = 0;
  const finish = (text: string) => {
    timer = window.setTimeout(() => handlers.onFinish(text), script.settleMs);
  };
  const step = () => {
    if (stopped) return;
    const part = parts[index]!;
    handlers.onChunk(part, index, parts.length);
    index++;
    if (index < parts.length) timer = window.setTimeout(step, script.intervalMs);
    else finish(part);
  };
  timer = window.setTimeout(step, script.firstChunkDelayMs);
  return () => {
    if (stopped) return;
    stopped = true;
    window.clearTimeout(timer);
    handlers.onFinish(parts[Math.max(0, index - 1)] ?? '');
  };
}

/** Installs `window.__mock`; the site fills in what it knows. */
export function installApi(api: Omit<MockApi, 'sentMessages' | 'lastSent' | 'repliesFinished' | 'setScript' | 'ready'>): MockApi {
  const full: MockApi = {
    ...api,
    ready: false,
    sentMessages: [],
    lastSent: null,
    repliesFinished: 0,
    setScript(script) {
      window.__MOCK_CONFIG__.script = scriptWithDefaults({ ...window.__MOCK_CONFIG__.script, ...script });
    },
  };
  window.__mock = full;
  return full;
}

export function recordSent(text: string): void {
  window.__mock.sentMessages.push(text);
  window.__mock.lastSent = text;
}

let replyCount = 0;
export function nextReply(): string {
  const { replies, protocol, approveInText } = config().script;
  const scripted = protocol ? protocolReply(window.__mock.sentMessages, { approveInText }) : null;
  if (scripted !== null) return scripted;
  const reply = replies[Math.min(replyCount, replies.length - 1)]!;
  replyCount++;
  return reply;
}

/** The path of a conversation page, and the id in a path (null for a new chat). */
export function conversationIdFromPath(pathname: string, prefix: string): string | null {
  if (!pathname.startsWith(prefix)) return null;
  const id = pathname.slice(prefix.length).split('/')[0] ?? '';
  return id && !id.startsWith('WEB:') ? id : null;
}

/** Sidebar links navigate inside the app, as the sites' routers do. */
export function interceptLinks(root: HTMLElement, navigate: (path: string) => void): void {
  root.addEventListener('click', (event) => {
    const link = (event.target as Element).closest('a[href^="/"]');
    if (!link) return;
    event.preventDefault();
    navigate(link.getAttribute('href')!);
  });
}

/** Swaps the server-rendered shell in `root` for the app built in `staged`, after the configured delay. */
export function hydrate(root: HTMLElement, staged: HTMLElement, done: () => void): void {
  const swap = () => {
    root.replaceChildren(...staged.childNodes);
    done();
  };
  if (config().hydrateDelayMs > 0) window.setTimeout(swap, config().hydrateDelayMs);
  else swap();
}

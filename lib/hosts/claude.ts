import {
  anyOf,
  buildHealth,
  firstMatch,
  isRendered,
  normalizeText,
  shortHash,
  turnsFromEnd,
  type HostAdapter,
  type PanelLayout,
} from './adapter';
import { claudeSelectors as S } from './claude-selectors';
import type { ConversationIdentity, HostMessage } from './types';

type Found = HostMessage & { pending: boolean };

const turnSelector = anyOf(S.turn);

export function claudeConversationFromUrl(input: string | URL): ConversationIdentity {
  const url = typeof input === 'string' ? new URL(input, 'https://claude.ai/') : input;
  const site = 'claude' as const;
  if (url.searchParams.has('incognito')) return { site, id: null, kind: 'temporary' };
  const [head, id] = url.pathname.split('/').filter(Boolean);
  if (head === 'chat' && id) return { site, id, kind: 'conversation' };
  if (head === 'project' && id) return { site, id: null, kind: 'project' };
  if (head === 'new' || head === undefined) return { site, id: null, kind: 'new' };
  return { site, id: null, kind: 'other' };
}

function detectGeneration(doc: Document): string | null {
  return firstMatch(doc, S.generation)?.entry.generation ?? null;
}

function findComposerMatch(doc: Document) {
  // Since late 2025 a hidden duplicate fieldset (.opacity-0) holds a second editor: take the visible one.
  return firstMatch<HTMLElement>(doc, S.composer, (el) => isRendered(el));
}

function assistantBody(message: Element): Element | null {
  const answers = [...message.querySelectorAll('.standard-markdown')].filter((el) => !el.closest(S.thinking));
  const answer = answers.at(-1);
  if (answer) return answer;
  for (const entry of S.assistantBody.slice(1)) {
    const el = message.matches(entry.selector) ? message : message.querySelector(entry.selector);
    if (el) return el;
  }
  return null;
}

/**
 * Claude renders no message id. The key is (conversation, row index, hash of the final text): the
 * same reply re-rendered or recycled by the virtualizer gets the same key; a regenerated reply in
 * the same row gets a new one.
 */
function messageOfTurn(turn: Element, position: number, conversationId: string | null): Found | null {
  const index = turn.getAttribute('data-index') ?? String(position);
  const user = turn.matches(S.userMessage) ? turn : turn.querySelector(S.userMessage);
  if (user) {
    const text = normalizeText(user.textContent ?? '');
    return { role: 'user', key: `${conversationId ?? 'new'}:${index}:u:${shortHash(text)}`, element: user, pending: false };
  }
  const assistant = turn.matches(S.assistantMessage) ? turn : turn.querySelector(S.assistantMessage);
  if (!assistant) return null;
  const streamingNode = assistant.closest('[data-is-streaming]') ?? assistant.querySelector('[data-is-streaming]');
  const pending = streamingNode?.getAttribute('data-is-streaming') === 'true';
  const body = assistantBody(assistant);
  const text = normalizeText(body?.textContent ?? '');
  return { role: 'assistant', key: `${conversationId ?? 'new'}:${index}:a:${shortHash(text)}`, element: assistant, pending };
}

function turnsOf(doc: Document) {
  for (const entry of S.turn) {
    const turns = [...doc.querySelectorAll(entry.selector)];
    if (turns.length > 0) return { turns, entry };
  }
  return null;
}

function listMessages(doc: Document, conversationId: string | null): HostMessage[] {
  const found = turnsOf(doc);
  if (!found) return [];
  const out: HostMessage[] = [];
  found.turns.forEach((turn, position) => {
    const message = messageOfTurn(turn, position, conversationId);
    if (message && !message.pending) out.push({ role: message.role, key: message.key, element: message.element });
  });
  return out;
}

function lastAssistant(doc: Document, conversationId: string | null): Found | null {
  let steps = 0;
  for (const turn of turnsFromEnd(doc, turnSelector)) {
    // Without data-index the position is only known by counting, which a flat list allows cheaply.
    const position = turn.hasAttribute('data-index') ? 0 : positionOf(doc, turn);
    const message = messageOfTurn(turn, position, conversationId);
    if (message?.role === 'assistant') return message;
    if (message?.role === 'user' || ++steps > 6) return null;
  }
  return null;
}

function positionOf(doc: Document, turn: Element): number {
  return [...doc.querySelectorAll(turnSelector)].indexOf(turn);
}

function isMarkedComplete(message: Element): boolean {
  const streamingNode = message.closest('[data-is-streaming]') ?? message.querySelector('[data-is-streaming]');
  if (streamingNode?.getAttribute('data-is-streaming') === 'false') return true;
  const row = message.closest('[data-index]') ?? message;
  return !!row.querySelector(anyOf(S.complete));
}

function layoutCss({ side, width }: PanelLayout): string {
  // Claude's shell is sized to the root element; narrowing <html> keeps the chat column, the
  // composer and the artifact slot beside the panel. Its sidebar is fixed to the left edge.
  const margin = side === 'right' ? '' : ` margin-left: ${width}px !important;`;
  return [
    `html { width: calc(100% - ${width}px) !important;${margin} }`,
    `.w-screen { width: calc(100vw - ${width}px) !important; }`,
    `.max-w-screen { max-width: calc(100vw - ${width}px) !important; }`,
  ].join('\n');
}

export const claudeAdapter: HostAdapter = {
  site: 'claude',
  newChatPath: '/new',
  conversationFromUrl: claudeConversationFromUrl,
  detectGeneration,
  findComposer: (doc) => findComposerMatch(doc)?.element ?? null,
  findSendButton: (doc) =>
    firstMatch<HTMLButtonElement>(doc, S.sendButton, (b) => !b.disabled && b.getAttribute('aria-disabled') !== 'true')?.element ?? null,
  listMessages,
  lastAssistant,
  assistantBody,
  isMarkedComplete,
  // One selector at a time: see chatgpt.ts, a selector list is several times slower on a long page.
  isStreaming: (doc) => firstMatch(doc, S.streaming) !== null,
  streamingSignal: (doc) => firstMatch(doc, S.streaming)?.element ?? null,
  health(doc, url) {
    const identity = claudeConversationFromUrl(url);
    return buildHealth(
      'claude',
      detectGeneration(doc),
      {
        composer: findComposerMatch(doc)?.entry ?? null,
        messages: firstMatch(doc, S.turn)?.entry ?? null,
        messagesExpected: identity.kind === 'conversation',
        streaming: firstMatch(doc, S.streaming)?.entry ?? firstMatch(doc, S.streamingAnchor)?.entry ?? null,
        sendButton: firstMatch(doc, S.sendButton)?.entry ?? null,
      },
      identity.id,
    );
  },
  layoutCss,
};

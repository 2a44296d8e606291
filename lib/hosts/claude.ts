import { anyOf, cascadeParts, CascadeHint, firstMatch, normalizeText, shortHash, follows, inDocumentOrder, type HostAdapter, type PanelLayout } from './adapter';
import { claudeSelectors as S } from './claude-selectors';
import type { ConversationIdentity, HostMessage } from './types';

type Found = HostMessage & { pending: boolean };


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

function assistantBody(message: Element): Element | null {
  // The answer is the last markdown block that is not thinking: a "Thought for Ns" block comes
  // first in the same response, and the virtualized generation puts expanded thinking in a timeline.
  const blocks = message.querySelectorAll(S.answerMarkdown);
  for (let i = blocks.length - 1; i >= 0; i--) {
    const block = blocks[i]!;
    if (!block.closest(S.thinking)) return block;
  }
  for (const entry of S.assistantBody) {
    const el = message.matches(entry.selector) ? message : message.querySelector(entry.selector);
    if (el) return el;
  }
  return null;
}

/** The role nodes of the first assistant cascade entry that matches anything (one generation's). */
const replyHint = new CascadeHint();

function assistantSelector(doc: Document): string | null {
  for (const entry of replyHint.order(doc, S.assistantMessage)) {
    const found = doc.querySelector(entry.selector);
    if (found) {
      replyHint.remember(doc, entry, found);
      return entry.selector;
    }
  }
  return null;
}

const userSelector = S.userMessage[0].selector;

/**
 * Claude renders no message id. The key is (conversation, position, hash of the final text): the
 * same reply re-rendered or recycled by the virtualizer gets the same key; a regenerated reply in
 * the same place gets a new one. The position is the virtualized row's `data-index` (the row knows
 * its place in the whole conversation), else the message's place among the role nodes on the page.
 */
function messageOf(element: Element, role: HostMessage['role'], position: number, conversationId: string | null): Found {
  const index = element.closest(S.row)?.getAttribute('data-index') ?? String(position);
  if (role === 'user') {
    const text = normalizeText(element.textContent ?? '');
    return { role, key: `${conversationId ?? 'new'}:${index}:u:${shortHash(text)}`, element, pending: false };
  }
  const streamingNode = element.closest('[data-is-streaming]') ?? element.querySelector('[data-is-streaming]');
  const pending = streamingNode?.getAttribute('data-is-streaming') === 'true';
  const text = normalizeText(assistantBody(element)?.textContent ?? '');
  return { role, key: `${conversationId ?? 'new'}:${index}:a:${shortHash(text)}`, element, pending };
}

/** User and assistant messages in document order (pending ones included, flagged). */
function roleNodes(doc: Document, conversationId: string | null): Found[] {
  const assistant = assistantSelector(doc);
  const selectors = assistant ? [userSelector, assistant] : [userSelector];
  return inDocumentOrder(doc, selectors).map((el, position) => messageOf(el, el.matches(userSelector) ? 'user' : 'assistant', position, conversationId));
}

function listMessages(doc: Document, conversationId: string | null): HostMessage[] {
  return roleNodes(doc, conversationId)
    .filter((m) => !m.pending)
    .map(({ role, key, element }) => ({ role, key, element }));
}

/**
 * The last reply, if it comes after the last user message: two `querySelectorAll` and one position
 * compare, whatever wraps the turns. A new row whose streaming node has not mounted yet leaves the
 * user message last, so nothing is returned until the reply exists.
 */
function lastAssistant(doc: Document, conversationId: string | null): Found | null {
  const selector = assistantSelector(doc);
  if (!selector) return null;
  const replies = doc.querySelectorAll(selector);
  const reply = replies[replies.length - 1];
  if (!reply) return null;
  const users = doc.querySelectorAll(userSelector);
  const user = users[users.length - 1];
  if (user && follows(user, reply)) return null;
  // Position among role nodes: every user and reply node on the page comes before it.
  const position = users.length + replies.length - 1;
  return messageOf(reply, 'assistant', position, conversationId);
}

function isMarkedComplete(message: Element): boolean {
  const streamingNode = message.closest('[data-is-streaming]') ?? message.querySelector('[data-is-streaming]');
  if (streamingNode?.getAttribute('data-is-streaming') === 'false') return true;
  const row = message.closest(S.row) ?? message;
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

// Since late 2025 a hidden duplicate fieldset (.opacity-0) holds a second editor: `cascadeParts`
// takes the rendered one.
export const claudeAdapter: HostAdapter = {
  ...cascadeParts('claude', S, claudeConversationFromUrl, (doc) => firstMatch(doc, S.userMessage)?.entry ?? firstMatch(doc, S.assistantMessage)?.entry ?? null, ['conversation']),
  newChatPath: '/new',
  listMessages,
  lastAssistant,
  assistantBody,
  isMarkedComplete,
  // One selector at a time: see chatgpt.ts, a selector list is several times slower on a long page.
  isStreaming: (doc) => firstMatch(doc, S.streaming) !== null,
  streamingSignal: (doc, within = doc) => firstMatch(within, S.streaming)?.element ?? null,
  layoutCss,
};

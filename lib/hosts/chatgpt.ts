import { anyOf, cascadeParts, firstMatch, isPendingId, CascadeHint, type HostAdapter, type PanelLayout, type SelectorCascade, type SelectorEntry } from './adapter';
import { chatgptSelectors as S } from './chatgpt-selectors';
import type { ConversationIdentity, HostMessage } from './types';

type Role = HostMessage['role'];
type Found = HostMessage & { pending: boolean };

const turnSelector = anyOf(S.turn);
const bodySelector = anyOf(S.assistantBody);
const completeSelector = anyOf(S.complete);

function toUrl(url: string | URL): URL {
  return typeof url === 'string' ? new URL(url, 'https://chatgpt.com/') : url;
}

function segment(value: string | undefined): string | null {
  if (!value) return null;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function chatgptConversationFromUrl(input: string | URL): ConversationIdentity {
  const url = toUrl(input);
  const site = 'chatgpt' as const;
  if (url.searchParams.get('temporary-chat') === 'true') return { site, id: null, kind: 'temporary' };
  const parts = url.pathname.split('/').filter(Boolean);
  // Custom GPTs and projects prefix the conversation path with /g/<gizmo>.
  const rest = parts[0] === 'g' ? parts.slice(2) : parts;
  const gizmo = parts[0] === 'g' ? (parts[1] ?? '') : null;
  const [head, id] = [rest[0], segment(rest[1])];
  if ((head === 'c' || head === 'uc') && id) {
    // Right after the first send the URL can read /c/WEB:<client-id>: the chat has no server id yet.
    if (isPendingId(id)) return { site, id: null, kind: 'new' };
    return { site, id, kind: 'conversation' };
  }
  if (head === 'share' && id) return { site, id, kind: 'shared' };
  if (gizmo !== null) {
    if (head === 'project' || (head === undefined && gizmo.startsWith('g-p-'))) return { site, id: null, kind: 'project' };
    if (head === undefined) return { site, id: null, kind: 'new' };
  }
  if (parts.length === 0) return { site, id: null, kind: 'new' };
  return { site, id: null, kind: 'other' };
}

function roleOf(value: string | null | undefined): Role | null {
  if (!value) return null;
  if (value === 'user' || value.endsWith(':user')) return 'user';
  if (value === 'assistant' || value.endsWith(':assistant')) return 'assistant';
  return null;
}

/**
 * The messages of one turn element, whatever its generation. An assistant turn yields its answer
 * only: the last author-role node that has a markdown body (earlier ones are "thinking" parts).
 */
function messagesOfTurn(turn: Element): Found[] {
  // Octane: the li is the message, its id the message id.
  if (turn.matches('li[data-message-role]')) {
    const role = roleOf(turn.getAttribute('data-message-role'));
    if (!role) return [];
    const id = turn.id;
    return [{ role, key: id, element: turn, pending: isPendingId(id) || turn.hasAttribute('data-message-streaming') }];
  }
  // Newest thread layout: one turn per prompt-and-answer pair (2026-09), or a turn per message
  // whose role is in its search-unit key (earlier builds of the same shell).
  if (turn.hasAttribute('data-turn-key')) return messagesOfThreadTurn(turn);
  // Classic: section/article[data-turn] holding author-role nodes.
  const turnId = turn.getAttribute('data-turn-id');
  const nodes = [...turn.querySelectorAll(S.authorRole)];
  if (nodes.length === 0) return [];
  const role = roleOf(turn.getAttribute('data-turn')) ?? roleOf(nodes[0]?.getAttribute('data-message-author-role'));
  if (role === 'user') {
    const node = nodes.at(-1);
    if (!node) return [];
    const id = node.getAttribute('data-message-id');
    return [{ role, key: id ?? '', element: node, pending: isPendingId(id) }];
  }
  const answers = nodes.filter((n) => n.getAttribute('data-message-author-role') === 'assistant' && n.querySelector(bodySelector));
  const answer = answers[answers.length - 1];
  if (!answer) return [];
  const id = answer.getAttribute('data-message-id');
  // The message id is what settles: on real pages (April 2026) a finished turn keeps its
  // `request-WEB:…` turn id. The turn id counts only when the message has no id at all.
  const pending = id ? isPendingId(id) : isPendingId(turnId);
  return [{ role: 'assistant', key: id ?? '', element: answer, pending }];
}

function messagesOfThreadTurn(turn: Element): Found[] {
  const turnKey = turn.getAttribute('data-turn-key') ?? '';
  const pending = isPendingId(turnKey);
  const units = turn.matches(S.threadUnit) ? [turn] : [...turn.querySelectorAll(S.threadUnit)];
  const out: Found[] = [];
  if (units.length > 0) {
    for (const unit of units) {
      const role = roleOf(unit.getAttribute('data-chatgpt-search-unit-key'));
      if (!role) continue;
      const key = units.length > 1 ? `${turnKey}:${role}` : turnKey;
      out.push({ role, key, element: unit, pending });
    }
    return out;
  }
  // The pair: the user bubble, then the answer's markdown (a thinking summary sits outside it).
  const user = turn.querySelector(S.threadUser);
  if (user) out.push({ role: 'user', key: `${turnKey}:user`, element: user, pending });
  const answers = turn.querySelectorAll(S.threadAnswer);
  const answer = answers[answers.length - 1];
  if (answer) out.push({ role: 'assistant', key: `${turnKey}:assistant`, element: answer, pending });
  return out;
}

/**
 * The turns of the first cascade entry that matches, in document order (one `querySelectorAll`),
 * outermost only: classic turns also match `[data-turn]`.
 */
function turnsInOrder(doc: Document): Element[] {
  for (const entry of S.turn) {
    const turns = doc.querySelectorAll(entry.selector);
    if (turns.length > 0) return [...turns].filter((t) => !t.parentElement?.closest(turnSelector));
  }
  return [];
}

function listMessages(doc: Document): HostMessage[] {
  return turnsInOrder(doc)
    .flatMap(messagesOfTurn)
    .filter((m) => !m.pending && m.key)
    .map(({ role, key, element }) => ({ role, key, element }));
}

/** Where the last full look found the last turn: the container of the turns (see `lastTurnsFast`). */
let turnsParent: { doc: Document; entry: SelectorEntry; element: Element } | null = null;

/**
 * The last turns of an entry, latest first, read from the container the previous look found them
 * in instead of a whole-page query (the cost of a reply watcher's check on a 300-turn thread).
 * Exact, or null when it cannot be shown: the container's matching children are the last matches
 * in document order only if nothing after the container matches and no child holds a nested match.
 * At most `want` turns; null too when the container has fewer (earlier matches may lie elsewhere).
 */
function lastTurnsFast(doc: Document, entry: SelectorEntry, want: number): Element[] | null {
  const container = turnsParent?.doc === doc && turnsParent.entry === entry ? turnsParent.element : null;
  if (!container?.isConnected) return null;
  const { selector } = entry;
  for (let el: Element | null = container; el && el !== doc.documentElement; el = el.parentElement) {
    for (let next = el.nextElementSibling; next; next = next.nextElementSibling) if (next.matches(selector) || next.querySelector(selector)) return null;
  }
  const turns: Element[] = [];
  for (let child = container.lastElementChild; child && turns.length < want; child = child.previousElementSibling) {
    if (child.querySelector(selector)) return null;
    if (child.matches(selector)) turns.push(child);
  }
  return turns.length === want ? turns : null;
}

/**
 * The last reply, read from the last turns in document order: where they were found before, or one
 * `querySelectorAll` of the turn selector, and a look at the last few turns, whatever the page wraps them in.
 */
function lastAssistant(doc: Document): Found | null {
  for (const entry of turnHint.order(doc, S.turn)) {
    // A turn that holds neither role yet (just mounted) is skipped; six is far more than any page needs.
    const fast = lastTurnsFast(doc, entry, 6);
    let latest: Element[];
    if (fast) {
      latest = fast;
      turnHint.remember(doc, entry, fast[0]!);
    } else {
      const turns = doc.querySelectorAll(entry.selector);
      if (turns.length === 0) continue;
      turnHint.remember(doc, entry, turns[0]!);
      const last = turns[turns.length - 1]!;
      if (last.parentElement) turnsParent = { doc, entry, element: last.parentElement };
      latest = [];
      for (let i = turns.length - 1; i >= 0 && latest.length < 6; i--) latest.push(turns[i]!);
    }
    for (const turn of latest) {
      if (turn.parentElement?.closest(turnSelector)) continue;
      const messages = messagesOfTurn(turn);
      const last = messages.at(-1);
      if (last?.role === 'assistant') return last;
      if (last?.role === 'user') return null;
    }
    return null;
  }
  return null;
}

function assistantBody(message: Element): Element | null {
  for (const entry of S.assistantBody) {
    const el = message.matches(entry.selector) ? message : message.querySelector(entry.selector);
    if (el) return el;
  }
  return null;
}

function isMarkedComplete(message: Element): boolean {
  if (message.matches('li[data-message-role]')) return message.hasAttribute('data-message-complete');
  const turn = message.closest(turnSelector) ?? message;
  return !!turn.querySelector(completeSelector);
}

const turnHint = new CascadeHint();
const streamingByGeneration = new Map<string, SelectorCascade>();

function streamingSignal(doc: Document, within: ParentNode = doc): Element | null {
  // One selector at a time: Chromium matches a selector list over a whole page several times slower
  // than its parts one by one (0.8 ms against 0.13 ms on a 300-turn thread), and this runs per reply.
  // Once the page's turns showed its generation, only that generation's signals (and the legacy
  // one) are looked for: "nothing streams" otherwise costs a whole-page miss per other selector.
  const generation = turnHint.generation(doc);
  if (!generation) return firstMatch(within, S.streaming)?.element ?? null;
  let cascade = streamingByGeneration.get(generation);
  if (!cascade) {
    cascade = S.streaming.filter((e) => e.generation === generation || e.generation === 'legacy');
    streamingByGeneration.set(generation, cascade);
  }
  return firstMatch(within, cascade)?.element ?? null;
}

function isStreaming(doc: Document): boolean {
  return streamingSignal(doc) !== null;
}

function layoutCss({ side, width }: PanelLayout): string {
  // The app root is 100vw wide, so body margins do nothing; shrinking the root and `.w-screen`
  // keeps the thread and the composer beside the panel (checked on a 2026-07 capture).
  const margin = side === 'right' ? 'margin-right: 0 !important;' : `margin-left: ${width}px !important;`;
  return [
    `html { width: calc(100% - ${width}px) !important; ${margin} }`,
    `.w-screen { width: calc(100vw - ${width}px) !important; }`,
  ].join('\n');
}

export const chatgptAdapter: HostAdapter = {
  // Which turn selector matches, not every turn: health runs while replies stream into long threads.
  ...cascadeParts('chatgpt', S, chatgptConversationFromUrl, (doc) => firstMatch(doc, S.turn)?.entry ?? null, ['conversation', 'shared']),
  newChatPath: '/',
  listMessages: (doc) => listMessages(doc),
  lastAssistant: (doc) => lastAssistant(doc),
  assistantBody,
  isMarkedComplete,
  isStreaming,
  streamingSignal,
  layoutCss,
};

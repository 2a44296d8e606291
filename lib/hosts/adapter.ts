import type { ConversationIdentity, HostHealth, HostMessage, HostSite } from './types';

/**
 * One entry of a selector cascade. Cascades are tried in order; the first entry that matches wins,
 * and its `selector` is what the health report shows, so a broken generation is easy to name.
 */
export interface SelectorEntry {
  /** DOM generation the entry belongs to ("classic", "octane", "thread", "virtualized", …). */
  generation: string;
  selector: string;
}

export type SelectorCascade = readonly SelectorEntry[];

export interface PanelLayout {
  side: 'left' | 'right';
  /** Panel width in CSS pixels. */
  width: number;
}

export interface HostAdapter {
  site: HostSite;
  /** Path of the site's "new chat" page. */
  newChatPath: string;
  conversationFromUrl(url: string | URL): ConversationIdentity;
  /** The DOM generation the page is rendered with, or null when none is recognised (yet). */
  detectGeneration(doc: Document): string | null;
  /** The visible composer editor (contenteditable host or textarea). */
  findComposer(doc: Document): HTMLElement | null;
  findSendButton(doc: Document): HTMLButtonElement | null;
  /** Whether a clicked button is the composer's Send (one `matches`, no page query: it runs on every click). */
  isSendButton(button: Element): boolean;
  /** Every settled message in document order (pending ones are left out). */
  listMessages(doc: Document, conversationId: string | null): HostMessage[];
  /**
   * The last assistant message without walking the whole thread: the reply watcher calls it while a
   * reply streams into a long conversation. Pending messages are returned (with `pending: true`) so
   * the caller can wait for their final id.
   */
  lastAssistant(doc: Document, conversationId: string | null): (HostMessage & { pending: boolean }) | null;
  /** The markdown container of an assistant message (not a thinking part). */
  assistantBody(messageElement: Element): Element | null;
  /** The site marks this message as final (action bar, `data-is-streaming="false"`, …). */
  isMarkedComplete(messageElement: Element): boolean;
  isStreaming(doc: Document): boolean;
  /**
   * The element whose presence means "streaming" (the one `isStreaming` finds). The reply watcher
   * watches only it and its ancestors while a reply streams, instead of every chunk's mutations.
   * `within`: that element's subtree only (where the last signal was), not the whole page.
   */
  streamingSignal?(doc: Document, within?: ParentNode): Element | null;
  health(doc: Document, url: string | URL): HostHealth;
  /** CSS rules that make room for a fixed side panel; owned by one `<style>` element of the content script. */
  layoutCss(layout: PanelLayout): string;
}

/** First element matching a cascade, with the entry that matched. */
export function firstMatch<E extends Element = Element>(
  root: ParentNode,
  cascade: SelectorCascade,
  accept?: (el: E) => boolean,
): { element: E; entry: SelectorEntry } | null {
  for (const entry of cascade) {
    // Unfiltered: any match is enough, no need to collect every match of a long thread. One selector
    // at a time, because Chromium matches a selector list over a whole page several times slower
    // than its parts one by one (0.8 ms against 0.13 ms for the streaming signals of a 300-turn thread).
    if (!accept) {
      for (const part of selectorParts(entry.selector)) {
        const element = root.querySelector<E>(part);
        if (element) return { element, entry };
      }
      continue;
    }
    for (const el of root.querySelectorAll<E>(entry.selector)) {
      if (accept(el)) return { element: el, entry };
    }
  }
  return null;
}

/**
 * Which entry of a cascade matched last on a document. A page of one generation then does not pay,
 * at every check, for whole-page misses of the other generations' selectors (each miss is a walk of
 * the whole document: the cost that dominates on a 300-turn thread).
 */
export class CascadeHint {
  /** The entry, and an element it matched: the hint holds while that element is on the page. */
  readonly #last = new WeakMap<Document, { entry: SelectorEntry; element: Element }>();
  #valid(doc: Document): SelectorEntry | null {
    const hint = this.#last.get(doc);
    // A re-rendered thread (navigation, another layout) drops the element, and with it the hint.
    return hint?.element.isConnected ? hint.entry : null;
  }
  /** The cascade with the remembered entry first. */
  order(doc: Document, cascade: SelectorCascade): SelectorCascade {
    const hinted = this.#valid(doc);
    return hinted ? [hinted, ...cascade.filter((e) => e !== hinted)] : cascade;
  }
  remember(doc: Document, entry: SelectorEntry, element: Element): void {
    this.#last.set(doc, { entry, element });
  }
  generation(doc: Document): string | null {
    return this.#valid(doc)?.generation ?? null;
  }
}

const partsCache = new Map<string, string[]>();

/**
 * The selectors of a selector list, split at top-level commas: not an escaped one, nor one inside ()
 * or [] (quotes only occur inside them). A pattern, not a parser, for the content script's size budget:
 * it sees one level of nesting after a comma, so `:is(a, :not(b))` would come apart wrongly; no cascade
 * has such a list, and test/unit/hosts/selector-parts.test.ts checks every list the cascades hold.
 */
export function selectorParts(list: string): string[] {
  const cached = partsCache.get(list);
  if (cached) return cached;
  const parts = list.split(/(?<!\\),(?![^[(]*[\])])/).map((part) => part.trim());
  const result = parts.filter(Boolean);
  partsCache.set(list, result);
  return result;
}

/** One selector list matching any entry of the cascade (for a single `querySelector`). */
export function anyOf(cascade: SelectorCascade): string {
  return cascade.map((entry) => entry.selector).join(', ');
}

/**
 * Whether an element is rendered. Called on user action only (insert, health), never per mutation:
 * `getClientRects` can force layout.
 */
export function isRendered(el: Element): boolean {
  if (el.closest('[hidden], [aria-hidden="true"], .opacity-0, [inert]')) return false;
  const view = el.ownerDocument.defaultView;
  if (view) {
    const style = view.getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
  }
  // Detached layout engines (tests) report no boxes for anything; only trust an explicit zero box.
  const rects = el.getClientRects();
  if (rects.length === 0) return !isLaidOut(el);
  return true;
}

function isLaidOut(el: Element): boolean {
  const body = el.ownerDocument.body as HTMLElement | null;
  return !!body && body.getClientRects().length > 0 && body.getBoundingClientRect().width > 0;
}

/** Short, stable, non-cryptographic hash (FNV-1a, base 36) for keys derived from content. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

export function normalizeText(text: string): string {
  return text.replace(/\u00a0/g, ' ').replace(/[ \t]+/g, ' ').replace(/\s*\n\s*/g, '\n').trim();
}

/** A message id that the site will still replace (ChatGPT `request-WEB:…`, Octane `pending-…`). */
export function isPendingId(id: string | null | undefined): boolean {
  if (!id) return true;
  return id.startsWith('request-') || id.startsWith('pending-') || id.includes('WEB:');
}

/** The cascades every site has; the parts of an adapter built from them alone are shared (see `cascadeParts`). */
export interface CommonCascades {
  generation: SelectorCascade;
  composer: SelectorCascade;
  sendButton: SelectorCascade;
  streaming: SelectorCascade;
  streamingAnchor: SelectorCascade;
}

/**
 * The adapter members that read only the common cascades, one implementation for both sites.
 * `messagesMatch` names the entry that finds messages on the page (the health report shows it);
 * `messagesExpected` says for which pages "no messages" means a broken selector rather than an empty chat.
 */
export function cascadeParts(
  site: HostSite,
  S: CommonCascades,
  conversationFromUrl: (url: string | URL) => ConversationIdentity,
  messagesMatch: (doc: Document) => SelectorEntry | null,
  messagesExpected: readonly ConversationIdentity['kind'][],
): Pick<HostAdapter, 'site' | 'conversationFromUrl' | 'detectGeneration' | 'findComposer' | 'isSendButton' | 'findSendButton' | 'health'> {
  const sendButtonSelector = anyOf(S.sendButton);
  // The runtime asks for the current URL's conversation at every reply check and state report: parse
  // each URL once (a `new URL` per call showed in the host-page profile). Frozen, since it is shared.
  let lastUrl: string | null = null;
  let lastIdentity: ConversationIdentity | null = null;
  const fromUrl = (url: string | URL): ConversationIdentity => {
    if (typeof url !== 'string') return conversationFromUrl(url);
    if (url !== lastUrl || !lastIdentity) {
      lastIdentity = Object.freeze(conversationFromUrl(url));
      lastUrl = url;
    }
    return lastIdentity;
  };
  const detectGeneration = (doc: Document) => firstMatch(doc, S.generation)?.entry.generation ?? null;
  // Several editors can match (a hidden duplicate, a pre-hydration textarea): the rendered one is the composer.
  const composerMatch = (doc: Document) => firstMatch<HTMLElement>(doc, S.composer, isRendered);
  return {
    site,
    conversationFromUrl: fromUrl,
    detectGeneration,
    findComposer: (doc) => composerMatch(doc)?.element ?? null,
    isSendButton: (button) => button.matches(sendButtonSelector),
    findSendButton: (doc) => firstMatch<HTMLButtonElement>(doc, S.sendButton, (b) => !b.disabled && b.getAttribute('aria-disabled') !== 'true')?.element ?? null,
    health(doc, url): HostHealth {
      const identity = fromUrl(url);
      const composer = composerMatch(doc)?.entry ?? null;
      const messages = messagesMatch(doc);
      const streaming = firstMatch(doc, S.streaming)?.entry ?? firstMatch(doc, S.streamingAnchor)?.entry ?? null;
      return {
        site,
        generation: detectGeneration(doc),
        composer: composer ? 'found' : 'missing',
        messages: messages ? 'found' : messagesExpected.includes(identity.kind) ? 'missing' : 'none-yet',
        streamingSignal: streaming ? 'found' : 'missing',
        conversationId: identity.id,
        matched: {
          composer: composer?.selector ?? null,
          messages: messages?.selector ?? null,
          streaming: streaming?.selector ?? null,
          sendButton: firstMatch(doc, S.sendButton)?.entry.selector ?? null,
        },
        checkedAt: new Date().toISOString(),
      };
    },
  };
}

/** Whether `a` comes after `b` in document order (a descendant of `b` counts as after it). */
export function follows(a: Node, b: Node): boolean {
  return (b.compareDocumentPosition(a) & 4) /* DOCUMENT_POSITION_FOLLOWING */ !== 0;
}

/**
 * Every element matching any of the selectors, once each, in document order (one `querySelectorAll`
 * of the list returns exactly that), nested matches left out. Not for the reply watcher's hot path.
 */
export function inDocumentOrder(root: ParentNode, selectors: readonly string[]): Element[] {
  // A match inside another match is part of that message. In document order an element's
  // descendants come right after it, so comparing with the last kept element is enough.
  const out: Element[] = [];
  for (const el of root.querySelectorAll(selectors.join(', '))) if (!out.at(-1)?.contains(el)) out.push(el);
  return out;
}

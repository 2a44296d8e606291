/**
 * What the content script needs from a host site, one adapter per site. Adapters are data (selector
 * cascades) plus pure functions over a `Document`, so they can be tested against fixture pages.
 * This file has no imports on purpose: it is shared by the content script, the background and the panel.
 */

export type HostSite = 'chatgpt' | 'claude';

/** Which concerns resolved on the current page, and through which selector (for the health report). */
export interface HostHealth {
  site: HostSite;
  /** The DOM generation detected, e.g. "classic", "octane", "thread", "virtualized". */
  generation: string | null;
  composer: 'found' | 'missing';
  messages: 'found' | 'none-yet' | 'missing';
  streamingSignal: 'found' | 'missing';
  /** Set by the content runtime when a reply streamed but could not be read from the page. */
  reply?: 'missing';
  conversationId: string | null;
  /** Selector that resolved each concern, or null; shown to people who report a broken site. */
  matched: Record<string, string | null>;
  checkedAt: string;
}

/** Conversation identity from a URL. `id` is null for new, temporary or incognito chats. */
export interface ConversationIdentity {
  site: HostSite;
  id: string | null;
  kind: 'conversation' | 'new' | 'temporary' | 'project' | 'shared' | 'other';
}

export interface HostMessage {
  role: 'user' | 'assistant';
  /** Stable across re-renders: the site's message id, or (Claude) a key from conversation, position and content. */
  key: string;
  element: Element;
}

export interface InsertResult {
  ok: boolean;
  /** The composer's editor state holds the text (read back after inserting). */
  verified: boolean;
  sent: boolean;
  /** Why it failed, in words a person understands. */
  reason?: 'composer-missing' | 'text-did-not-take' | 'reply-streaming' | 'send-button-missing' | 'site-disabled';
  detail?: string;
}

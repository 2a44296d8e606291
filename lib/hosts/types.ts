/**
 * What the content script needs from a host site, one adapter per site. Adapters are data (selector
 * cascades) plus pure functions over a `Document`, so they can be tested against fixture pages.
 * Types only (the site and the health report are inferred from their schemas, imported as types, so
 * the content script carries no Zod); shared by the content script, the background and the panel.
 */

export type { Site as HostSite } from '@/lib/workflow/records';
export type { HostHealth } from '@/lib/messaging/schemas';
import type { Site as HostSite } from '@/lib/workflow/records';

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

/**
 * What a mock page is told at load time. Shared by the Node side (route handler, which writes it into
 * the page) and the page bundles (which read it from `window.__MOCK_CONFIG__`). Types only.
 */

export type MockSite = 'chatgpt' | 'claude';
export type ChatGPTGeneration = 'classic' | 'octane' | 'thread';
export type ClaudeGeneration = 'flat' | 'virtualized' | 'hub';

/** How the scripted assistant answers. Every field is optional; the defaults are fast. */
export interface AssistantScript {
  /** Markdown replies, used in turn; the last one repeats. Default: heading, list, fenced code, table. */
  replies?: string[];
  /** How many chunks a reply streams in (at least 1). Default 12. */
  chunks?: number;
  /** Milliseconds between chunks. Default 25. */
  intervalMs?: number;
  /** Milliseconds between send and the first chunk. Default 60. */
  firstChunkDelayMs?: number;
  /**
   * Claude only: the new row exists this long before the streaming node mounts (the site does ~1 s).
   * Default 300.
   */
  rowLeadMs?: number;
  /** Milliseconds from the last chunk to "finished" (action bar shown, streaming signals gone). Default 40. */
  settleMs?: number;
  /** Add a "thinking" part before the answer (ChatGPT: an extra author-role node; Claude: expanded thinking markdown before the answer). */
  thinking?: boolean;
  /**
   * Answer ConvOps briefings as an AI following the protocol would (see src/assistant-script.ts);
   * messages that are no briefing and no answer to one get `replies` as before.
   */
  protocol?: boolean;
  /** With `protocol`: the walkthrough reply also "approves" the gate in its own words. */
  approveInText?: boolean;
}

export interface MockPageOptions {
  generation?: ChatGPTGeneration | ClaudeGeneration;
  /** `missing`: the page renders without any composer (a broken or unknown layout). */
  composer?: 'present' | 'missing';
  /** Turn pairs (user + assistant) a page at a conversation URL starts with. Default 2. */
  turns?: number;
  script?: AssistantScript;
  /** Milliseconds from the first send in a new chat to the URL moving to the conversation id. Default 1000. */
  urlDelayMs?: number;
  /**
   * Milliseconds after the page script runs before the app replaces the server-rendered shell (with
   * its pre-hydration textarea) by the real UI. Default 0. The content script starts its watcher once the page is parsed,
   * so a delay here means it starts before any composer exists, as on a slow machine.
   */
  hydrateDelayMs?: number;
  /** ChatGPT only: keep sent messages and finished replies (localStorage), so a reopened conversation shows them, as the real site does. Default false. */
  persist?: boolean;
}

/** Written into each page as `window.__MOCK_CONFIG__`. */
export interface MockPageConfig extends Required<Omit<MockPageOptions, 'script'>> {
  site: MockSite;
  script: Required<AssistantScript>;
}

/** The page's test API (`window.__mock`, main world only). The extension must never use it. */
export interface MockApi {
  site: MockSite;
  generation: string;
  ready: boolean;
  /** The composer's editor state as text: paragraphs joined by "\n" (textarea: its value as React would see it). */
  editorText(): string;
  sentMessages: string[];
  lastSent: string | null;
  /** Assistant replies that finished streaming on this page. */
  repliesFinished: number;
  isStreaming(): boolean;
  setScript(script: AssistantScript): void;
  /** Client-side navigation to another conversation, as clicking the sidebar does. */
  openConversation(id: string): void;
  /** Conversation ids listed in the sidebar. */
  sidebarConversations: string[];
}

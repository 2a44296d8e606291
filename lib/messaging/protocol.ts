import { defineExtensionMessaging } from '@webext-core/messaging';
import type { PageOutline } from '@/lib/hosts/site-report';
import type { HostTheme } from '@/lib/hosts/theme';
import type { HostHealth, HostSite, InsertResult } from '@/lib/hosts/types';

/**
 * Every runtime message the extension sends. Directions:
 * - `host.*`: content script → background (the background validates each payload; the page is untrusted).
 * - `content.*`: background → content script of one tab (relayed on behalf of that tab's panel).
 * - `panel.*`: panel iframe → background; the background learns the tab from the sender.
 * The content script must stay small: it imports only this file's types and the messenger.
 */

export interface HostState {
  site: HostSite;
  url: string;
  conversationId: string | null;
  health: HostHealth;
  /** A reply is being generated right now. */
  streaming: boolean;
  /** The site's own light/dark choice; null when it does not say. */
  theme: HostTheme | null;
  /** How often the page changed the panel (its style, its frame) behind the extension's back; 0 when never. */
  interference?: number;
}

export interface ReplyFinished {
  site: HostSite;
  url: string;
  conversationId: string | null;
  /** Stable message key (see HostMessage.key). */
  messageKey: string;
  /** The assistant message body's HTML; converted to Markdown outside the page's main thread. */
  html: string;
}

export interface CaptureResult {
  captured: boolean;
  reason?: 'no-task' | 'capture-off' | 'duplicate' | 'step-does-not-capture' | 'task-not-running' | 'invalid';
  noteId?: string;
}

/**
 * Which task a tab's panel shows (kept in `browser.storage.session` under `taskBinding:<tabId>`).
 * It lets a task follow its tab before the site assigns a conversation id, and carries a handoff
 * across the navigation to a new chat (the panel frame may be reloaded on the way).
 */
export interface TabBinding {
  taskId: string;
  /** Insert the handoff briefing once the new chat's composer is ready. */
  pendingHandoff?: boolean;
}

/**
 * A toolbar command for one tab's panel (keyboard shortcut "send the current step"). The background
 * writes it to `browser.storage.session` under `panelCommand:<tabId>`, which the panel already watches
 * for its tab; `id` is fresh each time, so pressing the shortcut twice is two commands.
 */
export interface PanelCommand {
  name: 'send-step';
  id: string;
}
export const panelCommandKey = (tabId: number) => `panelCommand:${tabId}`;

export interface ProtocolMap {
  'host.state'(state: HostState): void;
  'host.message-sent'(data: { site: HostSite; url: string; conversationId: string | null }): void;
  'host.reply-finished'(data: ReplyFinished): CaptureResult;
  /**
   * The finished last reply of a conversation just opened: kept only if it answers a message the task
   * sent after its last capture (the tab may have closed before the reply was stored).
   */
  'host.reply-recovered'(data: ReplyFinished): CaptureResult;

  'content.insert'(data: { text: string; send: boolean }): InsertResult;
  'content.new-chat'(): { ok: boolean };
  /**
   * The raw structural outline of the page (no text content) for the site report; the background
   * masks it into the report text. `failed` names the error when the outline could not be made.
   */
  'content.site-report'(): { outline: PageOutline } | { site: HostSite; failed: string };
  /** The toolbar button / shortcut: collapse or reopen this tab's panel. */
  'content.toggle-panel'(): { ok: boolean; collapsed?: boolean };

  'panel.get-host-state'(): HostState | null;
  'panel.insert'(data: { text: string; send: boolean }): InsertResult;
  'panel.new-chat'(): { ok: boolean };
  'panel.site-report'(): { report: string } | null;
  /** The panel learns its tab (to watch its session keys) and the task bound to it. */
  'panel.get-binding'(): { tabId: number | null; binding: TabBinding | null };
  'panel.set-binding'(binding: TabBinding | null): { ok: boolean };
}

export const messenger = defineExtensionMessaging<ProtocolMap>();
export const { sendMessage, onMessage } = messenger;

import { defineExtensionMessaging } from '@webext-core/messaging';
import type { HostStateReport, InsertRequest, MessageSent, PillWord, ReplyFinished, SiteReportReply } from './schemas';

/**
 * The runtime messages between the content script and the background. Directions:
 * - `host.*`: content script → background (the background parses each payload with its schema in
 *   ./schemas.ts; the page is untrusted).
 * - `content.*`: background → content script of one tab (asked for on behalf of that tab's panel).
 * The panel does not use runtime messages: it speaks to the background over its port
 * (./panel-port.ts). The content script imports only this file's types and its messenger.
 */

export interface CaptureResult {
  captured: boolean;
  reason?: 'no-task' | 'capture-off' | 'duplicate' | 'step-does-not-capture' | 'task-not-running' | 'invalid';
  noteId?: string;
}

/** What `content.insert` answers: whether the briefing is in the composer (and sent). */
export interface InsertResult {
  ok: boolean;
  /** The composer's editor state holds the text (read back after inserting). */
  verified: boolean;
  sent: boolean;
  /** Why it failed, in words a person understands. */
  reason?: 'composer-missing' | 'text-did-not-take' | 'reply-streaming' | 'send-button-missing' | 'site-disabled';
  detail?: string;
}

export interface ProtocolMap {
  'host.state'(state: HostStateReport): void;
  'host.message-sent'(data: MessageSent): void;
  'host.reply-finished'(data: ReplyFinished): CaptureResult;
  /**
   * The finished last reply of a conversation just opened: kept only if it answers a message the task
   * sent after its last capture (the tab may have closed before the reply was stored).
   */
  'host.reply-recovered'(data: ReplyFinished): CaptureResult;
  /**
   * The panel frame is going into this page (the page's site, address and conversation): the
   * background reads the panel's first screen now, while the frame loads, instead of once it asks.
   */
  'host.panel-mounted'(page: MessageSent): void;

  'content.insert'(data: InsertRequest): InsertResult;
  /**
   * What became of an insert this page was asked for with this attempt id (waiting for it if it is
   * still going on); null when the request never reached this page.
   */
  'content.attempt'(attempt: string): InsertResult | null;
  /** Presses the site's Send for what is in the prompt box (refused when it is empty). */
  'content.send'(): InsertResult;
  'content.new-chat'(): { ok: boolean };
  /**
   * The raw structural outline of the page (no text content) for the site report; the background
   * masks it into the report text. `failed` names the error when the outline could not be made.
   */
  'content.site-report'(): SiteReportReply;
  /** The panel's headline in one word (checked by the background), shown on the pill while the panel is collapsed. */
  'content.attention'(word: PillWord | null): void;
  /** The toolbar button / shortcut: collapse or reopen this tab's panel. */
  'content.toggle-panel'(): { ok: boolean; collapsed?: boolean };
}

export const messenger = defineExtensionMessaging<ProtocolMap>();
export const { sendMessage, onMessage } = messenger;

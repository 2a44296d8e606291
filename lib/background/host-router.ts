import { browser } from 'wxt/browser';
import { siteOfHostname } from '@/lib/hosts';
import type { HostSite } from '@/lib/hosts/types';
import { onMessage, type CaptureResult } from '@/lib/messaging/protocol';
import { hostStateSchema, messageSentSchema, replyFinishedSchema, type HostState, type MessageSent, type ReplyFinished } from '@/lib/messaging/schemas';
import { patchHostState, readTab, writeHostState } from './tab-state';

type Sender = Parameters<Parameters<typeof browser.runtime.onMessage.addListener>[0]>[1];

export interface CapturedReply extends ReplyFinished {
  markdown: string;
  tabId: number;
}

export interface HostRouterHooks {
  /** Persist a finished reply (the notes repository plugs in here). */
  onReplyFinished?: (reply: CapturedReply) => Promise<CaptureResult>;
  /** A finished reply found when a conversation opens; the hook decides whether it was missed. */
  onReplyRecovered?: (reply: CapturedReply) => Promise<CaptureResult>;
  onMessageSent?: (event: MessageSent & { tabId: number }) => void | Promise<void>;
  onHostState?: (state: HostState, tabId: number) => void;
  onPanelMounted?: (page: MessageSent, tabId: number) => void;
}

/** The page state a tab's content script last reported (kept by tab-state.ts across service-worker restarts). */
export async function getHostState(tabId: number): Promise<HostState | null> {
  return (await readTab(tabId)).host;
}

function isOwnExtension(sender: Sender): boolean {
  return sender.id === browser.runtime.id;
}

function siteOfUrl(value: string | undefined): HostSite | null {
  if (!value) return null;
  try {
    const parsed = new URL(value);
    return parsed.protocol === 'https:' ? siteOfHostname(parsed.hostname) : null;
  } catch {
    return null;
  }
}

/** A content script of ours, top frame of a chatgpt.com / claude.ai tab, speaking for that site. */
export function hostTabOf(sender: Sender, claimed: HostSite): number | null {
  if (!isOwnExtension(sender) || sender.tab?.id === undefined || sender.frameId !== 0) return null;
  return siteOfUrl(sender.url) === claimed ? sender.tab.id : null;
}

/**
 * Our panel page, framed inside a chatgpt.com / claude.ai tab. With `use_dynamic_url` the frame's
 * address carries a per-session id instead of the extension id, so the path is what is compared (the
 * sender's extension id says it is ours).
 */
export function panelTabOf(sender: Sender): number | null {
  if (!isOwnExtension(sender) || sender.tab?.id === undefined || !sender.url) return null;
  let panelPath: string;
  try {
    const url = new URL(sender.url);
    if (url.protocol !== new URL(browser.runtime.getURL('/panel.html')).protocol) return null;
    panelPath = url.pathname;
  } catch {
    return null;
  }
  if (panelPath !== '/panel.html') return null;
  if (sender.tab.url !== undefined && siteOfUrl(sender.tab.url) === null) return null;
  return sender.tab.id;
}

/**
 * The HTML-to-Markdown converter (turndown on domino, a third of the worker's script), evaluated at the
 * first reply instead of at every worker start: a panel's first answer does not wait for it.
 */
const converter = () => import('@/lib/capture/html-to-markdown');

/** A reply reported by a content script: validated, from its own tab, converted outside the page. */
async function capturedReply(data: unknown, sender: Sender): Promise<CapturedReply | null> {
  const parsed = replyFinishedSchema.safeParse(data);
  const tabId = parsed.success ? hostTabOf(sender, parsed.data.site) : null;
  if (!parsed.success || tabId === null) return null;
  let markdown: string;
  try {
    markdown = (await converter()).htmlToMarkdown(parsed.data.html);
  } catch {
    return null;
  }
  return markdown ? { ...parsed.data, markdown, tabId } : null;
}

/**
 * A finished reply means nothing streams on that page any more: the content script leaves out the
 * `host.state` that would only say so (one runtime message less on the host page per reply), and
 * the state the panel reads is updated here instead (and a sent message means a reply starts:
 * `streaming` true, the same way). Other changes still come as a full state.
 */
async function setStreaming(tabId: number, replyUrl: string, hooks: HostRouterHooks, streaming = false): Promise<void> {
  const state = await patchHostState(tabId, (known) => (known && known.streaming !== streaming && known.url === replyUrl ? { ...known, streaming } : null));
  if (state) hooks.onHostState?.(state, tabId);
}

/**
 * Registers the background's handlers for content-script messages. Every payload is
 * validated and every sender checked: the host page can talk to its content script, so nothing a
 * content script says is trusted beyond its shape and its tab.
 */
export function registerHostRouter(hooks: HostRouterHooks = {}): () => void {
  const removers = [
    onMessage('host.state', async ({ data, sender }) => {
      const parsed = hostStateSchema.safeParse(data);
      const tabId = parsed.success ? hostTabOf(sender, parsed.data.site) : null;
      if (!parsed.success || tabId === null) return;
      hooks.onHostState?.(parsed.data, tabId);
      await writeHostState(tabId, parsed.data);
    }),

    onMessage('host.message-sent', async ({ data, sender }) => {
      const parsed = messageSentSchema.safeParse(data);
      const tabId = parsed.success ? hostTabOf(sender, parsed.data.site) : null;
      if (!parsed.success || tabId === null) return;
      // And the reply starts: the content script leaves out the state that would only say so (as above).
      void setStreaming(tabId, parsed.data.url, hooks, true).catch(() => undefined);
      await hooks.onMessageSent?.({ ...parsed.data, tabId });
    }),

    onMessage('host.panel-mounted', ({ data, sender }) => {
      const parsed = messageSentSchema.safeParse(data);
      const tabId = parsed.success ? hostTabOf(sender, parsed.data.site) : null;
      if (parsed.success && tabId !== null) hooks.onPanelMounted?.(parsed.data, tabId);
    }),

    onMessage('host.reply-finished', async ({ data, sender }): Promise<CaptureResult> => {
      // Whatever becomes of the reply (too large, say), the page it came from streams no more.
      const from = messageSentSchema.pick({ site: true, url: true }).safeParse(data);
      const fromTab = from.success ? hostTabOf(sender, from.data.site) : null;
      if (from.success && fromTab !== null) void setStreaming(fromTab, from.data.url, hooks).catch(() => undefined);
      const reply = await capturedReply(data, sender);
      if (!reply) return { captured: false, reason: 'invalid' };
      if (!hooks.onReplyFinished) return { captured: false, reason: 'no-task' };
      return hooks.onReplyFinished(reply);
    }),

    onMessage('host.reply-recovered', async ({ data, sender }): Promise<CaptureResult> => {
      const reply = await capturedReply(data, sender);
      if (!reply) return { captured: false, reason: 'invalid' };
      if (!hooks.onReplyRecovered) return { captured: false, reason: 'no-task' };
      return hooks.onReplyRecovered(reply);
    }),

  ];

  return () => {
    for (const remove of removers) remove();
  };
}

import { browser } from 'wxt/browser';
import { z } from 'zod';
import { htmlToMarkdown } from '@/lib/capture/html-to-markdown';
import { siteOfHostname } from '@/lib/hosts';
import { MAX_OUTLINE_LINES, type PageOutline } from '@/lib/hosts/site-report';
import { siteReportText } from '@/lib/hosts/site-report-text';
import type { HostSite, InsertResult } from '@/lib/hosts/types';
import { onMessage, sendMessage, type CaptureResult, type HostState, type ReplyFinished } from '@/lib/messaging/protocol';

type Sender = Parameters<Parameters<typeof browser.runtime.onMessage.addListener>[0]>[1];

const site = z.enum(['chatgpt', 'claude']);
const url = z.url().max(4096);
const conversationId = z.string().min(1).max(200).nullable();

const hostHealthSchema = z.object({
  site,
  generation: z.string().max(40).nullable(),
  composer: z.enum(['found', 'missing']),
  messages: z.enum(['found', 'none-yet', 'missing']),
  streamingSignal: z.enum(['found', 'missing']),
  reply: z.literal('missing').optional(),
  conversationId,
  matched: z.record(z.string().max(40), z.string().max(400).nullable()),
  checkedAt: z.string().max(40),
});

export const hostStateSchema = z.object({
  site,
  url,
  conversationId,
  health: hostHealthSchema,
  streaming: z.boolean(),
  theme: z.enum(['light', 'dark']).nullable().default(null),
  interference: z.number().int().min(0).max(1_000_000).default(0),
});
export const messageSentSchema = z.object({ site, url, conversationId });
export const replyFinishedSchema = z.object({
  site,
  url,
  conversationId,
  messageKey: z.string().min(1).max(300),
  html: z.string().max(2_000_000),
});
/**
 * The content script sends the page's raw structural outline (bounded here: the page can talk to its
 * content script); the report text is made from it here, masking values (`site-report-text.ts`).
 */
const outlineNodeSchema = z.tuple([z.number().int().min(0).max(500), z.string().max(100), z.string().max(4000), z.array(z.string().max(4000)).max(200), z.number().int().min(0), z.boolean(), z.string().max(100)]);
export const siteReportSchema = z.union([
  z.object({
    outline: z.object({
      site,
      url,
      health: hostHealthSchema,
      words: z.array(z.string().max(1000)).max(100_000),
      sections: z.array(z.object({ title: z.string().max(200), lines: z.array(z.union([outlineNodeSchema, z.string().max(200)])).max(MAX_OUTLINE_LINES + 100).nullable() })).max(10),
    }),
  }),
  z.object({ site, failed: z.string().regex(/^[\w .-]{1,80}$/) }),
]);
export const insertRequestSchema = z.object({ text: z.string().min(1).max(100_000), send: z.boolean() });

export interface CapturedReply extends ReplyFinished {
  markdown: string;
  tabId: number;
}

export interface HostRouterHooks {
  /** Persist a finished reply (the notes repository plugs in here). */
  onReplyFinished?: (reply: CapturedReply) => Promise<CaptureResult>;
  /** A finished reply found when a conversation opens; the hook decides whether it was missed. */
  onReplyRecovered?: (reply: CapturedReply) => Promise<CaptureResult>;
  onMessageSent?: (event: z.infer<typeof messageSentSchema> & { tabId: number }) => void | Promise<void>;
  onHostState?: (state: HostState, tabId: number) => void;
}

export const hostStateKey = (tabId: number) => `hostState:${tabId}`;

/** Last state per tab, in memory and in storage.session (which the panel can read and observe). */
const lastState = new Map<number, HostState>();

export async function getHostState(tabId: number): Promise<HostState | null> {
  const cached = lastState.get(tabId);
  if (cached) return cached;
  // The service worker may have restarted since the tab reported.
  const key = hostStateKey(tabId);
  const stored = (await browser.storage.session.get(key))[key];
  const parsed = hostStateSchema.safeParse(stored);
  return parsed.success ? (parsed.data as HostState) : null;
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

/** A reply reported by a content script: validated, from its own tab, converted outside the page. */
function capturedReply(data: unknown, sender: Sender): CapturedReply | null {
  const parsed = replyFinishedSchema.safeParse(data);
  const tabId = parsed.success ? hostTabOf(sender, parsed.data.site) : null;
  if (!parsed.success || tabId === null) return null;
  let markdown: string;
  try {
    markdown = htmlToMarkdown(parsed.data.html);
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
async function endStreaming(tabId: number, replyUrl: string, hooks: HostRouterHooks, streaming = false): Promise<void> {
  const known = lastState.get(tabId) ?? (await getHostState(tabId));
  if (!known || known.streaming === streaming || known.url !== replyUrl) return;
  const state: HostState = { ...known, streaming };
  lastState.set(tabId, state);
  hooks.onHostState?.(state, tabId);
  await browser.storage.session.set({ [hostStateKey(tabId)]: state });
}

const refused = (detail: string): InsertResult => ({ ok: false, verified: false, sent: false, reason: 'composer-missing', detail });

/**
 * Registers the background's handlers for content-script and panel messages. Every payload is
 * validated and every sender checked: the host page can talk to its content script, so nothing a
 * content script says is trusted beyond its shape and its tab.
 */
export function registerHostRouter(hooks: HostRouterHooks = {}): () => void {
  const removers = [
    onMessage('host.state', async ({ data, sender }) => {
      const parsed = hostStateSchema.safeParse(data);
      const tabId = parsed.success ? hostTabOf(sender, parsed.data.site) : null;
      if (!parsed.success || tabId === null) return;
      const state = parsed.data as HostState;
      lastState.set(tabId, state);
      hooks.onHostState?.(state, tabId);
      await browser.storage.session.set({ [hostStateKey(tabId)]: state });
    }),

    onMessage('host.message-sent', async ({ data, sender }) => {
      const parsed = messageSentSchema.safeParse(data);
      const tabId = parsed.success ? hostTabOf(sender, parsed.data.site) : null;
      if (!parsed.success || tabId === null) return;
      // And the reply starts: the content script leaves out the state that would only say so (as above).
      void endStreaming(tabId, parsed.data.url, hooks, true).catch(() => undefined);
      await hooks.onMessageSent?.({ ...parsed.data, tabId });
    }),

    onMessage('host.reply-finished', async ({ data, sender }): Promise<CaptureResult> => {
      // Whatever becomes of the reply (too large, say), the page it came from streams no more.
      const from = messageSentSchema.pick({ site: true, url: true }).safeParse(data);
      const fromTab = from.success ? hostTabOf(sender, from.data.site) : null;
      if (from.success && fromTab !== null) void endStreaming(fromTab, from.data.url, hooks).catch(() => undefined);
      const reply = capturedReply(data, sender);
      if (!reply) return { captured: false, reason: 'invalid' };
      if (!hooks.onReplyFinished) return { captured: false, reason: 'no-task' };
      return hooks.onReplyFinished(reply);
    }),

    onMessage('host.reply-recovered', async ({ data, sender }): Promise<CaptureResult> => {
      const reply = capturedReply(data, sender);
      if (!reply) return { captured: false, reason: 'invalid' };
      if (!hooks.onReplyRecovered) return { captured: false, reason: 'no-task' };
      return hooks.onReplyRecovered(reply);
    }),

    onMessage('panel.get-host-state', async ({ sender }) => {
      const tabId = panelTabOf(sender);
      return tabId === null ? null : getHostState(tabId);
    }),

    onMessage('panel.insert', async ({ data, sender }): Promise<InsertResult> => {
      const tabId = panelTabOf(sender);
      const parsed = insertRequestSchema.safeParse(data);
      if (tabId === null) return refused('not a ConvOps panel in a chat tab');
      if (!parsed.success) return { ok: false, verified: false, sent: false, reason: 'text-did-not-take', detail: 'invalid text' };
      try {
        return await sendMessage('content.insert', parsed.data, { tabId, frameId: 0 });
      } catch (error) {
        return refused(`the page is not ready (${error instanceof Error ? error.message : 'no content script'})`);
      }
    }),

    onMessage('panel.site-report', async ({ sender }) => {
      const tabId = panelTabOf(sender);
      if (tabId === null) return null;
      try {
        const parsed = siteReportSchema.safeParse(await sendMessage('content.site-report', undefined, { tabId, frameId: 0 }));
        if (!parsed.success) return null;
        const data = parsed.data;
        if ('failed' in data) return { report: `# ConvOps site report\nsite: ${data.site}\n(the report failed: ${data.failed})` };
        return { report: siteReportText(data.outline as PageOutline, browser.runtime.getManifest().version) };
      } catch {
        return null;
      }
    }),

    onMessage('panel.new-chat', async ({ sender }) => {
      const tabId = panelTabOf(sender);
      if (tabId === null) return { ok: false };
      try {
        return await sendMessage('content.new-chat', undefined, { tabId, frameId: 0 });
      } catch {
        return { ok: false };
      }
    }),
  ];

  const onRemoved = (tabId: number) => {
    lastState.delete(tabId);
    void browser.storage.session.remove(hostStateKey(tabId)).catch(() => undefined);
  };
  browser.tabs.onRemoved.addListener(onRemoved);

  return () => {
    for (const remove of removers) remove();
    browser.tabs.onRemoved.removeListener(onRemoved);
  };
}

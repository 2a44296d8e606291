// Long on purpose: the content script's one runtime: it wires the adapter, the reply watcher, the panel mount and the messages together, and everything it starts must stop together when the extension is reloaded.
import { browser } from 'wxt/browser';
import type { HostAdapter } from '@/lib/hosts/adapter';
import { insertText, readComposer, send } from '@/lib/hosts/composer-insert';
import { pageOutline } from '@/lib/hosts/site-report';
import { hostTheme, THEME_ATTRIBUTES } from '@/lib/hosts/theme';
import type { InsertResult } from '@/lib/messaging/protocol';
import type { HostStateReport as HostState, InsertRequest } from '@/lib/messaging/schemas';
import type { ContentScriptContext } from './lifetime';
import { onMessage, sendMessage } from './messenger';
import { PanelMount } from './panel-mount';
import { hasText, ReplyWatcher } from './reply-watcher';
import { DEFAULT_UI_SETTINGS, parseUiSettings, UI_SETTINGS_KEY, type UiSettings } from '@/lib/messaging/ui-settings';

const MAX_INSERT = 100_000;

/** Runs `fn` and swallows errors: nothing the extension does may throw into the host page. */
function safe<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      fn(...args);
    } catch (error) {
      console.debug('[convops]', error);
    }
  };
}

function post<T>(promise: Promise<T>): void {
  // The background may be restarting; the next state report catches up.
  promise.catch(() => undefined);
}

/**
 * The content script's whole runtime on chatgpt.com / claude.ai: reports state and finished replies
 * to the background, inserts briefings on request, and hosts the panel iframe. Stops cleanly when
 * the extension context goes away (update, reload, uninstall).
 */
export function startContentRuntime(ctx: ContentScriptContext, adapter: HostAdapter): void {
  let settings: UiSettings = DEFAULT_UI_SETTINGS;
  let active = false;
  let url = location.href;
  let identity = adapter.conversationFromUrl(url);
  let sendingByUs = false;
  // This load of the page, and the conductor's inserts it was asked for: one attempt, one insert,
  // however often a restarted service worker asks (see `content.attempt`).
  const page = crypto.randomUUID();
  const attempts = new Map<string, Promise<InsertResult>>();

  const conversationId = () => adapter.conversationFromUrl(location.href).id;
  // Health costs a style recalculation and several cascades; state is reported when every reply starts
  // and ends. Once every concern resolved on this URL the answer stands until the URL changes (an
  // insert still finds the composer afresh and reports if it is gone).
  let knownHealth: { url: string; health: HostState['health'] } | null = null;
  const health = () => {
    const href = location.href;
    if (knownHealth?.url === href) return knownHealth.health;
    const current = adapter.health(document, href);
    const resolved = current.composer === 'found' && current.messages === 'found' && current.streamingSignal === 'found';
    knownHealth = resolved ? { url: href, health: current } : null;
    return current;
  };
  // A reply streamed but could not be read (the site's markup changed): the health line says so.
  let replyMissing = false;
  // `streaming` is passed when the caller has just seen it (a reply starting or finishing): with
  // nothing streaming, asking costs a walk of every streaming selector over the whole page.
  const state = (streaming = adapter.isStreaming(document)): HostState => ({
    page,
    site: adapter.site,
    url: location.href,
    conversationId: conversationId(),
    health: replyMissing ? { ...health(), reply: 'missing' } : health(),
    streaming,
    theme: hostTheme(document),
    interference,
    collapsed: panel.isCollapsed,
  });
  // Whether the last report found a composer; while it did not, settled mutations look again, because
  // the composer hydrates late on some pages (and only then: the look is skipped once it is found).
  let composerFound = false;
  // The state the background holds for this page: the last one sent, with `streaming` as the background
  // sets it itself (true on `host.message-sent`, false on `host.reply-finished`, for the URL it knows).
  // A report that would only repeat it is left out: one runtime message less when a reply starts, one
  // when it ends (each costs the host page's main thread more than anything else per reply).
  let sentState: HostState | null = null;
  const believe = (streaming: boolean, at: string) => {
    if (sentState && sentState.url === at) sentState = { ...sentState, streaming };
  };
  const reportState = safe((streaming?: boolean, unlessKnown = false) => {
    if (!active) return;
    const current = state(streaming);
    composerFound = current.health.composer === 'found';
    const last = sentState;
    sentState = current;
    // Health is cached per URL once resolved, so an unchanged page gives the very same object.
    // `collapsed` is not compared: each collapse and opening is reported at once, so the last report has it.
    if (
      unlessKnown &&
      last?.streaming === current.streaming &&
      last.url === current.url &&
      last.conversationId === current.conversationId &&
      last.theme === current.theme &&
      last.health === current.health &&
      last.interference === current.interference
    ) {
      return;
    }
    post(sendMessage('host.state', current));
  });
  const reportSent = safe((alreadyArmed = false, sentWith?: Element) => {
    if (!alreadyArmed) watcher.arm(sentWith);
    replyMissing = false;
    post(sendMessage('host.message-sent', { site: adapter.site, url: location.href, conversationId: conversationId() }));
    believe(true, location.href);
  });

  // After repeated tampering the health line says so (reported once it starts, then with each state report).
  let interference = 0;
  const panel = new PanelMount(document, adapter, browser.runtime.getURL('/panel.html'), { side: settings.panelSide, width: settings.panelWidth }, (count) => {
    const first = interference === 0;
    interference = count;
    if (first) reportState();
  }, () => reportState());
  const watcher = new ReplyWatcher({
    doc: document,
    adapter,
    conversationId,
    onReply: safe((reply) => {
      replyMissing = false;
      post(sendMessage('host.reply-finished', { site: adapter.site, url: location.href, conversationId: reply.conversationId, messageKey: reply.key, html: reply.html }));
      believe(false, location.href);
      // The watcher reports a reply only once nothing streams.
      reportState(false, true);
    }),
    // After our own `host.message-sent` the background already shows the reply as started.
    onStreaming: () => reportState(true, true),
    onReplyMissing: safe(() => {
      replyMissing = true;
      reportState();
    }),
    onSettled: safe(() => {
      panel.ensure();
      recoverMissedReply();
      if (!composerFound && adapter.findComposer(document)) reportState();
    }),
  });

  // A reply that finished just before the tab closed may never have been stored: once the page of a
  // conversation has settled, its finished last reply is reported once; the background keeps it only
  // if the task still waits for a reply (and once, by its message key).
  let recovery = { url: '', tries: 0, done: false };
  const recoverMissedReply = () => {
    if (!active) return;
    if (recovery.url !== location.href) recovery = { url: location.href, tries: 0, done: false };
    if (recovery.done || recovery.tries++ > 20 || adapter.isStreaming(document)) return;
    const id = conversationId();
    if (!id) {
      recovery.done = true;
      return;
    }
    const last = adapter.lastAssistant(document, id);
    const body = last && !last.pending ? adapter.assistantBody(last.element) : null;
    if (!last || !body || !hasText(body)) return;
    recovery.done = true;
    post(sendMessage('host.reply-recovered', { site: adapter.site, url: location.href, conversationId: id, messageKey: last.key, html: body.innerHTML }));
  };

  // The script runs at document_start (DESIGN.md: panel ready ≤ 150 ms after navigation): the panel
  // frame goes in as soon as the page has a body, so the panel loads while the site's own scripts do;
  // what reads the site (the reply watcher, the state report) starts once the document is parsed.
  // The frame does not wait for the settings either (their answer took 20–50 ms of the budget): until
  // they are read it is held hidden, and on a site switched off it is taken out unseen.
  let parsed = false;
  let held = true;
  const mountPanel = () => {
    // Before the frame exists: the background reads the panel's first screen while the frame loads.
    if (!panel.frameElement) post(sendMessage('host.panel-mounted', { site: adapter.site, url: location.href, conversationId: conversationId() }));
    panel.mount(held);
  };
  const start = () => {
    mountPanel();
    watcher.start();
    reportState();
    // The composer hydrates after the document is parsed on both sites; report again once it has.
    ctx.setTimeout(reportState, 1500);
  };
  const activate = safe((on: boolean) => {
    // The first settings decide on the held frame either way.
    if (on === active && !held) return;
    held = false;
    active = on;
    if (!on) {
      watcher.stop();
      panel.unmount();
    } else if (parsed) start();
    // Without a body yet, the observer below mounts the frame once there is one.
    else if (document.body) mountPanel();
  });
  const onParsed = safe(() => {
    parsed = true;
    theme = hostTheme(document);
    themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: THEME_ATTRIBUTES });
    if (active) start();
  });

  const applySettings = safe((value: unknown) => {
    settings = parseUiSettings(value);
    panel.setLayout({ side: settings.panelSide, width: settings.panelWidth });
    activate(settings.sites[adapter.site]);
  });

  const onUrl = safe((next: string) => {
    if (next === url) return;
    const nextIdentity = adapter.conversationFromUrl(next);
    // A new chat gets its id by pushState after the first send: same chat, keep watching the reply.
    const sameChat = identity.id === nextIdentity.id || (identity.id === null && (identity.kind === 'new' || identity.kind === 'project') && nextIdentity.kind !== 'other');
    url = next;
    identity = nextIdentity;
    if (!sameChat) watcher.rebaseline();
    panel.ensure();
    reportState();
  });

  // The lifetime calls this from the Navigation API's `navigate` event, before a pushState commits:
  // read the URL (and so the state reported to the panel) once it has.
  ctx.addEventListener(window, 'wxt:locationchange', () => ctx.setTimeout(() => onUrl(location.href), 0));
  ctx.addEventListener(window, 'popstate', (event: Event) => {
    if (event.isTrusted) onUrl(location.href);
  });

  // Sends the person makes themselves (Enter in the composer, a click on Send) arm the watcher and are
  // recorded as `message.sent` by the named person: only real input counts (`isTrusted` is false for
  // events a page script dispatches), else the page could write the audit trail.
  ctx.addEventListener(
    document,
    'keydown',
    safe((event: KeyboardEvent) => {
      if (!event.isTrusted || !active || sendingByUs || event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
      const composer = adapter.findComposer(document);
      if (composer && event.target instanceof Node && composer.contains(event.target) && readComposer(composer).trim()) reportSent();
    }),
    { capture: true },
  );
  ctx.addEventListener(
    document,
    'click',
    safe((event: MouseEvent) => {
      if (!event.isTrusted || !active || sendingByUs || !(event.target instanceof Element)) return;
      const button = event.target.closest('button');
      if (button && adapter.isSendButton(button) && !button.disabled) reportSent(false, button);
    }),
    { capture: true },
  );

  // The site's own Send, pressed for the person (or for ConvOps in drive mode with auto-send).
  const pressSend = async (inserted: InsertResult): Promise<InsertResult> => {
    sendingByUs = true;
    try {
      // Armed before the click: on fast pages the reply's turn exists by the time send() returns,
      // and arming afterwards would take that reply as the baseline and never report it.
      watcher.arm();
      const sent = await send(document, adapter);
      if (sent.sent) reportSent(true);
      return { ...inserted, sent: sent.sent, ...(sent.reason ? { reason: sent.reason } : {}), ...(sent.detail && !sent.sent ? { detail: sent.detail } : {}) };
    } finally {
      sendingByUs = false;
    }
  };

  // Puts a briefing into the prompt box (and sends it when asked); never throws into the page.
  const insertNow = async (data: InsertRequest | undefined): Promise<InsertResult> => {
    try {
      if (!active) return { ok: false, verified: false, sent: false, reason: 'site-disabled' };
      if (!data || typeof data.text !== 'string' || data.text.length > MAX_INSERT) {
        return { ok: false, verified: false, sent: false, reason: 'text-did-not-take', detail: 'invalid text' };
      }
      const inserted = await insertText(document, adapter, data.text);
      if (inserted.reason === 'composer-missing' && knownHealth) {
        knownHealth = null;
        reportState();
      }
      if (!inserted.ok || data.send !== true) return inserted;
      return await pressSend(inserted);
    } catch (error) {
      return { ok: false, verified: false, sent: false, reason: 'text-did-not-take', detail: String(error) };
    }
  };

  const removers = [
    onMessage('content.insert', ({ data }): Promise<InsertResult> => {
      const attempt = typeof data?.attempt === 'string' ? data.attempt : null;
      const earlier = attempt === null ? undefined : attempts.get(attempt);
      if (earlier) return earlier;
      const result = insertNow(data);
      if (attempt !== null) {
        attempts.set(attempt, result);
        // A page keeps the last few: a restart asks about the one it was cut short in.
        if (attempts.size > 16) attempts.delete(attempts.keys().next().value!);
      }
      return result;
    }),
    onMessage('content.attempt', ({ data }) => (typeof data === 'string' ? (attempts.get(data) ?? null) : null)),
    onMessage('content.send', async (): Promise<InsertResult> => {
      try {
        if (!active) return { ok: false, verified: false, sent: false, reason: 'site-disabled' };
        const composer = adapter.findComposer(document);
        if (!composer) return { ok: false, verified: false, sent: false, reason: 'composer-missing' };
        if (!readComposer(composer).trim()) return { ok: false, verified: false, sent: false, reason: 'text-did-not-take', detail: 'the prompt box is empty' };
        return await pressSend({ ok: true, verified: true, sent: false });
      } catch (error) {
        return { ok: false, verified: false, sent: false, reason: 'text-did-not-take', detail: String(error) };
      }
    }),
    onMessage('content.site-report', () => {
      try {
        return { outline: pageOutline(document, adapter, location.href) };
      } catch (error) {
        return { site: adapter.site, failed: error instanceof Error ? error.name : 'error' };
      }
    }),
    onMessage('content.attention', ({ data }) => {
      panel.setAttention(typeof data === 'string' ? data.slice(0, 24) : null);
    }),
    onMessage('content.toggle-panel', () => {
      if (!active) return { ok: false };
      panel.setCollapsed(!panel.isCollapsed);
      return { ok: true, collapsed: panel.isCollapsed };
    }),
    onMessage('content.new-chat', () => {
      try {
        const target = new URL(adapter.newChatPath, location.origin).href;
        // Prefer the site's own link: an SPA navigation keeps the page (and this script) alive.
        const link = [...document.querySelectorAll<HTMLAnchorElement>('a[href]')].find((a) => a.href === target);
        if (link) link.click();
        else location.assign(target);
        return { ok: true };
      } catch {
        return { ok: false };
      }
    }),
  ];

  // The site's theme switch only touches the root element's attributes: watch just those.
  let theme: ReturnType<typeof hostTheme> = null;
  const themeObserver = new MutationObserver(
    safe(() => {
      const next = hostTheme(document);
      if (next !== theme) {
        theme = next;
        reportState();
      }
    }),
  );

  const onStorage = safe((changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area === 'local' && UI_SETTINGS_KEY in changes) applySettings(changes[UI_SETTINGS_KEY]?.newValue);
  });
  browser.storage.onChanged.addListener(onStorage);

  ctx.onInvalidated(() => {
    themeObserver.disconnect();
    browser.storage.onChanged.removeListener(onStorage);
    for (const remove of removers) remove();
    watcher.stop();
    panel.unmount();
    active = false;
  });

  if (document.readyState === 'loading') ctx.addEventListener(document, 'DOMContentLoaded', onParsed);
  else onParsed();

  browser.storage.local
    .get(UI_SETTINGS_KEY)
    .then((stored) => applySettings(stored[UI_SETTINGS_KEY]))
    .catch(() => applySettings(undefined));
  // Held until the settings are read (above), and mounted at once if there is a body already.
  if (document.body) mountPanel();
  else {
    const early = new MutationObserver(
      safe(() => {
        if (!document.body) return;
        early.disconnect();
        if (active || held) mountPanel();
      }),
    );
    early.observe(document, { childList: true, subtree: true });
    ctx.onInvalidated(() => early.disconnect());
  }
}

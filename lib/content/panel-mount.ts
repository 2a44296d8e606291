import type { HostAdapter, PanelLayout } from '@/lib/hosts/adapter';

const HOST_ID = 'convops-panel-host';
const STYLE_ID = 'convops-layout';
const TOGGLE_ID = 'convops-panel-toggle';

/** Tampering this many times on one page is reported ("the page interfered with the panel"). */
export const TAMPER_REPORT_AFTER = 3;
/** More restores than this within a second and the mount stops fighting synchronously (see restoreSoon). */
const RESTORES_PER_SECOND = 20;

/**
 * The panel: an iframe of the extension's panel page, fixed beside the chat, plus the `<style>`
 * that makes the site leave room for it. Elements are built with DOM APIs and inline styles only.
 *
 * The host page is hostile, so:
 * - the iframe lives in a **closed** shadow root: page scripts cannot query it, read its `src` (the
 *   panel's URL, which they could frame under the cursor) or restyle it — only the host element is
 *   visible to them;
 * - every inline style is `!important` (a page stylesheet cannot override it) and a MutationObserver
 *   puts back the host's and the frame's attributes, the frame's `src` and the layout `<style>` when
 *   someone else changes them; a load of the frame we did not start (the page navigated it, say to
 *   a `data:` page) sets `src` back;
 * - each such repair counts as tampering; after TAMPER_REPORT_AFTER the runtime reports it in the
 *   panel's health line. (Covering the panel cannot be repaired from here; that is why decisions are
 *   taken in the review window.)
 * React on the host page may also drop foreign nodes on navigation; `ensure()` puts them back.
 */
export class PanelMount {
  // Private names (`#`), not TypeScript's `private`: the minifier shortens them, and the content
  // script has a size budget (DESIGN.md). Nothing outside the class can reach them at all.
  #host: HTMLDivElement | null = null;
  #frame: HTMLIFrameElement | null = null;
  #handle: HTMLButtonElement | null = null;
  #toggle: HTMLButtonElement | null = null;
  #style: HTMLStyleElement | null = null;
  #layout: PanelLayout;
  #collapsed = false;
  #held = false;
  #observer: MutationObserver | null = null;
  /** Loads of the frame we started ourselves (src set, frame re-attached) and still expect. */
  #expectedLoads = 0;
  #tamperCount = 0;
  #recentRestores: number[] = [];
  #restoreTimer: ReturnType<typeof setTimeout> | null = null;

  readonly #doc: Document;
  readonly #adapter: HostAdapter;
  readonly #panelUrl: string;
  readonly #onTamper: ((count: number) => void) | undefined;
  readonly #onCollapse: (() => void) | undefined;

  /** `onCollapse`: the panel was collapsed or opened (the runtime reports it: the panel sends the pill's word only while collapsed). */
  constructor(doc: Document, adapter: HostAdapter, panelUrl: string, layout: PanelLayout, onTamper?: (count: number) => void, onCollapse?: () => void) {
    this.#doc = doc;
    this.#adapter = adapter;
    this.#panelUrl = panelUrl;
    this.#layout = layout;
    this.#onTamper = onTamper;
    this.#onCollapse = onCollapse;
  }

  get isCollapsed(): boolean {
    return this.#collapsed;
  }

  /** How often the page changed the panel behind our back on this page. */
  get tampered(): number {
    return this.#tamperCount;
  }

  /** The iframe, for the content script and its tests only: the page cannot reach it through the closed root. */
  get frameElement(): HTMLIFrameElement | null {
    return this.#frame;
  }

  /**
   * `held`: the frame goes in and loads, but nothing shows and the site makes no room yet (the host is
   * `display:none`): the runtime mounts it so before the settings are read, and takes it out unseen
   * when they say the site is switched off. `mount()` again shows it.
   */
  mount(held = false): void {
    const doc = this.#doc;
    this.#held = held;
    if (!this.#host) {
      this.#host = doc.createElement('div');
      this.#host.id = HOST_ID;
      const root = this.#host.attachShadow({ mode: 'closed' });
      this.#frame = this.#createFrame();
      this.#handle = this.#button('Collapse the ConvOps panel', () => this.setCollapsed(true));
      root.append(this.#frame, this.#handle);
      this.#toggle = this.#button('Open the ConvOps panel', () => this.setCollapsed(false));
      this.#toggle.id = TOGGLE_ID;
      this.#toggle.textContent = this.#pillText();
      this.#observer = new (doc.defaultView ?? window).MutationObserver((records) => this.#onMutations(records));
    }
    this.#applyStyles();
    this.ensure();
    this.#observe();
  }

  /** Puts back whatever the page removed; cheap enough to call after every settled mutation burst. */
  ensure(): void {
    if (!this.#host || !this.#toggle) return;
    const root = this.#doc.body ?? this.#doc.documentElement;
    if (!this.#host.isConnected) {
      // Re-attaching an iframe loads its src again: that load is ours.
      this.#expectedLoads++;
      root.append(this.#host);
    }
    if (!this.#toggle.isConnected) root.append(this.#toggle);
    const wantStyle = !this.#collapsed && !this.#held;
    if (wantStyle && !this.#style?.isConnected) {
      this.#style ??= this.#doc.createElement('style');
      this.#style.id = STYLE_ID;
      this.#style.textContent = this.#adapter.layoutCss(this.#layout);
      (this.#doc.head ?? this.#doc.documentElement).append(this.#style);
      this.#observe();
    } else if (!wantStyle) this.#style?.remove();
    this.#forgetOwnMutations();
  }

  setLayout(layout: PanelLayout): void {
    this.#layout = layout;
    if (this.#style) this.#style.textContent = this.#adapter.layoutCss(layout);
    this.#applyStyles();
  }

  /** The panel's headline in one word ("Send", "Decide"…), shown on the pill with a dot; null for none. */
  setAttention(word: string | null): void {
    // Only the pill's text depends on the word, and the pill shows only while the panel is collapsed
    // (the panel sends words only then: the state report says so). A word that comes while open
    // changes nothing on the page (a restyle of the mount each time, and the page mutation it made,
    // showed in the host-page profile); collapsing writes the text (#applyStyles).
    if (word === this.#attention) return;
    this.#attention = word;
    if (!this.#collapsed) return;
    const pending = this.#observer?.takeRecords() ?? [];
    const text = this.#pillText();
    if (this.#toggle && this.#toggle.textContent !== text) this.#toggle.textContent = text;
    this.#forgetOwnMutations();
    // What the page did before this change is still judged (and repaired) as tampering.
    if (pending.length > 0) this.#onMutations(pending);
  }

  #attention: string | null = null;

  #pillText(): string {
    return this.#attention ? `● ConvOps · ${this.#attention}` : 'ConvOps';
  }

  setCollapsed(collapsed: boolean): void {
    // While open the panel sends no words, so the last one is stale by the next collapse: the pill
    // says just "ConvOps" until the panel, told of the collapse, sends the word of the moment.
    if (!collapsed) this.#attention = null;
    this.#collapsed = collapsed;
    this.#applyStyles();
    this.ensure();
    this.#onCollapse?.();
  }

  unmount(): void {
    this.#observer?.disconnect();
    if (this.#restoreTimer !== null) clearTimeout(this.#restoreTimer);
    this.#host?.remove();
    this.#toggle?.remove();
    this.#style?.remove();
    this.#host = this.#frame = this.#handle = this.#toggle = this.#style = null;
    this.#observer = null;
    this.#restoreTimer = null;
  }

  #createFrame(): HTMLIFrameElement {
    const frame = this.#doc.createElement('iframe');
    frame.title = 'ConvOps panel';
    // `*`, not the default 'src': with use_dynamic_url the frame's URL carries a per-session id while the
    // document inside has the extension's own origin, so 'src' does not match it and every Copy is
    // refused by the permissions policy. The frame only ever holds our page (the mount replaces it when
    // the page points it elsewhere), so this grants nothing to the page.
    frame.setAttribute('allow', 'clipboard-write *');
    frame.addEventListener('load', () => this.#onFrameLoad(frame));
    frame.src = this.#panelUrl;
    return frame;
  }

  /**
   * A fresh frame rather than `src` set again: whatever the page started in the old one (a navigation
   * still in flight, a second one queued) dies with it, and the new one has exactly one load to come.
   */
  #replaceFrame(): void {
    const old = this.#frame;
    if (!old || !this.#host) return;
    const fresh = this.#createFrame();
    this.#frame = fresh;
    this.#expectedLoads = this.#host.isConnected ? 1 : 0;
    old.replaceWith(fresh);
    this.#applyStyles();
    this.#observe();
    this.#forgetOwnMutations();
  }

  #onFrameLoad(frame: HTMLIFrameElement): void {
    if (frame !== this.#frame) return;
    if (this.#expectedLoads > 0) {
      this.#expectedLoads--;
      return;
    }
    // The frame navigated without us (the page pointed it elsewhere): back to the real panel.
    this.#tamper();
    this.#replaceFrame();
  }

  #observe(): void {
    const observer = this.#observer;
    if (!observer || !this.#host || !this.#frame || !this.#toggle) return;
    observer.disconnect();
    observer.observe(this.#host, { attributes: true });
    observer.observe(this.#frame, { attributes: true });
    observer.observe(this.#toggle, { attributes: true, childList: true, characterData: true, subtree: true });
    if (this.#handle) observer.observe(this.#handle, { attributes: true });
    if (this.#style) observer.observe(this.#style, { attributes: true, childList: true, characterData: true, subtree: true });
  }

  /** Our own writes are mutations too: drop them before the observer callback sees them. */
  #forgetOwnMutations(): void {
    this.#observer?.takeRecords();
  }

  #onMutations(records: MutationRecord[]): void {
    if (records.length === 0 || !this.#host) return;
    const srcChanged = records.some((r) => r.target === this.#frame && r.attributeName === 'src');
    this.#tamper();
    this.#restoreSoon(srcChanged);
  }

  #tamper(): void {
    this.#tamperCount++;
    if (this.#tamperCount >= TAMPER_REPORT_AFTER) this.#onTamper?.(this.#tamperCount);
  }

  /**
   * Restores at once, unless the page keeps fighting (it may change the panel from its own observer,
   * which would turn two observers into a loop that freezes the tab): then once a moment.
   */
  #restoreSoon(srcChanged: boolean): void {
    const now = Date.now();
    this.#recentRestores = this.#recentRestores.filter((t) => now - t < 1000);
    this.#recentRestores.push(now);
    const restore = () => {
      this.#restoreTimer = null;
      if (!this.#host) return;
      if (srcChanged || this.#frame?.getAttribute('src') !== this.#panelUrl) this.#replaceFrame();
      if (this.#style && this.#style.textContent !== this.#adapter.layoutCss(this.#layout)) this.#style.textContent = this.#adapter.layoutCss(this.#layout);
      this.#applyStyles();
      this.#forgetOwnMutations();
    };
    if (this.#recentRestores.length <= RESTORES_PER_SECOND) restore();
    else this.#restoreTimer ??= setTimeout(restore, 250);
  }

  #button(label: string, onClick: () => void): HTMLButtonElement {
    const b = this.#doc.createElement('button');
    b.type = 'button';
    b.setAttribute('aria-label', label);
    b.title = label;
    b.addEventListener('click', (event) => {
      event.stopPropagation();
      if (event.isTrusted) onClick();
    });
    return b;
  }

  /** Inline declarations, each `!important`: beats any page stylesheet, even its own `!important`. */
  static #css(declarations: string): string {
    return declarations
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => `${d} !important;`)
      .join('');
  }

  #applyStyles(): void {
    const { side, width } = this.#layout;
    const edge = side === 'right' ? 'right' : 'left';
    const visible = 'opacity:1;visibility:visible;filter:none;transform:none;clip-path:none;mask:none;mix-blend-mode:normal;pointer-events:auto';
    const set = (el: HTMLElement | null, declarations: string) => {
      if (!el) return;
      const css = PanelMount.#css(declarations);
      if (el.getAttribute('style') !== css) el.setAttribute('style', css);
      for (const name of [...el.getAttributeNames()]) {
        if (!PanelMount.#ownAttributes.has(name)) el.removeAttribute(name);
      }
    };
    set(
      this.#host,
      `all:initial;position:fixed;top:0;bottom:0;${edge}:0;width:${width}px;z-index:2147483646;display:${this.#collapsed || this.#held ? 'none' : 'block'};box-shadow:0 0 0 1px rgba(0,0,0,.12);background:#fff;${visible}`,
    );
    set(this.#frame, `border:0;width:100%;height:100%;display:block;background:transparent;color-scheme:normal;${visible}`);
    if (this.#handle) this.#handle.textContent = side === 'right' ? '›' : '‹';
    set(
      this.#handle,
      `all:initial;position:absolute;top:50%;${side === 'right' ? 'left' : 'right'}:-18px;width:18px;height:48px;margin-top:-24px;cursor:pointer;background:#f4f4f5;border:1px solid #d4d4d8;border-radius:6px;font:14px/46px system-ui,sans-serif;text-align:center;color:#3f3f46;${visible}`,
    );
    set(
      this.#toggle,
      `all:initial;position:fixed;bottom:96px;${edge}:12px;z-index:2147483646;display:${this.#collapsed ? 'block' : 'none'};cursor:pointer;padding:8px 12px;border-radius:999px;background:#18181b;color:#fff;font:600 12px/16px system-ui,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.25);${visible}`,
    );
    const text = this.#pillText();
    if (this.#toggle && this.#toggle.textContent !== text) this.#toggle.textContent = text;
    this.#forgetOwnMutations();
  }

  /** The attributes the mount itself sets; anything else the page adds (hidden, inert, class…) is removed. */
  static readonly #ownAttributes = new Set(['id', 'style', 'src', 'title', 'allow', 'type', 'aria-label']);
}

import { browser } from 'wxt/browser';

/**
 * The content script's lifetime, in place of WXT's `ContentScriptContext` (wxt.config.ts aliases
 * `wxt/utils/content-script-context` here, so WXT's entry wrapper builds this one). WXT's class, with
 * its location watcher and event helpers, was ~0.8 KB of the content script's 11 KB gzipped budget;
 * the runtime needs only what is below.
 *
 * What stays from WXT: a copy that starts announces itself with the same event WXT uses (so a copy
 * from an older build stops), and everything started through the lifetime stops when it ends.
 *
 * The defence: an announcement alone never stops a running copy. Any page script can dispatch that
 * event (its name is the extension id and the entry name) and it is no more `isTrusted` than ours.
 * What tells a real restart apart is that this copy's extension context is gone (a reload, update or
 * uninstall removes `browser.runtime.id`): only then does the copy stop. WXT stopped on the event itself.
 */
export class ContentScriptContext {
  /** The name WXT gives the announcement of an entry (`<extension id>:<entry>:wxt:content-script-started`). */
  static startedType(entry: string): string {
    return `${browser.runtime?.id}:${entry}:wxt:content-script-started`;
  }
  readonly #controller = new AbortController();
  readonly #id = crypto.randomUUID();

  constructor(readonly contentScriptName: string) {
    const type = ContentScriptContext.startedType(contentScriptName);
    document.addEventListener(type, () => this.isValid, { signal: this.signal });
    // Also announced under `host`, the one entry's name before each site had its own: a copy from an
    // older build listens for that one.
    for (const name of [contentScriptName, 'host']) {
      document.dispatchEvent(new CustomEvent(ContentScriptContext.startedType(name), { detail: { contentScriptName: name, messageId: this.#id } }));
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** False once the extension context is gone (checked on every use) or the lifetime was ended. */
  get isValid(): boolean {
    let alive = false;
    try {
      alive = browser.runtime?.id != null;
    } catch {
      alive = false;
    }
    if (!alive) this.notifyInvalidated();
    return !this.signal.aborted;
  }

  notifyInvalidated(): void {
    this.#controller.abort();
  }

  onInvalidated(listener: () => void): () => void {
    this.signal.addEventListener('abort', listener);
    return () => this.signal.removeEventListener('abort', listener);
  }

  setTimeout(handler: () => void, ms: number): number {
    const id = window.setTimeout(() => this.isValid && handler(), ms);
    this.onInvalidated(() => clearTimeout(id));
    return id;
  }

  /**
   * A listener removed when the lifetime ends. `wxt:locationchange` is not an event on `target`: it
   * calls `handler` when the URL changes, from the Navigation API's `navigate` (before a pushState
   * commits, as WXT does) or, where there is none (Firefox before 147), a check each second. The page
   * cannot fire it: nothing is dispatched where a page script could dispatch it too.
   */
  addEventListener<E extends Event>(target: EventTarget, type: string, handler: (event: E) => void, options?: AddEventListenerOptions): void {
    const signal = this.signal;
    const listener = handler as EventListener;
    if (type !== 'wxt:locationchange') {
      target.addEventListener(type, listener, { ...options, signal });
      return;
    }
    const navigation = (globalThis as { navigation?: EventTarget }).navigation;
    if (typeof navigation?.addEventListener === 'function') {
      navigation.addEventListener('navigate', listener, { signal });
      return;
    }
    let last = location.href;
    const id = setInterval(() => {
      if (location.href !== last && this.isValid) {
        last = location.href;
        listener(new Event(type));
      }
    }, 1000);
    this.onInvalidated(() => clearInterval(id));
  }
}

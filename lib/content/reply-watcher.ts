// Long on purpose: one state machine (watching, streaming, settling, reported) over the page's mutations; its timers and observers must be started and stopped together, so they are in one class.
import type { HostAdapter } from '@/lib/hosts/adapter';

export interface FinishedReply {
  key: string;
  /** The answer body's HTML, read from the page (never written back). */
  html: string;
  conversationId: string | null;
}

export interface ReplyWatcherOptions {
  doc: Document;
  adapter: HostAdapter;
  conversationId: () => string | null;
  onReply: (reply: FinishedReply) => void;
  /** A reply started streaming (for the panel's state); called once per reply. */
  onStreaming?: () => void;
  /** Called whenever the page has been quiet for a moment (the runtime re-mounts its UI there). */
  onSettled?: () => void;
  /**
   * A reply streamed and its streaming signal went away, but no new reply could be read from the
   * page: the site changed its markup (the health line offers a site report). Called once per reply.
   */
  onReplyMissing?: () => void;
  /** How long after the streaming signal went before a reply counts as missing. */
  missingAfterMs?: number;
  /** Quiet time before a reply without an explicit completion marker counts as finished. */
  quietMs?: number;
  /**
   * How soon a check follows a mutation while the page changes. A reply the site marks complete
   * (action bar, `data-is-streaming="false"`) is reported at the first check that sees the mark,
   * with no quiet wait.
   */
  checkMs?: number;
  /** The same, once the streaming signal has gone: the mark is expected any moment now. */
  endCheckMs?: number;
  /** How often an unarmed watcher may probe for a streaming signal while the page mutates. */
  probeMs?: number;
  /** Give up waiting for a reply this long after a send. */
  armTimeoutMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * Reports each finished assistant reply once. One MutationObserver; its callback only records the
 * time and schedules a check, so a reply streaming 400 chunks into a 300-turn thread costs a
 * timestamp per mutation batch (and, while the streaming signal is watched, not even that). The
 * check reads the last reply only.
 *
 * Finished = no streaming signal AND the last assistant message has a settled (non-pending) key that
 * was not there before the watcher was armed AND either the site marks it complete (checked the
 * moment the streaming signal goes) or, where the site gives no mark, the page has been quiet for
 * the quiet period.
 * Armed = a send was seen, or a streaming signal was seen: a conversation loading after navigation
 * is never mistaken for a new reply.
 */
export class ReplyWatcher {
  // Private names (`#`): the minifier shortens them (the content script has a size budget, DESIGN.md).
  readonly #o: Required<Omit<ReplyWatcherOptions, 'onStreaming' | 'onSettled' | 'onReplyMissing'>> & Pick<ReplyWatcherOptions, 'onStreaming' | 'onSettled' | 'onReplyMissing'>;
  #observer: MutationObserver | null = null;
  #timer: unknown = null;
  #lastMutationAt = 0;
  #lastProbeAt = -Infinity;
  #armedAt: number | null = null;
  #streamingSeen = false;
  #baselineKey: string | null = null;
  #needBaseline = true;
  readonly #reported = new Set<string>();
  /** The streaming signal watched instead of the whole body while a reply streams (see observeSignal). */
  #signal: Element | null = null;
  /**
   * The last signal's ancestors, nearest first: where the next look starts. The stop control is
   * replaced in place when a reply ends or starts, and a page-wide search walks every turn before it.
   */
  #place: Element[] = [];
  /** The streaming signal went away and the reply is not reported yet: checks come quickly. */
  #ending = false;
  #timerDue = 0;
  #missingTimer: unknown = null;

  constructor(options: ReplyWatcherOptions) {
    this.#o = {
      quietMs: 600,
      checkMs: 150,
      endCheckMs: 10,
      missingAfterMs: 5000,
      probeMs: 500,
      armTimeoutMs: 5 * 60_000,
      now: () => performance.now(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      ...options,
    };
  }

  start(): void {
    if (this.#observer) return;
    const view = this.#o.doc.defaultView;
    if (!view) return;
    this.#observer = new view.MutationObserver(() => (this.#signal ? this.#onSignalMutation() : this.#onMutation()));
    this.#observeBody();
    this.#lastMutationAt = this.#o.now();
    const signal = this.#streamingNow();
    if (signal) {
      // Loaded mid-reply: whatever the last assistant turn becomes is the new reply.
      this.#needBaseline = false;
      this.#baselineKey = null;
      this.#startWaiting();
      this.#noteStreaming(signal);
    } else this.rebaseline();
  }

  /**
   * The body, not the thread: the sites replace the thread container on navigation and the stop
   * control lives outside it. Attribute changes matter only for the signals listed here.
   */
  #observeBody(): void {
    if (!this.#observer) return;
    this.#observer.disconnect();
    this.#signal = null;
    this.#observer.observe(this.#o.doc.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['data-is-streaming', 'data-message-streaming', 'data-message-complete', 'data-stream-active', 'data-turn-id', 'data-message-id', 'data-stop-generating', 'id'],
    });
  }

  /**
   * While a reply streams every chunk is a mutation, and only the end of streaming matters. So watch
   * just the signal element (its attributes) and its ancestors (their attributes and child lists):
   * whatever makes the signal go away (removed, replaced, attribute flipped) is seen, the chunks are
   * not. Once it has gone the body is watched again and the quiet period starts.
   */
  #observeSignal(signal: Element | null): void {
    // Adapters without a signal element (or a signal that is the whole body) keep the body watch.
    if (!signal || !this.#observer || signal === this.#o.doc.body) return;
    if (signal === this.#signal) return;
    this.#observer.disconnect();
    this.#signal = signal;
    this.#observer.observe(signal, { attributes: true });
    this.#place = ancestors(signal);
    for (const el of this.#place) this.#observer.observe(el, { childList: true, attributes: true });
  }

  #onSignalMutation(): void {
    // The signal left the page: streaming is most likely over, and the check after the quiet period
    // looks for a signal anyway. Still attached: an attribute changed, so look again now.
    const still = this.#signal?.isConnected ? this.#streamingNow(true) : null;
    if (still) {
      this.#signal = null;
      this.#observeSignal(still);
      return;
    }
    // Seeing the watched signal go counts as a look: the next search of the page waits for the reply
    // to be ready (or for the probe period), see check().
    this.#lastProbeAt = this.#o.now();
    this.#observeBody();
    this.#ending = true;
    this.#watchForMissing();
    this.#onMutation();
    // The reply is most likely final now: look right away instead of after the usual check delay.
    this.#schedule(0);
  }

  /** After the signal went: if nothing is reported by then, say the reply could not be read. */
  #watchForMissing(): void {
    if (this.#missingTimer !== null) this.#o.clearTimer(this.#missingTimer);
    const armedAt = this.#armedAt;
    this.#missingTimer = this.#o.setTimer(() => {
      this.#missingTimer = null;
      // Still waiting for the same reply, and nothing on the page is streaming again.
      if (this.#armedAt !== null && this.#armedAt === armedAt && !this.#o.adapter.isStreaming(this.#o.doc)) this.#o.onReplyMissing?.();
    }, this.#o.missingAfterMs);
  }

  stop(): void {
    if (this.#missingTimer !== null) this.#o.clearTimer(this.#missingTimer);
    this.#missingTimer = null;
    this.#observer?.disconnect();
    this.#observer = null;
    this.#signal = null;
    if (this.#timer !== null) this.#o.clearTimer(this.#timer);
    this.#timer = null;
  }

  /**
   * A message was sent (by the extension or the person): the reply on screen now is old, the next
   * new one is to be reported. `sentWith`: the Send control clicked, where the stop control will show
   * (it replaces Send in place): the first look for it starts there.
   */
  arm(sentWith?: Element): void {
    if (sentWith) this.#place = ancestors(sentWith);
    const last = this.#o.adapter.lastAssistant(this.#o.doc, this.#o.conversationId());
    if (last && !last.pending) this.#baselineKey = last.key;
    this.#needBaseline = false;
    this.#startWaiting();
  }

  /** Wait for a new reply without moving the baseline (a streaming signal was seen). */
  #startWaiting(): void {
    if (this.#armedAt === null) this.#streamingSeen = false;
    this.#armedAt = this.#o.now();
    this.#ending = false;
    this.#schedule(this.#o.checkMs);
  }

  /** The page moved to another conversation: whatever is on screen now is not a new reply. */
  rebaseline(): void {
    if (this.#signal) this.#observeBody();
    this.#needBaseline = true;
    this.#armedAt = null;
    this.#ending = false;
    this.#schedule(this.#o.quietMs);
  }

  #onMutation(): void {
    const now = this.#o.now();
    this.#lastMutationAt = now;
    // Until this reply's streaming signal has been seen, probe for it now and then (a few
    // querySelector calls); afterwards mutations cost only the timestamp above.
    if (!this.#streamingSeen && now - this.#lastProbeAt >= this.#o.probeMs) {
      const signal = this.#streamingNow();
      if (signal) {
        if (this.#armedAt === null) this.#startWaiting();
        this.#noteStreaming(signal);
      }
    }
    this.#schedule(this.#ending ? this.#o.endCheckMs : this.#o.checkMs);
  }

  /**
   * The element that says "streaming" (one cascade walk; the body when the adapter cannot name one),
   * looked for first where the last signal was. `nearOnly`: only there, once the watched signal has
   * changed or gone: the control that replaced it is in the same place, so a miss there means the
   * stream ended, without a miss of every signal over the whole page.
   * Every look counts as the probe's: a mutation right after a check that found nothing does not look again.
   */
  #streamingNow(nearOnly = false): Element | null {
    const { adapter, doc } = this.#o;
    this.#lastProbeAt = this.#o.now();
    if (!adapter.streamingSignal) return adapter.isStreaming(doc) ? doc.body : null;
    // Never the body or the root: a look there is the page-wide one, which would then run twice.
    const near = this.#place.find((el) => el.isConnected && el !== doc.body && el.parentElement);
    const found = near ? adapter.streamingSignal(doc, near) : null;
    if (found || (nearOnly && near)) return found;
    return adapter.streamingSignal(doc);
  }

  #noteStreaming(signal: Element): void {
    this.#observeSignal(signal);
    if (this.#streamingSeen) return;
    this.#streamingSeen = true;
    this.#o.onStreaming?.();
  }

  /** One timer at a time; a sooner request replaces a later one. */
  #schedule(ms: number): void {
    if (!this.#observer) return;
    const due = this.#o.now() + Math.max(0, ms);
    if (this.#timer !== null) {
      if (this.#timerDue <= due) return;
      this.#o.clearTimer(this.#timer);
    }
    this.#timerDue = due;
    this.#timer = this.#o.setTimer(() => {
      this.#timer = null;
      this.check();
    }, Math.max(0, ms));
  }

  /** Exposed for tests; the watcher calls it from its own timer. */
  check(): void {
    const { adapter, doc } = this.#o;
    const now = this.#o.now();
    const quietFor = now - this.#lastMutationAt;
    this.#o.onSettled?.();
    if (this.#needBaseline) {
      if (quietFor < this.#o.quietMs) return this.#schedule(this.#o.quietMs - quietFor);
      const signal = this.#streamingNow();
      if (signal) {
        // A reply started before the page settled: the baseline stays what it was.
        this.#needBaseline = false;
        this.#startWaiting();
        this.#noteStreaming(signal);
        return;
      }
      const last = adapter.lastAssistant(doc, this.#o.conversationId());
      this.#baselineKey = last && !last.pending ? last.key : null;
      this.#needBaseline = false;
      if (this.#armedAt === null) return;
    }
    if (this.#armedAt === null) return;
    if (now - this.#armedAt > this.#o.armTimeoutMs) {
      this.#armedAt = null;
      this.#streamingSeen = false;
      return;
    }
    // The signal being watched is still one: whatever could end it (its attributes, its ancestors'
    // attributes and child lists) is observed, and #onSignalMutation has run before this timer.
    if (this.#signal) return this.#stillStreaming(this.#signal);
    // The reply is read before the page is searched for a streaming signal: on a long thread
    // "nothing streams" is a miss of every signal selector over the whole page, and the checks right
    // after the signal went mostly find the reply not final yet (no server id, no action bar). The
    // search runs before every report, and while the reply is not ready at most once per probe period
    // (a stream that starts again is still found and watched).
    const last = adapter.lastAssistant(doc, this.#o.conversationId());
    const ready = !!last && !last.pending && last.key !== this.#baselineKey && !this.#reported.has(last.key);
    // The site's own "finished" mark needs no quiet wait; without one, the page must go quiet.
    const waitMs = ready && !adapter.isMarkedComplete(last.element) ? this.#o.quietMs - quietFor : 0;
    if ((!ready || waitMs > 0) && now - this.#lastProbeAt < this.#o.probeMs) return waitMs > 0 ? this.#schedule(waitMs) : undefined;
    const signal = this.#streamingNow(this.#ending);
    if (signal) return this.#stillStreaming(signal);
    // Not there yet (or the old one): the next mutation schedules the next check.
    if (!ready) return;
    if (waitMs > 0) return this.#schedule(waitMs);
    const body = adapter.assistantBody(last.element);
    if (!body || !hasText(body)) return;
    this.#reported.add(last.key);
    this.#baselineKey = last.key;
    this.#armedAt = null;
    this.#streamingSeen = false;
    this.#ending = false;
    this.#o.onReply({ key: last.key, html: body.innerHTML, conversationId: this.#o.conversationId() });
  }

  #stillStreaming(signal: Element): void {
    this.#ending = false;
    // The stop control going away is a mutation; that wakes the next check.
    this.#noteStreaming(signal);
  }
}

/** The element's ancestors, nearest first. */
function ancestors(el: Element): Element[] {
  const all: Element[] = [];
  for (let at = el.parentElement; at; at = at.parentElement) all.push(at);
  return all;
}

/** Whether an element holds any text but white space: stops at the first such text node, where `textContent` would copy the whole reply. */
export function hasText(el: Element): boolean {
  const walker = el.ownerDocument.createTreeWalker(el, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) if (/\S/.test(node.nodeValue ?? '')) return true;
  return false;
}

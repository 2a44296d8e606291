import { browser, type Browser } from 'wxt/browser';
import type { PanelCallResult, PanelQueryResult } from '@/lib/background/panel-bridge';
import { applyEarlierEvents, applyLaterNotes, applyTaskDetailChange, PANEL_PORT, type PanelCommand, type PanelPortReply, type PanelTaskDetail } from '@/lib/messaging/panel-port';
import type { PanelCallArgs, PanelCallName, PanelPortRequest, PanelQueryArgs, PanelQueryName } from '@/lib/messaging/schemas';

const FIRST_RETRY_MS = 200;
const LAST_RETRY_MS = 10_000;

/** An error thrown in the background, rebuilt with its name and code so the panel can explain it. */
export class BridgeError extends Error {
  constructor(
    name: string,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = name;
  }
}

/**
 * One live query on the port, shared by everyone who asks the same question (same query, same
 * arguments): the panel's entry asks for what the first screen needs before React has rendered, and
 * the hooks that mount later find the answer already here instead of starting their own round trip.
 */
interface LiveQuery {
  query: PanelQueryName;
  args: unknown;
  /** The latest answer; `hasValue` tells an answer of `undefined` from none yet. */
  value: AnyQueryResult | undefined;
  hasValue: boolean;
  /** The latest task detail, for a `task-detail` query: its changes arrive as changes. */
  detail: PanelTaskDetail | null;
  listeners: Set<QueryListener>;
}

type AnyQueryResult = PanelQueryResult<PanelQueryName>;
/**
 * A listener of one query. Declared as a method: a listener for one query's answer is accepted
 * where any answer may arrive — the port's ids tie each answer to the query that asked for it.
 */
interface QueryListener {
  deliver(value: AnyQueryResult): void;
}
interface PendingCall {
  resolve(value: PanelCallResult<PanelCallName>): void;
  reject(error: Error): void;
}
/** The port's replies, their values typed by the background's handlers. */
type PanelReply = PanelPortReply<AnyQueryResult, PanelCallResult<PanelCallName>>;

/**
 * One port to the background per panel. The service worker may stop and restart at any time: on
 * disconnect the client reconnects and re-subscribes, and calls in flight fail (nothing is retried
 * blindly: a write the person asked for might already have happened).
 */
class BridgeClient {
  private port: Browser.runtime.Port | null = null;
  private retryMs = FIRST_RETRY_MS;
  private nextId = 1;
  /** Live queries by port id, and their ids by `query + arguments`. */
  private readonly live = new Map<number, LiveQuery>();
  private readonly liveIds = new Map<string, number>();
  private readonly pending = new Map<number, PendingCall>();
  private readonly commandListeners = new Set<(command: PanelCommand) => void>();

  private connect(): Browser.runtime.Port {
    if (this.port) return this.port;
    const port = browser.runtime.connect({ name: PANEL_PORT });
    this.port = port;
    // What our own background posts, typed by the channel's contract (lib/messaging/panel-port.ts).
    port.onMessage.addListener((reply: PanelReply) => {
      this.retryMs = FIRST_RETRY_MS;
      this.receive(reply);
    });
    port.onDisconnect.addListener(() => {
      this.port = null;
      for (const { reject } of this.pending.values()) reject(new BridgeError('DisconnectedError', 'The extension restarted; try again.'));
      this.pending.clear();
      // A restarted worker answers at once; a port refused again and again (this page is not a
      // panel in a chat tab) is asked less and less often, not 5 times a second forever.
      if (this.live.size > 0) setTimeout(() => this.resubscribe(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
    });
    return port;
  }

  private resubscribe(): void {
    const port = this.connect();
    for (const [id, q] of this.live) port.postMessage({ kind: 'subscribe', id, query: q.query, args: q.args } satisfies PanelPortRequest);
  }

  private receive(reply: PanelReply): void {
    if (reply.kind === 'command') {
      for (const listener of this.commandListeners) listener(reply.command);
    } else if (reply.kind === 'data') this.deliver(reply.id, reply.value);
    else if (reply.kind === 'detail') this.deliverDetail(reply.id, reply.detail);
    else if (reply.kind === 'change') {
      // Only a followed task changes this way, and its whole detail always came first on this port.
      const q = this.live.get(reply.id);
      if (q?.detail) this.deliverDetail(reply.id, applyTaskDetailChange(q.detail, reply.change));
    } else if (reply.kind === 'earlier') {
      const q = this.live.get(reply.id);
      if (q?.detail) this.deliverDetail(reply.id, applyEarlierEvents(q.detail, reply.before, reply.events));
    } else if (reply.kind === 'notes') {
      const q = this.live.get(reply.id);
      if (q?.detail) this.deliverDetail(reply.id, applyLaterNotes(q.detail, reply.notes));
    } else if (reply.kind === 'result') {
      this.pending.get(reply.id)?.resolve(reply.value);
      this.pending.delete(reply.id);
    } else if (reply.kind === 'error') {
      const error = new BridgeError(reply.error.name, reply.error.message, reply.error.code);
      const call = this.pending.get(reply.id);
      if (call) {
        call.reject(error);
        this.pending.delete(reply.id);
      } else {
        // A live query the background could not answer: nothing to show (rather than loading forever).
        console.error('ConvOps panel query failed:', error);
        this.deliver(reply.id, null);
      }
    }
  }

  private deliver(id: number, value: AnyQueryResult): void {
    const q = this.live.get(id);
    if (!q) return;
    q.value = value;
    q.hasValue = true;
    for (const listener of q.listeners) listener.deliver(value);
  }

  private deliverDetail(id: number, detail: PanelTaskDetail | null): void {
    if (performance.getEntriesByName('convops:detail').length === 0) performance.mark('convops:detail');
    const q = this.live.get(id);
    if (q) q.detail = detail;
    this.deliver(id, detail);
  }

  /** The latest answer to a live query someone holds open, if it has arrived. */
  cached<K extends PanelQueryName>(query: K, args: PanelQueryArgs<K>): { value: PanelQueryResult<K> } | null {
    const id = this.liveIds.get(liveKey(query, args));
    const q = id === undefined ? undefined : this.live.get(id);
    if (!q?.hasValue || q.value === undefined) return null;
    let held: { value: PanelQueryResult<K> } | null = null;
    const read: QueryListener = { deliver: (value: PanelQueryResult<K>) => void (held = { value }) };
    read.deliver(q.value);
    return held;
  }

  /** Follows a live query; `onData` gets the latest answer at once if there is one, then every new one. */
  subscribe<K extends PanelQueryName>(query: K, args: PanelQueryArgs<K>, onData: (value: PanelQueryResult<K>) => void): () => void {
    const key = liveKey(query, args);
    let id = this.liveIds.get(key);
    let q = id === undefined ? undefined : this.live.get(id);
    if (id === undefined || !q) {
      id = this.nextId++;
      q = { query, args, value: undefined, hasValue: false, detail: null, listeners: new Set() };
      this.live.set(id, q);
      this.liveIds.set(key, id);
      this.connect().postMessage({ kind: 'subscribe', id, query, args } satisfies PanelPortRequest);
    }
    const listener: QueryListener = { deliver: onData };
    q.listeners.add(listener);
    if (q.hasValue && q.value !== undefined) listener.deliver(q.value);
    const liveId = id;
    const entry = q;
    return () => {
      entry.listeners.delete(listener);
      if (entry.listeners.size > 0 || this.live.get(liveId) !== entry) return;
      this.live.delete(liveId);
      this.liveIds.delete(key);
      this.port?.postMessage({ kind: 'unsubscribe', id: liveId } satisfies PanelPortRequest);
    };
  }

  /**
   * Asks now for an answer a component will want in a moment, and holds the query open for `holdMs`
   * so that the component's own subscription finds it (and the port does not ask twice).
   */
  prefetch<K extends PanelQueryName>(query: K, args: PanelQueryArgs<K>, holdMs = 10_000): void {
    const release = this.subscribe(query, args, () => {});
    setTimeout(release, holdMs);
  }

  call<K extends PanelCallName>(op: K, args: PanelCallArgs<K>): Promise<PanelCallResult<K>> {
    const id = this.nextId++;
    return new Promise<PanelCallResult<K>>((resolve, reject) => {
      this.pending.set(id, { resolve: (value: PanelCallResult<K>) => resolve(value), reject });
      this.connect().postMessage({ kind: 'call', id, op, args } satisfies PanelPortRequest);
    });
  }

  /** Runs `listener` for every toolbar command the background hands this tab's panel. */
  onCommand(listener: (command: PanelCommand) => void): () => void {
    this.connect();
    this.commandListeners.add(listener);
    return () => void this.commandListeners.delete(listener);
  }
}

export const liveKey = (query: PanelQueryName, args: unknown) => `${query} ${JSON.stringify(args)}`;

let client: BridgeClient | null = null;
export function bridge(): BridgeClient {
  client ??= new BridgeClient();
  return client;
}

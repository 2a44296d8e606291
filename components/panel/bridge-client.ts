import { useEffect, useState } from 'react';
import { browser, type Browser } from 'wxt/browser';
import type {
  PanelCallArgs,
  PanelCallName,
  PanelPortReply,
  PanelPortRequest,
  PanelQueries,
  PanelQueryName,
} from '@/lib/background/panel-bridge';
import { applyTaskDetailChange, PANEL_PORT, type PanelTaskDetail } from '@/lib/background/panel-port';

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
  value: unknown;
  hasValue: boolean;
  listeners: Set<(value: unknown) => void>;
}

/**
 * One port to the background per panel. The service worker may stop and restart at any time: on
 * disconnect the client reconnects and re-subscribes, and calls in flight fail (nothing is retried
 * blindly: a write the person asked for might already have happened).
 */
class BridgeClient {
  private port: Browser.runtime.Port | null = null;
  private nextId = 1;
  /** Live queries by port id, and their ids by `query + arguments`. */
  private readonly live = new Map<number, LiveQuery>();
  private readonly liveIds = new Map<string, number>();
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private connect(): Browser.runtime.Port {
    if (this.port) return this.port;
    const port = browser.runtime.connect({ name: PANEL_PORT });
    this.port = port;
    port.onMessage.addListener((message: unknown) => this.receive(message as PanelPortReply));
    port.onDisconnect.addListener(() => {
      this.port = null;
      for (const { reject } of this.pending.values()) reject(new BridgeError('DisconnectedError', 'The extension restarted; try again.'));
      this.pending.clear();
      if (this.live.size > 0) setTimeout(() => this.resubscribe(), 200);
    });
    return port;
  }

  private resubscribe(): void {
    const port = this.connect();
    for (const [id, q] of this.live) port.postMessage({ kind: 'subscribe', id, query: q.query, args: q.args } satisfies PanelPortRequest);
  }

  private receive(reply: PanelPortReply): void {
    if (reply.kind === 'data') this.deliver(reply.id, reply.value);
    else if (reply.kind === 'change') {
      // Only a followed task changes this way, and its whole detail always came first on this port.
      const detail = this.live.get(reply.id)?.value as PanelTaskDetail | null | undefined;
      if (detail) this.deliver(reply.id, applyTaskDetailChange(detail, reply.change));
    }
    else if (reply.kind === 'result') {
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

  private deliver(id: number, value: unknown): void {
    const q = this.live.get(id);
    if (!q) return;
    q.value = value;
    q.hasValue = true;
    for (const listener of q.listeners) listener(value);
  }

  /** The latest answer to a live query someone holds open, if it has arrived. */
  cached<K extends PanelQueryName>(query: K, args: PanelQueries[K]['args']): { value: PanelQueries[K]['result'] } | null {
    const id = this.liveIds.get(liveKey(query, args));
    const q = id === undefined ? undefined : this.live.get(id);
    return q?.hasValue ? { value: q.value as PanelQueries[K]['result'] } : null;
  }

  /** Follows a live query; `onData` gets the latest answer at once if there is one, then every new one. */
  subscribe<K extends PanelQueryName>(query: K, args: PanelQueries[K]['args'], onData: (value: PanelQueries[K]['result']) => void): () => void {
    const key = liveKey(query, args);
    let id = this.liveIds.get(key);
    let q = id === undefined ? undefined : this.live.get(id);
    if (id === undefined || !q) {
      id = this.nextId++;
      q = { query, args, value: undefined, hasValue: false, listeners: new Set() };
      this.live.set(id, q);
      this.liveIds.set(key, id);
      this.connect().postMessage({ kind: 'subscribe', id, query, args } satisfies PanelPortRequest);
    }
    const listener = onData as (value: unknown) => void;
    q.listeners.add(listener);
    if (q.hasValue) listener(q.value);
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
  prefetch<K extends PanelQueryName>(query: K, args: PanelQueries[K]['args'], holdMs = 10_000): void {
    const release = this.subscribe(query, args, () => {});
    setTimeout(release, holdMs);
  }

  call<K extends PanelCallName, R = unknown>(op: K, args: PanelCallArgs<K>): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.connect().postMessage({ kind: 'call', id, op, args } satisfies PanelPortRequest);
    });
  }
}

const liveKey = (query: PanelQueryName, args: unknown) => `${query} ${JSON.stringify(args)}`;

let client: BridgeClient | null = null;
export function bridge(): BridgeClient {
  client ??= new BridgeClient();
  return client;
}

/**
 * A live query answered by the background: `undefined` while loading, then every new result.
 * `args === null` means "nothing to ask" and yields null. An answer already held (prefetched, or
 * followed by another component) is returned on the first render.
 */
export function useBridgeQuery<K extends PanelQueryName>(query: K, args: PanelQueries[K]['args'] | null): PanelQueries[K]['result'] | null | undefined {
  const key = args === null ? null : JSON.stringify(args);
  type Result = PanelQueries[K]['result'];
  const [state, setState] = useState<{ key: string | null; value: Result | undefined }>(() => ({ key, value: args === null ? undefined : bridge().cached(query, args)?.value }));
  useEffect(() => {
    if (key === null) return;
    return bridge().subscribe(query, JSON.parse(key) as PanelQueries[K]['args'], (value) =>
      setState((prev) => (prev.key === key && prev.value === value ? prev : { key, value })),
    );
  }, [query, key]);
  if (key === null) return null;
  if (state.key === key) return state.value;
  // The arguments changed since the last answer: what is already held for the new ones, else loading.
  return bridge().cached(query, JSON.parse(key) as PanelQueries[K]['args'])?.value;
}

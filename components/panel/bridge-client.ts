import { useEffect, useState } from 'react';
import { browser, type Browser } from 'wxt/browser';
import type {
  PanelCallArgs,
  PanelCallName,
  PanelPortReply,
  PanelPortRequest,
  PanelQueries,
  PanelQueryName,
} from '../../lib/background/panel-bridge';
import { PANEL_PORT } from '../../lib/background/panel-port';

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

interface Subscriber {
  query: PanelQueryName;
  args: unknown;
  onData: (value: unknown) => void;
}

/**
 * One port to the background per panel. The service worker may stop and restart at any time: on
 * disconnect the client reconnects and re-subscribes, and calls in flight fail (nothing is retried
 * blindly: a write the person asked for might already have happened).
 */
class BridgeClient {
  private port: Browser.runtime.Port | null = null;
  private nextId = 1;
  private readonly subscribers = new Map<number, Subscriber>();
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
      if (this.subscribers.size > 0) setTimeout(() => this.resubscribe(), 200);
    });
    return port;
  }

  private resubscribe(): void {
    const port = this.connect();
    for (const [id, s] of this.subscribers) port.postMessage({ kind: 'subscribe', id, query: s.query, args: s.args } satisfies PanelPortRequest);
  }

  private receive(reply: PanelPortReply): void {
    if (reply.kind === 'data') this.subscribers.get(reply.id)?.onData(reply.value);
    else if (reply.kind === 'result') {
      this.pending.get(reply.id)?.resolve(reply.value);
      this.pending.delete(reply.id);
    } else if (reply.kind === 'error') {
      const error = new BridgeError(reply.error.name, reply.error.message, reply.error.code);
      const call = this.pending.get(reply.id);
      if (call) {
        call.reject(error);
        this.pending.delete(reply.id);
      } else console.error('ConvOps panel query failed:', error);
    }
  }

  subscribe<K extends PanelQueryName>(query: K, args: PanelQueries[K]['args'], onData: (value: PanelQueries[K]['result']) => void): () => void {
    const id = this.nextId++;
    this.subscribers.set(id, { query, args, onData: onData as (value: unknown) => void });
    this.connect().postMessage({ kind: 'subscribe', id, query, args } satisfies PanelPortRequest);
    return () => {
      this.subscribers.delete(id);
      this.port?.postMessage({ kind: 'unsubscribe', id } satisfies PanelPortRequest);
    };
  }

  call<K extends PanelCallName, R = unknown>(op: K, args: PanelCallArgs<K>): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.connect().postMessage({ kind: 'call', id, op, args } satisfies PanelPortRequest);
    });
  }
}

let client: BridgeClient | null = null;
export function bridge(): BridgeClient {
  client ??= new BridgeClient();
  return client;
}

/**
 * A live query answered by the background: `undefined` while loading, then every new result.
 * `args === null` means "nothing to ask" and yields null.
 */
export function useBridgeQuery<K extends PanelQueryName>(query: K, args: PanelQueries[K]['args'] | null): PanelQueries[K]['result'] | null | undefined {
  const key = args === null ? null : JSON.stringify(args);
  const [state, setState] = useState<{ key: string | null; value: PanelQueries[K]['result'] | undefined }>({ key, value: undefined });
  useEffect(() => {
    if (key === null) return;
    return bridge().subscribe(query, JSON.parse(key) as PanelQueries[K]['args'], (value) => setState({ key, value }));
  }, [query, key]);
  if (key === null) return null;
  return state.key === key ? state.value : undefined;
}

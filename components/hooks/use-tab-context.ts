import { useCallback, useSyncExternalStore } from 'react';
import { browser } from 'wxt/browser';
import { sendMessage, type HostState, type TabBinding } from '@/lib/messaging/protocol';

export interface TabContext {
  /** Null until the background answered (or when the panel is opened outside a tab). */
  tabId: number | null;
  host: HostState | null;
  binding: TabBinding | null;
  ready: boolean;
  setBinding: (binding: TabBinding | null) => Promise<void>;
}

type TabState = Omit<TabContext, 'setBinding'>;

const hostKey = (tabId: number) => `hostState:${tabId}`;
const bindingKey = (tabId: number) => `taskBinding:${tabId}`;

let state: TabState = { tabId: null, host: null, binding: null, ready: false };
const listeners = new Set<() => void>();
let started = false;

function update(next: Partial<TabState>): void {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

/**
 * Starts following the panel's tab: the host page state the content script reports (site, composer
 * health, conversation id, streaming) and the task bound to the tab. Both live in `storage.session`,
 * written by the background; the panel asks once, then follows the changes. Idempotent: the panel's
 * entry calls it before React renders, so the answer is often in by the first render.
 */
export function startTabContext(): void {
  if (started) return;
  started = true;
  // Changes that land while the first answer is on its way are newer than it (or the same): keep
  // them and apply them after it, so none is lost between the question and the listener.
  const early = new Map<string, unknown>();
  browser.storage.onChanged.addListener((changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area !== 'session') return;
    const { tabId } = state;
    if (!state.ready || tabId === null) {
      for (const [key, change] of Object.entries(changes)) if (key.startsWith('hostState:') || key.startsWith('taskBinding:')) early.set(key, change.newValue);
      return;
    }
    const hostChange = changes[hostKey(tabId)];
    const bindingChange = changes[bindingKey(tabId)];
    if (hostChange || bindingChange) {
      update({
        ...(hostChange ? { host: (hostChange.newValue as HostState | undefined) ?? null } : {}),
        ...(bindingChange ? { binding: (bindingChange.newValue as TabBinding | undefined) ?? null } : {}),
      });
    }
  });
  void Promise.all([
    sendMessage('panel.get-binding', undefined).catch(() => ({ tabId: null, binding: null })),
    sendMessage('panel.get-host-state', undefined).catch(() => null),
  ]).then(([context, host]) => {
    const { tabId } = context;
    let binding = context.binding;
    if (tabId !== null && early.has(hostKey(tabId))) host = (early.get(hostKey(tabId)) as HostState | undefined) ?? null;
    if (tabId !== null && early.has(bindingKey(tabId))) binding = (early.get(bindingKey(tabId)) as TabBinding | undefined) ?? null;
    early.clear();
    update({ tabId, binding, host, ready: true });
  });
  // The content script may start after the panel: ask again a few times until it reported.
  const retry = window.setInterval(() => {
    void sendMessage('panel.get-host-state', undefined)
      .then((host) => host && update({ host }))
      .catch(() => {});
  }, 1500);
  window.setTimeout(() => window.clearInterval(retry), 6000);
}

/** Waits for the tab's first answer (already in when it came before the caller asked). */
export function whenTabContextReady(): Promise<TabState> {
  startTabContext();
  if (state.ready) return Promise.resolve(state);
  return new Promise((resolve) => {
    const listener = () => {
      if (!state.ready) return;
      listeners.delete(listener);
      resolve(state);
    };
    listeners.add(listener);
  });
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => void listeners.delete(listener);
};
const snapshot = () => state;

export function useTabContext(): TabContext {
  startTabContext();
  const current = useSyncExternalStore(subscribe, snapshot);
  const setBinding = useCallback(async (next: TabBinding | null) => {
    update({ binding: next });
    await sendMessage('panel.set-binding', next);
  }, []);
  return { ...current, setBinding };
}

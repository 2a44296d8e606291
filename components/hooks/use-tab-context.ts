import { useCallback, useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { sendMessage, type HostState, type TabBinding } from '../../lib/messaging/protocol';

export interface TabContext {
  /** Null until the background answered (or when the panel is opened outside a tab). */
  tabId: number | null;
  host: HostState | null;
  binding: TabBinding | null;
  ready: boolean;
  setBinding: (binding: TabBinding | null) => Promise<void>;
}

const hostKey = (tabId: number) => `hostState:${tabId}`;
const bindingKey = (tabId: number) => `taskBinding:${tabId}`;

/**
 * The panel's tab: the host page state the content script reports (site, composer health,
 * conversation id, streaming) and the task bound to the tab. Both live in `storage.session`, written
 * by the background; the panel asks once, then follows the changes.
 */
export function useTabContext(): TabContext {
  const [tabId, setTabId] = useState<number | null>(null);
  const [host, setHost] = useState<HostState | null>(null);
  const [binding, setBindingState] = useState<TabBinding | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let alive = true;
    const load = async () => {
      const [context, state] = await Promise.all([
        sendMessage('panel.get-binding', undefined).catch(() => ({ tabId: null, binding: null })),
        sendMessage('panel.get-host-state', undefined).catch(() => null),
      ]);
      if (!alive) return;
      setTabId(context.tabId);
      setBindingState(context.binding);
      setHost(state);
      setReady(true);
    };
    void load();
    // The content script may start after the panel: ask again a few times until it reported.
    const retry = window.setInterval(() => {
      if (alive) void sendMessage('panel.get-host-state', undefined).then((s) => alive && s && setHost(s)).catch(() => {});
    }, 1500);
    const stopRetry = window.setTimeout(() => window.clearInterval(retry), 6000);
    return () => {
      alive = false;
      window.clearInterval(retry);
      window.clearTimeout(stopRetry);
    };
  }, []);

  useEffect(() => {
    if (tabId === null) return;
    const onChanged = (changes: Record<string, { newValue?: unknown }>, area: string) => {
      if (area !== 'session') return;
      const hostChange = changes[hostKey(tabId)];
      if (hostChange) setHost((hostChange.newValue as HostState | undefined) ?? null);
      const bindingChange = changes[bindingKey(tabId)];
      if (bindingChange) setBindingState((bindingChange.newValue as TabBinding | undefined) ?? null);
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, [tabId]);

  const setBinding = useCallback(async (next: TabBinding | null) => {
    setBindingState(next);
    await sendMessage('panel.set-binding', next);
  }, []);

  return { tabId, host, binding, ready, setBinding };
}

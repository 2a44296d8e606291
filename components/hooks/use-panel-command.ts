import { useEffect, useRef } from 'react';
import { browser } from 'wxt/browser';
import { panelCommandKey, type PanelCommand } from '@/lib/messaging/protocol';

/**
 * Runs `onCommand` for each toolbar command the background writes for this tab (the "send the current
 * step" shortcut). Only changes count: a command left in storage.session from before this panel loaded
 * is not replayed. The latest handler is used, so it sees the current step and briefing.
 */
export function usePanelCommand(tabId: number | null, onCommand: (command: PanelCommand) => void): void {
  const handler = useRef(onCommand);
  useEffect(() => {
    handler.current = onCommand;
  });
  useEffect(() => {
    if (tabId === null) return;
    const key = panelCommandKey(tabId);
    const onChanged = (changes: Record<string, { newValue?: unknown }>, area: string) => {
      if (area !== 'session' || !(key in changes)) return;
      const value = changes[key]?.newValue as Partial<PanelCommand> | undefined;
      if (value?.name === 'send-step' && typeof value.id === 'string') handler.current({ name: value.name, id: value.id });
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, [tabId]);
}

import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import { hostStateSchema, tabBindingSchema, type HostState, type TabBinding } from '@/lib/messaging/schemas';
import type { PanelCommand } from './panel-port';

/**
 * What the background knows about each chat tab: the page state its content script last reported,
 * and the task its panel shows (the binding). This module is their one owner: the host router and
 * the panel's port write here, and a tab's panel follows its own tab through `watchTab` on its port,
 * so nothing else reads storage for them. Kept in memory and mirrored to `storage.session` (one
 * item), because the service worker may stop between two messages of a tab; the session area is
 * not readable by content scripts (Chromium's default access level; Firefox does not expose it to them).
 */

const tabRecordSchema = z.object({ host: hostStateSchema.nullable(), binding: tabBindingSchema.nullable() });
export type TabRecord = z.infer<typeof tabRecordSchema>;

const tabsItem = storage.defineItem<Record<string, unknown>>('session:convops.tabs', { fallback: {} });

const tabs = new Map<number, TabRecord>();
let loaded: Promise<void> | null = null;

/** Reads what an earlier life of the service worker left, once; a malformed entry is dropped. */
function load(): Promise<void> {
  loaded ??= tabsItem
    .getValue()
    .then((stored) => {
      for (const [key, value] of Object.entries(stored)) {
        const tabId = Number(key);
        const parsed = tabRecordSchema.safeParse(value);
        if (Number.isInteger(tabId) && parsed.success && !tabs.has(tabId)) tabs.set(tabId, parsed.data);
      }
    })
    .catch(() => undefined);
  return loaded;
}

// Writes go out in order, each with the whole map as it is now: the last one always holds every tab.
let persisting: Promise<void> = Promise.resolve();
function persist(): Promise<void> {
  persisting = persisting.then(() => tabsItem.setValue(Object.fromEntries(tabs)).catch(() => undefined));
  return persisting;
}

interface TabWatcher {
  onChange: (record: TabRecord) => void;
  onCommand: (command: PanelCommand) => void;
}
const watchers = new Map<number, Set<TabWatcher>>();
// Who follows every tab (the conductor: a tab of a task becoming ready may be owed a briefing).
const everyTab = new Set<(tabId: number, record: TabRecord) => void>();

const EMPTY: TabRecord = { host: null, binding: null };

export async function readTab(tabId: number): Promise<TabRecord> {
  await load();
  return tabs.get(tabId) ?? EMPTY;
}

/** Applies a change at once (no await between reading the record and writing it), tells the tab's watchers, and stores it. */
function commit(tabId: number, patch: Partial<TabRecord>): { record: TabRecord; stored: Promise<void> } {
  const record = { ...(tabs.get(tabId) ?? EMPTY), ...patch };
  if (record.host === null && record.binding === null) tabs.delete(tabId);
  else tabs.set(tabId, record);
  for (const watcher of watchers.get(tabId) ?? []) watcher.onChange(record);
  for (const listener of everyTab) listener(tabId, record);
  return { record, stored: persist() };
}

async function update(tabId: number, patch: Partial<TabRecord>): Promise<TabRecord> {
  await load();
  const { record, stored } = commit(tabId, patch);
  await stored;
  return record;
}

export const writeHostState = (tabId: number, host: HostState) => update(tabId, { host });

/**
 * Changes the tab's page state from what it is at that moment: `change` gets the current state and
 * returns the new one, or null to leave it. Read and write happen together, so a state the content
 * script reports meanwhile is never overwritten with an older copy, and changes asked for in one
 * order are applied in that order.
 */
export async function patchHostState(tabId: number, change: (host: HostState | null) => HostState | null): Promise<HostState | null> {
  await load();
  const next = change(tabs.get(tabId)?.host ?? null);
  if (!next) return null;
  await commit(tabId, { host: next }).stored;
  return next;
}

/** Binds a task to the tab's panel (null unbinds). */
export const writeBinding = (tabId: number, binding: TabBinding | null) => update(tabId, { binding });

/** Follows one tab: every change of its record, and the toolbar's commands for its panel. */
export function watchTab(tabId: number, watcher: TabWatcher): () => void {
  let set = watchers.get(tabId);
  if (!set) watchers.set(tabId, (set = new Set()));
  set.add(watcher);
  return () => {
    set.delete(watcher);
    if (set.size === 0) watchers.delete(tabId);
  };
}

/** Follows every tab's record as it changes. */
export function watchEveryTab(listener: (tabId: number, record: TabRecord) => void): () => void {
  everyTab.add(listener);
  return () => void everyTab.delete(listener);
}

/** Every tab the background knows, with its record. */
export async function listTabs(): Promise<Array<[number, TabRecord]>> {
  await load();
  return [...tabs.entries()];
}

/** Hands a command (the "send the current step" shortcut) to the tab's open panel; false when none listens. */
export function commandPanel(tabId: number, command: PanelCommand): boolean {
  const listening = watchers.get(tabId);
  for (const watcher of listening ?? []) watcher.onCommand(command);
  return (listening?.size ?? 0) > 0;
}

/** A closed tab is forgotten. */
export function setupTabState(): () => void {
  const onRemoved = (tabId: number) => {
    if (!tabs.has(tabId)) return;
    tabs.delete(tabId);
    void persist();
  };
  browser.tabs.onRemoved.addListener(onRemoved);
  return () => browser.tabs.onRemoved.removeListener(onRemoved);
}

/** For tests: forget the in-memory copy, as a service-worker restart does. */
export function forgetTabStateForTests(): void {
  tabs.clear();
  watchers.clear();
  loaded = null;
}

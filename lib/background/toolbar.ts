import { liveQuery } from 'dexie';
import { browser, type Browser } from 'wxt/browser';
import { countTasks, getDb } from '@/lib/db';
import { decidableGatesHere } from '@/lib/team/shared-tasks';
import { getTeamDb } from '@/lib/team/team-db';
import { siteOfHostname } from '@/lib/hosts';
import { sendMessage } from '@/lib/messaging/protocol';
import { commandPanel } from './tab-state';

/**
 * The toolbar button and the keyboard shortcuts.
 *
 * - On a chat tab the button shows or hides the panel; elsewhere it opens the popup (tasks waiting at
 *   a gate, a link to the dashboard). The manifest's default popup is the popup; each chat tab gets an
 *   empty per-tab popup, which makes a click fire `action.onClicked` instead. No `tabs` permission: a
 *   tab's URL is visible to us exactly when it is a chat site (host permission), which is the one case
 *   that needs it.
 * - The badge counts the tasks waiting at a gate, from a live query, so it follows every decision made
 *   anywhere (panel, review window, options page, a restore); for an approver of a team workspace, also
 *   the colleagues' gates waiting that they may decide (the same live query reads the team database).
 * - `send-step` asks the tab's panel to insert the current briefing and send it (through the panel's own
 *   insert path, which records `briefing.inserted`), handed to it over its port (tab-state.ts). The
 *   background cannot render the briefing itself without duplicating the panel.
 */

export const COMMANDS = { togglePanel: 'toggle-panel', sendStep: 'send-step' } as const;
export const POPUP_PAGE = 'popup.html';

type Tab = Browser.tabs.Tab;
export type ToolbarOutcome = 'toggled' | 'popup' | 'sent' | 'not-a-chat' | 'ignored';

function chatSiteOf(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && siteOfHostname(parsed.hostname) !== null;
  } catch {
    return false;
  }
}

/** A chat tab clicks through to `onClicked`; any other tab opens the popup. */
async function applyPopup(tabId: number, url: string | undefined): Promise<void> {
  await browser.action.setPopup({ tabId, popup: chatSiteOf(url) ? '' : POPUP_PAGE });
}

async function openPopupFor(tab: Tab): Promise<ToolbarOutcome> {
  if (tab.id !== undefined) await browser.action.setPopup({ tabId: tab.id, popup: POPUP_PAGE }).catch(() => undefined);
  // Allowed from a click or a shortcut (a user action); some browsers refuse it otherwise.
  await browser.action.openPopup(tab.windowId !== undefined ? { windowId: tab.windowId } : undefined).catch(() => undefined);
  return 'popup';
}

async function togglePanel(tab: Tab): Promise<ToolbarOutcome> {
  if (tab.id === undefined || !chatSiteOf(tab.url)) return openPopupFor(tab);
  try {
    const result = await sendMessage('content.toggle-panel', undefined, { tabId: tab.id, frameId: 0 });
    if (result.ok) return 'toggled';
  } catch {
    // No content script (page still loading, or ConvOps is switched off for this site).
  }
  return openPopupFor(tab);
}

async function sendStep(tab: Tab): Promise<ToolbarOutcome> {
  if (tab.id === undefined || !chatSiteOf(tab.url)) return 'not-a-chat';
  return commandPanel(tab.id, { name: 'send-step', id: crypto.randomUUID() }) ? 'sent' : 'ignored';
}

async function activeTab(): Promise<Tab | undefined> {
  const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
  return tab;
}

/** What a click on the toolbar button does (the `action.onClicked` listener calls exactly this). */
export async function handleActionClick(tab: Tab): Promise<ToolbarOutcome> {
  return togglePanel(tab);
}

/** What a keyboard shortcut does (the `commands.onCommand` listener calls exactly this). */
export async function handleCommand(command: string, tab?: Tab): Promise<ToolbarOutcome> {
  const target = tab ?? (await activeTab());
  if (!target) return 'ignored';
  if (command === COMMANDS.togglePanel) return togglePanel(target);
  if (command === COMMANDS.sendStep) return sendStep(target);
  return 'ignored';
}

/**
 * The badge: this browser's tasks waiting at a gate, plus colleagues' gates from the team workspace
 * that this person may decide (an approver's; decided here, a gate leaves the count at once).
 */
export function badgeFor(waiting: number, team = 0): { text: string; title: string } {
  const total = Math.max(0, waiting) + Math.max(0, team);
  if (total === 0) return { text: '', title: 'ConvOps' };
  const parts = [
    ...(waiting > 0 ? [`${waiting} ${waiting === 1 ? 'gate waits' : 'gates wait'} for a decision`] : []),
    ...(team > 0 ? [`${team} ${team === 1 ? "colleague's gate waits" : "colleagues' gates wait"} for yours`] : []),
  ];
  return { text: total > 99 ? '99+' : String(total), title: `ConvOps: ${parts.join('; ')}` };
}

async function showBadge(waiting: number, team: number): Promise<void> {
  const { text, title } = badgeFor(waiting, team);
  await browser.action.setBadgeBackgroundColor({ color: '#b45309' });
  await browser.action.setBadgeTextColor?.({ color: '#ffffff' });
  await browser.action.setBadgeText({ text });
  await browser.action.setTitle({ title });
}

/** Registers the toolbar button, the shortcuts and the badge; returns what stops them. */
export function setupToolbar(): () => void {
  const log = (error: unknown) => console.error('ConvOps toolbar:', error);
  const onClicked = (tab: Tab) => void handleActionClick(tab).catch(log);
  const onCommand = (command: string, tab?: Tab) => void handleCommand(command, tab).catch(log);
  // A navigation (new URL, or a load whose URL we may not see) can change whether the tab is a chat.
  const onUpdated = (tabId: number, change: { url?: string; status?: string }, tab: Tab) => {
    if (change.url !== undefined || change.status === 'loading') void applyPopup(tabId, tab.url).catch(() => undefined);
  };
  browser.action.onClicked.addListener(onClicked);
  browser.commands.onCommand.addListener(onCommand);
  browser.tabs.onUpdated.addListener(onUpdated);
  // Chat tabs open before this worker started (install, update, browser start).
  void browser.tabs
    .query({ url: ['https://chatgpt.com/*', 'https://claude.ai/*'] })
    .then((tabs) => Promise.all(tabs.map((tab) => (tab.id === undefined ? undefined : applyPopup(tab.id, tab.url)))))
    .catch(() => undefined);
  const badge = liveQuery(async () => [await countTasks({ status: 'awaiting-approval' }), await decidableGatesHere(getTeamDb(), getDb())] as const).subscribe({
    next: ([waiting, team]) => void showBadge(waiting, team).catch(log),
    error: log,
  });
  // The shortcuts cannot be pressed by a test driver (nor from DevTools): expose the same handlers in
  // the worker's scope. Only extension contexts can reach it.
  (globalThis as { convopsToolbar?: unknown }).convopsToolbar = { handleCommand, handleActionClick };
  return () => {
    badge.unsubscribe();
    browser.action.onClicked.removeListener(onClicked);
    browser.commands.onCommand.removeListener(onCommand);
    browser.tabs.onUpdated.removeListener(onUpdated);
  };
}

import { useCallback, useEffect, useRef, useState } from 'react';
import type { LibraryEntry } from '@/lib/background/panel-bridge';
import type { PanelCommand, PanelTab, PanelTaskDetail } from '@/lib/messaging/panel-port';
import type { PanelAction, PanelQueryName, PillWord, TabBinding } from '@/lib/messaging/schemas';
import type { ConversationRef, Settings, Site, Task } from '@/lib/workflow/records';
import type { PanelQueryResult } from '@/lib/background/panel-bridge';
import type { PanelQueryArgs } from '@/lib/messaging/schemas';
import { bridge, liveKey } from './bridge-client';

/**
 * Everything the panel reads (live) and writes, all over its one port to the background (see
 * lib/background/panel-bridge.ts for why the panel frame does not open the database itself): the
 * records, its own tab (the page's state and the bound task), and the toolbar's commands. Writes go
 * through the repositories there, with the person named in the settings as actor.
 */

export type TaskDetail = PanelTaskDetail;
export type { LibraryEntry };

export function useSettings(): Settings | undefined {
  return useBridgeQuery('settings', {}) ?? undefined;
}

export function useLibrary(): LibraryEntry[] | undefined {
  return useBridgeQuery('library', {}) ?? undefined;
}

export function useTaskDetail(taskId: string | null | undefined): TaskDetail | null | undefined {
  return useBridgeQuery('task-detail', taskId ? { taskId } : null);
}

/** The task of this conversation (engine rule `taskOfConversation`): running here now, else the one that finished here last. */
export function useConversationTask(site: Site | undefined, conversationId: string | null | undefined): Task | null | undefined {
  return useBridgeQuery('conversation-task', site && conversationId ? { site, conversationId } : null);
}

/** Tasks still running: the ones waiting for a decision first. */
export function useOpenTasks(): Task[] | undefined {
  return useBridgeQuery('open-tasks', {}) ?? undefined;
}

/** The team workspace (state and since when, the sharing default), or null when none is connected. */
export function useTeamStatus(): PanelQueryResult<'team'> | null | undefined {
  return useBridgeQuery('team', {});
}

export interface TabContext extends Omit<PanelTab, 'tabId'> {
  /** Null until the background answered. */
  tabId: number | null;
  ready: boolean;
  setBinding: (binding: TabBinding | null) => Promise<void>;
}

/** The panel's tab: what its page reports (site, composer health, conversation, streaming) and the task bound to it, pushed as it changes. */
export function useTabContext(): TabContext {
  const tab = useBridgeQuery('tab', {});
  const setBinding = useCallback(async (binding: TabBinding | null) => void (await panelRepo.setBinding(binding)), []);
  return { tabId: tab?.tabId ?? null, host: tab?.host ?? null, binding: tab?.binding ?? null, ready: !!tab, setBinding };
}

/**
 * Runs `onCommand` for each toolbar command the background hands this tab's panel (the "send the
 * current step" shortcut). Only commands given while the panel is open count. The latest handler is
 * used, so it sees the current step and briefing.
 */
export function usePanelCommand(onCommand: (command: PanelCommand) => void): void {
  const handler = useRef(onCommand);
  useEffect(() => {
    handler.current = onCommand;
  });
  useEffect(() => bridge().onCommand((command) => handler.current(command)), []);
}

/**
 * A live query answered by the background: `undefined` while loading, then every new result.
 * `args === null` means "nothing to ask" and yields null. An answer already held (prefetched, or
 * followed by another component) is returned on the first render.
 */
export function useBridgeQuery<K extends PanelQueryName>(query: K, args: PanelQueryArgs<K> | null): PanelQueryResult<K> | null | undefined {
  // The arguments as a key: a new object with the same arguments each render asks nothing new.
  const key = args === null ? null : liveKey(query, args);
  type Result = PanelQueryResult<K>;
  const [state, setState] = useState<{ key: string | null; value: Result | undefined }>(() => ({ key, value: args === null ? undefined : bridge().cached(query, args)?.value }));
  useEffect(() => {
    if (key === null || args === null) return;
    return bridge().subscribe(query, args, (value) => setState((prev) => (prev.key === key && prev.value === value ? prev : { key, value })));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `args`
  }, [query, key]);
  if (key === null || args === null) return null;
  if (state.key === key) return state.value;
  // The arguments changed since the last answer: what is already held for the new ones, else loading.
  return bridge().cached(query, args)?.value;
}

export const panelRepo = {
  saveDisplayName: (name: string) => bridge().call('save-display-name', { name }),
  /** `send`: "Start and send step 1" (the background sends step 1 once this tab's prompt box is there). */
  /** `share`: share this task with the team workspace (absent: the person's default). */
  startTask: (input: { workflowId: string; title: string; conversation?: ConversationRef; inputs?: Record<string, string>; send?: boolean; share?: boolean }) =>
    bridge().call('start-task', input),
  /** Opens (or focuses) the review window of the task's waiting gate: the panel never decides itself. */
  openReview: (taskId: string) => bridge().call('open-review', { taskId }),
  act: (taskId: string, rev: number, action: PanelAction) => bridge().call('act', { taskId, rev, action }),
  /** Moves the task to a new chat of this site and opens it; the handoff briefing is inserted there. */
  handoff: (taskId: string, rev: number) => bridge().call('handoff', { taskId, rev }),
  /** The person's Insert / Send: the background puts the current step's briefing into this tab and records it. */
  deliver: (taskId: string, send: boolean) => bridge().call('deliver', { taskId, send }),
  /** The step runs on the other site: the task goes to its chat there (or a new one, in a new tab). */
  continueOn: (taskId: string, rev: number, site: Site) => bridge().call('continue-on', { taskId, rev, site }),
  /** Presses the site's Send for the briefing already in the prompt box. */
  pressSend: (taskId: string) => bridge().call('press-send', { taskId }),
  addNote: (taskId: string, stepId: string, body: string) => bridge().call('add-note', { taskId, stepId, body }),
  editNote: (noteId: string, body: string) => bridge().call('edit-note', { noteId, body }),
  deleteNote: (noteId: string) => bridge().call('delete-note', { noteId }),
  markResult: (noteId: string) => bridge().call('mark-result', { noteId }),
  verify: (taskId: string) => bridge().call('verify', { taskId }),
  /** Puts text into this tab's prompt box (and sends it with the site's own Send). */
  insert: (text: string, send: boolean) => bridge().call('insert', { text, send }),
  setBinding: (binding: TabBinding | null) => bridge().call('set-binding', { binding }),
  siteReport: () => bridge().call('site-report', {}),
  /** The headline in one word for this tab's pill. */
  attention: (word: PillWord | null) => bridge().call('attention', { word }),
};

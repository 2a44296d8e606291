import { fakeBrowser } from 'wxt/testing/fake-browser';
import { startTaskRecord, updateSettings } from '@/lib/db';
import { installBuiltinWorkflows } from '@/lib/background/builtins';
import { forgetTabStateForTests, writeBinding } from '@/lib/background/tab-state';
import type { Task } from '@/lib/workflow/records';
import { useFreshDb } from '../db/helpers';

/** The tests' chat tab, and the person at it. */
export const TAB = 7;
export const alice = { kind: 'human' as const, name: 'Alice' };

/** A fresh database and browser per test, and no tab state left from the last one (as after a restart). */
export function useFreshBackground(): void {
  useFreshDb();
  beforeEach(() => {
    fakeBrowser.reset();
    forgetTabStateForTests();
  });
}

/** An SOP Documentation task started by Alice in a ChatGPT chat (`conversationId` null: a new chat), bound to `TAB`. */
export async function sopInTab(conversationId: string | null): Promise<Task> {
  await installBuiltinWorkflows();
  await updateSettings({ displayName: 'Alice' }, alice);
  const task = await startTaskRecord({
    workflowId: 'sop-documentation',
    title: 'Close the month',
    conversation: { site: 'chatgpt', conversationId, url: conversationId ? `https://chatgpt.com/c/${conversationId}` : 'https://chatgpt.com/', boundAt: new Date().toISOString() },
    actor: alice,
  });
  await writeBinding(TAB, { taskId: task.id });
  return task;
}

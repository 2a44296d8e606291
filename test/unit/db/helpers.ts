import Dexie from 'dexie';
import { afterEach, beforeEach } from 'vitest';
import { openDatabase, setDb, type ConvOpsDatabase } from '@/lib/db/database';
import type { Actor, ConversationRef } from '@/lib/workflow/records';
import type { Workflow, WorkflowInput } from '@/lib/workflow/schema';

let counter = 0;

/** Gives every test its own database, set as the one the repositories use, and deletes it after. */
export function useFreshDb(): { readonly db: ConvOpsDatabase } {
  const holder: { db?: ConvOpsDatabase } = {};
  beforeEach(async () => {
    counter += 1;
    holder.db = setDb(openDatabase(`convops-test-${process.pid}-${Date.now()}-${counter}`));
    await holder.db.open();
  });
  afterEach(async () => {
    const db = holder.db;
    if (db) {
      db.close();
      await Dexie.delete(db.name);
    }
  });
  return {
    get db() {
      if (!holder.db) throw new Error('database not open');
      return holder.db;
    },
  };
}

export const alice: Actor = { kind: 'human', name: 'Alice' };
export const bob: Actor = { kind: 'human', name: 'Bob' };
export const ai: Actor = { kind: 'ai', name: 'ChatGPT' };
export const system: Actor = { kind: 'system', name: 'ConvOps' };

/** Draft → walkthrough (approval gate, rejects back to draft) → publish (no capture). */
export function reviewFlow(overrides: Partial<WorkflowInput> = {}): Workflow {
  return {
    id: 'review-flow',
    name: 'Review flow',
    version: 1,
    description: 'Draft, walk through, publish.',
    category: 'Documentation',
    standards: ['Be precise.'],
    steps: [
      { id: 'draft', title: 'Draft', instructions: 'Write the draft of {{task.title}}.', capture: true, reads: [] },
      {
        id: 'walkthrough',
        title: 'Walkthrough',
        instructions: 'Walk through the draft.',
        capture: true,
        reads: ['draft'],
        gate: { type: 'approval', ask: 'Is the draft right?', onReject: 'draft' },
      },
      { id: 'publish', title: 'Publish', instructions: 'Publish it.', capture: false, reads: ['draft'] },
    ],
    ...overrides,
  } as Workflow;
}

export function simpleFlow(id: string, overrides: Partial<WorkflowInput> = {}): Workflow {
  return {
    id,
    name: `Flow ${id}`,
    version: 1,
    description: '',
    category: 'General',
    standards: [],
    steps: [{ id: 'only', title: 'Only step', instructions: 'Do it.', capture: true, reads: [] }],
    ...overrides,
  } as Workflow;
}

export function chat(conversationId: string | null, site: 'chatgpt' | 'claude' = 'chatgpt'): ConversationRef {
  return {
    site,
    conversationId,
    url: site === 'chatgpt' ? `https://chatgpt.com/c/${conversationId ?? ''}` : `https://claude.ai/chat/${conversationId ?? ''}`,
    boundAt: new Date().toISOString(),
  };
}

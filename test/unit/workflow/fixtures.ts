import { workflowSchema, type Workflow, type WorkflowInput } from '@/lib/workflow/schema';
import type { Actor, ConversationRef } from '@/lib/workflow/records';

export const human: Actor = { kind: 'human', name: 'Dana' };
export const ai: Actor = { kind: 'ai', name: 'Claude' };
export const system: Actor = { kind: 'system', name: 'ConvOps' };

export const T0 = '2026-03-01T10:00:00.000Z';
export const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

export function makeWorkflow(input: Partial<WorkflowInput> & Pick<WorkflowInput, 'steps'>): Workflow {
  return workflowSchema.parse({ id: 'wf', name: 'Test workflow', version: 1, ...input });
}

/** capture → draft → review (approval, back to draft) → publish */
export const sop = makeWorkflow({
  id: 'sop',
  name: 'SOP',
  standards: ['Be precise.'],
  steps: [
    { id: 'capture', title: 'Capture', instructions: 'Capture {{task.title}}.' },
    { id: 'draft', title: 'Draft', instructions: 'Draft it.', reads: ['capture'], role: 'writer' },
    {
      id: 'review',
      title: 'Review',
      instructions: 'Walk through it.',
      reads: ['capture', 'draft'],
      gate: { type: 'approval', ask: 'Is the SOP correct?', onReject: 'draft' },
    },
    { id: 'publish', title: 'Publish', instructions: 'Publish.', reads: ['draft'] },
  ],
});

export const chat = (id: string | null, site: ConversationRef['site'] = 'claude', minutes = 0): ConversationRef => ({
  site,
  conversationId: id,
  url: id ? `https://claude.ai/chat/${id}` : 'https://claude.ai/new',
  boundAt: at(minutes),
});

import { describe, expect, it } from 'vitest';
import { taskReportMarkdown } from '@/components/options/report';
import { buildTaskReport } from '@/components/options/report-model';
import { applyAction, startTask } from '@/lib/workflow/engine';
import type { AuditEvent, EventDraft } from '@/lib/workflow/records';
import { workflowSchema } from '@/lib/workflow/schema';

const dana = { kind: 'human' as const, name: 'Dana' };
const workflow = workflowSchema.parse({
  id: 'bugs', name: 'Bugs', version: 1,
  inputs: [
    { name: 'product', label: 'Product', required: true },
    { name: 'steps', label: 'Steps', kind: 'long-text' },
  ],
  steps: [{ id: 'a', title: 'A', instructions: '{{input.product}} {{input.steps}}' }],
});
const chained = (drafts: EventDraft[]): AuditEvent[] => drafts.map((d, i) => ({ ...d, taskId: 't', seq: i + 1, prevHash: '', hash: '' }));

describe('the report shows inputs and their history', () => {
  const started = startTask(workflow, { id: 't', title: 'T', actor: dana, now: '2026-01-01T09:00:00.000Z', inputs: { product: 'Billing', steps: '# one\n| two |' }, teamStandards: { version: 2, lines: ['No customer data.'] } });
  const changed = applyAction(started.task, workflow, { type: 'set-input', name: 'product', value: 'Payments' }, dana, '2026-01-01T09:05:00.000Z');
  const events = chained([...started.events, ...changed.events]);

  it('in the model: each value now, each change with who, when, old and new, and the team standards used', () => {
    const model = buildTaskReport(changed.task, workflow, [], events);
    expect(model.inputs).toEqual([
      { name: 'product', label: 'Product', value: 'Payments', changes: [{ seq: 2, by: 'Dana', at: '2026-01-01T09:05:00.000Z', from: 'Billing', to: 'Payments' }] },
      { name: 'steps', label: 'Steps', value: '# one\n| two |', changes: [] },
    ]);
    expect(model.teamStandards).toEqual({ version: 2, lines: ['No customer data.'] });
  });

  it('in the Markdown export, with a multi-line value fenced so it cannot open a heading or a table', () => {
    const markdown = taskReportMarkdown({ task: changed.task, workflow, notes: [], events, generatedAt: '2026-01-01T10:00:00.000Z' });
    expect(markdown).toContain('## Inputs');
    expect(markdown).toContain('- **Product:** Payments');
    expect(markdown).toContain('  - changed by Dana at 2026-01-01T09:05:00.000Z: Billing → Payments');
    expect(markdown).toContain('Team standards used (version 2): No customer data.');
    expect(markdown.split('\n').filter((line) => line === '# one')).toHaveLength(1);
    expect(markdown).toContain('- **Steps:**\n\n```markdown\n# one\n| two |\n```');
  });
});

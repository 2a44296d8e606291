import { describe, expect, it } from 'vitest';
import { exportTask } from '@/lib/db/backup';
import { importTask } from '@/lib/db/backup-restore';
import { listEvents } from '@/lib/db/events-repo';
import { getSettings, updateSettings } from '@/lib/db/settings-repo';
import { getTask, runAction, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import { InputValuesError } from '@/lib/workflow/engine';
import { alice, chat, reviewFlow, useFreshDb } from './helpers';

const ctx = useFreshDb();

/** The review flow with a required product its first step uses. */
const withInputs = () =>
  reviewFlow({
    inputs: [{ name: 'product', label: 'Product', kind: 'short-text', required: true }],
    steps: reviewFlow().steps.map((step, i) => (i === 0 ? { ...step, instructions: `${step.instructions} For {{input.product}}.` } : step)),
  });

describe('task inputs and team standards in the database', () => {
  it('a task starts with its values and the team standards of that moment; later standards do not change it', async () => {
    await saveWorkflow(withInputs(), alice);
    await updateSettings({ teamStandards: ['Never paste customer data.'] }, alice);
    expect((await getSettings()).teamStandardsVersion).toBe(1);
    const task = await startTaskRecord({ workflowId: 'review-flow', title: 'T', conversation: chat('c1'), actor: alice, inputs: { product: 'Billing' } });
    expect(task.inputs?.['product']?.value).toBe('Billing');
    expect(task.teamStandards).toEqual({ version: 1, lines: ['Never paste customer data.'] });
    await updateSettings({ teamStandards: ['Something else.'] }, alice);
    expect((await getSettings()).teamStandardsVersion).toBe(2);
    expect((await getTask(task.id))?.teamStandards?.version).toBe(1);
  });

  it('a required value left empty starts nothing', async () => {
    await saveWorkflow(withInputs(), alice);
    await expect(startTaskRecord({ workflowId: 'review-flow', title: 'T', actor: alice, inputs: { product: ' ' } })).rejects.toBeInstanceOf(InputValuesError);
    expect(await ctx.db.tasks.count()).toBe(0);
  });

  it('a change is an event, and a task file carries the values through replay on import', async () => {
    await saveWorkflow(withInputs(), alice);
    const task = await startTaskRecord({ workflowId: 'review-flow', title: 'T', conversation: chat('c1'), actor: alice, inputs: { product: 'Billing' } });
    await runAction(task.id, task.rev, { type: 'set-input', name: 'product', value: 'Payments' }, alice);
    const events = await listEvents(task.id);
    expect(events.at(-1)).toMatchObject({ type: 'input.changed', actor: alice, data: { name: 'product', from: 'Billing', to: 'Payments' } });
    const file = await exportTask(task.id);
    await ctx.db.tasks.clear();
    await ctx.db.events.where('taskId').equals(task.id).delete();
    await importTask(file);
    expect((await getTask(task.id))?.inputs?.['product']?.value).toBe('Payments');
  });
});

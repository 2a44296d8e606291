import { RecordNotFoundError } from '@/lib/db/errors';
import {
  appendEvents,
  isTaskChain,
  listEvents,
  recordTaskEvent,
  SETTINGS_CHAIN,
  verifyAllChains,
  workflowChain,
} from '@/lib/db/events-repo';
import { getSettings, updateSettings } from '@/lib/db/settings-repo';
import { startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import { DEFAULT_SETTINGS } from '@/lib/workflow/records';
import { alice, bob, reviewFlow, useFreshDb } from './helpers';

const ctx = useFreshDb();

describe('settings', () => {
  it('starts from the defaults, records each change with what changed, and ignores no-op patches', async () => {
    expect(await getSettings()).toEqual(DEFAULT_SETTINGS);
    const updated = await updateSettings({ displayName: 'Alice', sites: { claude: false } }, alice);
    expect(updated).toMatchObject({ displayName: 'Alice', sites: { chatgpt: true, claude: false } });
    expect(await getSettings()).toEqual(updated);
    await updateSettings({ displayName: 'Alice' }, alice);
    const events = await listEvents(SETTINGS_CHAIN);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'settings.changed',
      actor: alice,
      data: { changed: ['displayName', 'sites'], before: { displayName: '' }, after: { displayName: 'Alice' } },
    });
  });

  it('rejects invalid values and writes nothing', async () => {
    await expect(updateSettings({ panelWidth: 10 }, alice)).rejects.toThrow();
    expect(await ctx.db.settings.count()).toBe(0);
    expect(await ctx.db.events.count()).toBe(0);
  });
});

describe('events', () => {
  it('records non-transition task events on the task chain', async () => {
    await saveWorkflow(reviewFlow(), alice);
    const task = await startTaskRecord({ workflowId: 'review-flow', title: 'T', actor: alice });
    const event = await recordTaskEvent(task.id, {
      type: 'briefing.inserted',
      actor: bob,
      at: new Date().toISOString(),
      stepId: 'draft',
      data: { length: 420 },
    });
    expect(event).toMatchObject({ seq: 2, taskId: task.id, type: 'briefing.inserted' });
    await expect(
      recordTaskEvent('missing', { type: 'message.sent', actor: bob, at: new Date().toISOString(), data: {} }),
    ).rejects.toBeInstanceOf(RecordNotFoundError);
    const verdicts = await verifyAllChains();
    expect([...verdicts.keys()].sort()).toEqual([task.id, workflowChain('review-flow')].sort());
    expect([...verdicts.values()].every((v) => v.ok)).toBe(true);
  });

  it('appendEvents refuses to run outside a transaction and validates drafts', async () => {
    await expect(appendEvents(ctx.db, 't', [])).rejects.toThrow(/transaction/);
    await expect(
      ctx.db.transaction('rw', ctx.db.events, () =>
        appendEvents(ctx.db, 't', [{ type: 'not-a-type', actor: bob, at: 'yesterday', data: {} } as never]),
      ),
    ).rejects.toThrow();
    expect(await ctx.db.transaction('rw', ctx.db.events, () => appendEvents(ctx.db, 't', []))).toEqual([]);
    expect(await ctx.db.events.count()).toBe(0);
  });

  it('tells task chains from pseudo chains', () => {
    expect(isTaskChain('abc')).toBe(true);
    expect(isTaskChain(SETTINGS_CHAIN)).toBe(false);
    expect(isTaskChain(workflowChain('x'))).toBe(false);
  });
});

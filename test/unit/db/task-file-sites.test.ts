import Dexie from 'dexie';
import { taskReportJson, taskReportMarkdown } from '@/components/options/report';
import { exportTask } from '@/lib/db/backup';
import { importTask } from '@/lib/db/backup-restore';
import { openDatabase, setDb } from '@/lib/db/database';
import { captureReply } from '@/lib/db/notes-repo';
import { getTaskDetail, runAction, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import { aiActorOf } from '@/lib/workflow/actors';
import { stepSites, taskConversations, taskSites } from '@/lib/workflow/task-sites';
import { alice, chat, reviewFlow, useFreshDb } from './helpers';

const ctx = useFreshDb();

/**
 * One task across both sites, in a task file: drafted on ChatGPT, walked through on Claude (a new
 * chat that got its address), then back to the draft's chat. The file a colleague imports carries
 * both conversations, and the record read from it says which site each step ran on and which model
 * wrote each result.
 */
async function crossSiteTask(): Promise<string> {
  await saveWorkflow(reviewFlow(), alice);
  const task = await startTaskRecord({ workflowId: 'review-flow', title: 'Across both sites', conversation: chat('g1', 'chatgpt'), actor: alice });
  await captureReply({ taskId: task.id, site: 'chatgpt', conversationId: 'g1', messageKey: 'g-m1', markdown: 'DRAFT by ChatGPT', actor: aiActorOf('chatgpt') });
  let rev = (await runAction(task.id, 0, { type: 'complete-step', stepId: 'draft' }, aiActorOf('chatgpt'))).rev;
  rev = (await runAction(task.id, rev, { type: 'move-conversation', reason: 'handoff', conversation: chat(null, 'claude') }, alice)).rev;
  rev = (await runAction(task.id, rev, { type: 'move-conversation', reason: 'url-assigned', conversation: chat('k1', 'claude') }, alice)).rev;
  await captureReply({ taskId: task.id, site: 'claude', conversationId: 'k1', messageKey: 'k-m1', markdown: 'REVIEW by Claude', actor: aiActorOf('claude') });
  await runAction(task.id, rev, { type: 'move-conversation', reason: 'site-switch', conversation: chat('g1', 'chatgpt') }, alice);
  return task.id;
}

describe('a task file across both sites', () => {
  it('export → import round-trips both conversations, where each step ran and who wrote each result', async () => {
    const id = await crossSiteTask();
    const before = (await getTaskDetail(id))!;
    const file = JSON.parse(JSON.stringify(await exportTask(id)));
    expect(file.task.conversations.map((c: { site: string; conversationId: string }) => [c.site, c.conversationId])).toEqual([
      ['chatgpt', 'g1'],
      ['claude', 'k1'],
      ['chatgpt', 'g1'],
    ]);

    const previous = ctx.db;
    const db = setDb(openDatabase(`convops-task-file-${Date.now()}`));
    try {
      await importTask(file);
      const after = (await getTaskDetail(id))!;
      expect(after.task.conversations).toEqual(before.task.conversations);
      expect(taskConversations(after.task).map((c) => c.url)).toEqual(['https://chatgpt.com/c/g1', 'https://claude.ai/chat/k1']);
      expect(taskSites(after.task)).toEqual([
        { site: 'chatgpt', url: 'https://chatgpt.com/c/g1', current: true },
        { site: 'claude', url: 'https://claude.ai/chat/k1', current: false },
      ]);
      const where = stepSites(after.workflow, after.notes, after.events);
      expect(where.get('draft')).toEqual({ sites: ['chatgpt'], resultBy: { kind: 'ai', name: 'ChatGPT' } });
      expect(where.get('walkthrough')).toEqual({ sites: ['claude'], resultBy: { kind: 'ai', name: 'Claude' } });
      expect(where.get('publish')).toEqual({ sites: [] });

      // The reports made from the imported task show both.
      const input = { task: after.task, workflow: after.workflow, notes: after.notes, events: after.events, generatedAt: 'now' };
      const markdown = taskReportMarkdown(input);
      expect(markdown).toContain('| 1. Draft | ChatGPT | ChatGPT |');
      expect(markdown).toContain('| 2. Walkthrough | Claude | Claude |');
      expect(markdown.match(/^- Worked on in /gm)).toHaveLength(2);
      expect(markdown).toContain('- Conversation (claude): <https://claude.ai/chat/k1>');
      expect(markdown).toContain('- Conversation (chatgpt): <https://chatgpt.com/c/g1>');
      const json = JSON.parse(taskReportJson(input));
      expect(json.conversations.map((c: { site: string }) => c.site)).toEqual(['chatgpt', 'claude']);
      expect(json.steps.map((s: { id: string; sites: string[]; resultBy: { name: string } | null }) => [s.id, s.sites, s.resultBy?.name ?? null])).toEqual([
        ['draft', ['chatgpt'], 'ChatGPT'],
        ['walkthrough', ['claude'], 'Claude'],
        ['publish', [], null],
      ]);
    } finally {
      db.close();
      await Dexie.delete(db.name);
      setDb(previous);
    }
  });
});

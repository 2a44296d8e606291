import { resultByInWords, sitesInWords, stepSites, taskConversations } from '@/lib/workflow/task-sites';
import type { AuditEvent, Note } from '@/lib/workflow/records';
import { at, chat, human, sop } from './fixtures';

const note = (id: string, stepId: string, extra: Partial<Note> = {}): Note => ({
  id,
  taskId: 't1',
  stepId,
  source: 'captured',
  body: id,
  createdAt: at(1),
  createdBy: human,
  updatedAt: at(1),
  deleted: false,
  ...extra,
});
const briefing = (seq: number, stepId: string, site: string): AuditEvent => ({
  taskId: 't1',
  seq,
  type: 'briefing.inserted',
  actor: human,
  at: at(seq),
  stepId,
  data: { site },
  prevHash: '',
  hash: '',
});

describe('where a task ran', () => {
  it('lists each conversation once, in the order the task first went there', () => {
    const task = { conversations: [chat('a', 'chatgpt', 0), chat('b', 'claude', 1), chat('a', 'chatgpt', 2), chat(null, 'claude', 3)] };
    expect(taskConversations(task).map((c) => [c.site, c.conversationId])).toEqual([
      ['chatgpt', 'a'],
      ['claude', 'b'],
      ['claude', null],
    ]);
  });

  it('names the sites of each step and who wrote its result: the model by its site, a person by name, an edited reply as edited', () => {
    const notes = [
      note('n1', 'capture', { capture: { site: 'chatgpt', conversationId: 'a', messageKey: 'm1' } }),
      note('n2', 'draft', { capture: { site: 'claude', conversationId: 'b', messageKey: 'm2' }, updatedAt: at(5) }),
      note('n3', 'review', { source: 'manual' }),
    ];
    const where = stepSites(sop, notes, [briefing(1, 'capture', 'chatgpt'), briefing(2, 'draft', 'chatgpt'), briefing(3, 'draft', 'claude'), briefing(4, 'review', 'nowhere')]);
    expect(where.get('capture')).toEqual({ sites: ['chatgpt'], resultBy: { kind: 'ai', name: 'ChatGPT' } });
    expect(where.get('draft')).toEqual({ sites: ['chatgpt', 'claude'], resultBy: { kind: 'ai', name: 'Claude', edited: true } });
    expect(where.get('review')).toEqual({ sites: [], resultBy: human });
    expect(sitesInWords(where.get('draft')!.sites)).toBe('ChatGPT and Claude');
    expect(sitesInWords([])).toBe('—');
    expect(resultByInWords(where.get('draft')!.resultBy)).toBe('Claude (edited by a person)');
    expect(resultByInWords(where.get('review')!.resultBy)).toBe('Dana');
  });
});

import { describe, expect, it } from 'vitest';
import {
  csvCell,
  dashboardCsv,
  dashboardRow,
  taskReportJson,
  taskReportMarkdown,
  toCsv,
} from '@/components/options/report';
import type { Workflow } from '@/lib/workflow/schema';
import type { AuditEvent, Note, Task } from '@/lib/workflow/records';

const human = { kind: 'human' as const, name: 'Ana' };
const workflow: Workflow = {
  id: 'sop',
  name: 'SOP Documentation',
  version: 2,
  description: '',
  category: 'Docs',
  standards: [],
  steps: [
    { id: 'draft', title: 'Draft', instructions: 'Write', capture: true, reads: [] },
    { id: 'review', title: 'Walkthrough', instructions: 'Check', capture: true, reads: ['draft'], gate: { type: 'approval', ask: 'Is it right?', onReject: 'draft' } },
  ],
};
const task: Task = {
  id: 't1',
  title: 'Onboarding | SOP',
  workflowId: 'sop',
  workflowVersion: 2,
  status: 'awaiting-approval',
  currentStepId: 'review',
  completedStepIds: ['draft'],
  pendingGate: { stepId: 'review', requestedAt: '2026-01-02T10:00:00.000Z' },
  rejection: null,
  conversations: [{ site: 'chatgpt', conversationId: 'c1', url: 'https://chatgpt.com/c/c1', boundAt: '2026-01-02T09:00:00.000Z' }],
  rev: 3,
  createdAt: '2026-01-02T09:00:00.000Z',
  createdBy: human,
  updatedAt: '2026-01-02T10:00:00.000Z',
  updatedBy: human,
};
const events: AuditEvent[] = [
  { taskId: 't1', seq: 2, type: 'gate.rejected', actor: human, at: '2026-01-02T09:30:00.000Z', stepId: 'review', data: { comment: 'Missing\nstep 3' }, prevHash: 'a', hash: 'b' },
  { taskId: 't1', seq: 1, type: 'task.started', actor: human, at: '2026-01-02T09:00:00.000Z', data: {}, prevHash: '', hash: 'a' },
];
const notes: Note[] = [
  { id: 'n2', taskId: 't1', stepId: 'review', source: 'manual', body: 'Looks fine', createdAt: '2026-01-02T09:40:00.000Z', createdBy: human, updatedAt: '2026-01-02T09:40:00.000Z', deleted: false },
  { id: 'n1', taskId: 't1', stepId: 'draft', source: 'captured', body: '# Draft\n\n1. Do it', createdAt: '2026-01-02T09:10:00.000Z', createdBy: { kind: 'ai', name: 'ChatGPT' }, updatedAt: '2026-01-02T09:10:00.000Z', deleted: false },
  { id: 'n3', taskId: 't1', stepId: 'draft', source: 'manual', body: 'deleted one', createdAt: '2026-01-02T09:11:00.000Z', createdBy: human, updatedAt: '2026-01-02T09:11:00.000Z', deleted: true },
];

describe('csvCell', () => {
  it('leaves plain text alone', () => {
    expect(csvCell('hello')).toBe('hello');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(undefined)).toBe('');
  });
  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });
  it.each(['=1+1', '+cmd', '-2', '@SUM(A1)', '\tx', '\rx'])('neutralizes a formula start: %j', (value) => {
    const cell = csvCell(value);
    expect(cell.replace(/^"/, '').startsWith("'")).toBe(true);
  });
  it('neutralizes and quotes together', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
  });
});

describe('toCsv / dashboardCsv', () => {
  it('joins rows with CRLF and ends with one', () => {
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });
  it('writes one row per task with the workflow, step and gate in words', () => {
    const csv = dashboardCsv([dashboardRow(task, workflow)]);
    const [header, row] = csv.trimEnd().split('\r\n');
    expect(header).toBe('Task id,Title,Workflow,Version,Status,Current step,Waiting gate,Site,Conversation,Sites used,Started by,Last activity');
    expect(row).toBe(
      't1,Onboarding | SOP,SOP Documentation,2,awaiting-approval,Walkthrough,Approval: Walkthrough,chatgpt,https://chatgpt.com/c/c1,ChatGPT,Ana,2026-01-02T10:00:00.000Z',
    );
  });
  it('falls back to ids when the workflow version is unknown', () => {
    const row = dashboardRow({ ...task, pendingGate: null, conversations: [] }, undefined);
    expect(row).toMatchObject({ workflowName: 'sop', currentStep: 'review', waitingGate: '', site: '', conversationUrl: '' });
  });
});

describe('taskReportMarkdown', () => {
  const markdown = taskReportMarkdown({ task, workflow, notes, events, generatedAt: '2026-01-03T00:00:00.000Z', verification: { ok: true, message: '2 events, chain intact' } });
  it('has the header facts', () => {
    expect(markdown).toContain('# Task report: Onboarding \\| SOP');
    expect(markdown).toContain('- Workflow: SOP Documentation, version 2');
    expect(markdown).toContain('- Waiting gate: Approval: Walkthrough');
    expect(markdown).toContain('- Worked on in ChatGPT from ');
    expect(markdown).toContain('- The record: checked, intact — 2 events, chain intact');
  });
  it('keeps ids, addresses and hashes out of what a person reads first: they are under the auditors\' details', () => {
    const [readable, details] = markdown.split('<details><summary>Details for auditors</summary>');
    expect(readable).not.toMatch(/\bt1\b|\(sop\)|chatgpt\.com\/c\/|hash/);
    expect(details).toContain('- Task id: t1');
    expect(details).toContain('- Conversation (chatgpt): <https://chatgpt.com/c/c1>');
    expect(details).toContain('</details>');
  });
  it('lists events in sequence order with gate comments on one line', () => {
    const started = markdown.indexOf('| Started the task |');
    const rejected = markdown.indexOf('| Rejected and sent back |');
    expect(started).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(started);
    expect(markdown).toContain('| Rejected and sent back | Walkthrough | Missing step 3 |');
  });
  it('records the chain head (the highest event, whatever the order given) so a saved report can expose truncation later', () => {
    expect(markdown).toContain('- Audit chain head: event 2, hash `b`');
    expect(JSON.parse(taskReportJson({ task, workflow, notes, events, generatedAt: 'x' })).chainHead).toEqual({ seq: 2, hash: 'b' });
    expect(taskReportMarkdown({ task, workflow, notes, events: [], generatedAt: 'x' })).not.toContain('chain head');
  });
  it('groups live notes by step in workflow order and omits deleted ones', () => {
    expect(markdown.indexOf('### Draft')).toBeLessThan(markdown.indexOf('### Walkthrough'));
    expect(markdown).toContain('# Draft\n\n1. Do it');
    expect(markdown).not.toContain('deleted one');
  });
});

describe('taskReportJson', () => {
  it('round-trips the record with events in order', () => {
    const parsed = JSON.parse(taskReportJson({ task, workflow, notes, events, generatedAt: 'now' }));
    expect(parsed.format).toBe('convops-task-report');
    expect(parsed.task.id).toBe('t1');
    expect(parsed.events.map((event: AuditEvent) => event.seq)).toEqual([1, 2]);
    expect(parsed.verification).toBeNull();
  });
});

describe('reports keep untrusted text inert', () => {
  const attack = {
    title: 'Q3 <img src=x onerror=alert(1)> [click](javascript:alert(2)) <script>alert(3)</script>',
    name: '<b onmouseover=alert(4)>Mallory</b>',
    comment: '![x](javascript:alert(5)) <iframe src=javascript:alert(6)>',
    body: 'Result\n\n<script>alert(7)</script>\n\n```\nclose the fence\n```\n<img src=x onerror=alert(8)> [go](javascript:alert(9))',
  };
  const evil = { kind: 'human' as const, name: attack.name };
  const markdown = taskReportMarkdown({
    task: {
      ...task,
      title: attack.title,
      createdBy: evil,
      conversations: [{ site: 'chatgpt', conversationId: 'c1', url: 'javascript:alert(10)//https://x', boundAt: task.createdAt }],
    },
    workflow: { ...workflow, steps: [{ ...workflow.steps[0]!, title: '<svg onload=alert(11)>' }, workflow.steps[1]!] },
    notes: [{ ...notes[1]!, body: attack.body, createdBy: evil }],
    events: [{ ...events[0]!, actor: evil, data: { comment: attack.comment } }],
    generatedAt: 'x',
  });

  it('renders to HTML (raw HTML and every protocol allowed) without a single element or link from the text', async () => {
    const { micromark } = await import('micromark');
    const { gfm, gfmHtml } = await import('micromark-extension-gfm');
    const html = micromark(markdown, { allowDangerousHtml: true, allowDangerousProtocol: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
    expect(html).not.toMatch(/<(img|script|iframe|svg|b)\b/i);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).not.toMatch(/src="javascript:/i);
    // The text is still there to read.
    expect(html).toContain('alert(7)');
    expect(html).toContain('Mallory');
  });

  it('a note body cannot close its fence early', () => {
    expect(markdown).toContain('````markdown\nResult');
  });
});

describe('csvCell against formula tricks', () => {
  it.each([' =1+1', '\u00a0+cmd', '  @SUM(A1)', '\uff1dHYPERLINK("http://x")', ' \uff0b1', '\n=1'])('neutralizes %j', (value) => {
    expect(csvCell(value).replace(/^"/, '').startsWith("'")).toBe(true);
  });
  it('leaves a minus inside a cell alone', () => {
    expect(csvCell('a-b')).toBe('a-b');
  });
});

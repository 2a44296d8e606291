// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { claudeAdapter as A } from '@/lib/hosts';
import { parseFixture } from './load-fixture';

const id = '5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
const doc = () => parseFixture('claude-virtualized.html');

describe('Claude virtualized list', () => {
  it('finds the visible tiptap composer and skips the hidden duplicate fieldset', () => {
    const d = doc();
    expect(A.detectGeneration(d)).toBe('virtualized');
    expect(A.findComposer(d)?.id).toBe('visible-editor');
  });

  it('falls back to the SSR textarea before hydration', () => {
    const d = doc();
    d.querySelectorAll('[data-testid="chat-input"]').forEach((el) => el.remove());
    const ssr = d.createElement('textarea');
    ssr.setAttribute('data-testid', 'chat-input-ssr');
    d.querySelector('[data-chat-input-container] fieldset:not(.opacity-0)')!.append(ssr);
    expect(A.findComposer(d)).toBe(ssr);
  });

  it('derives keys from conversation, row index and final text; skips the streaming reply', () => {
    const messages = A.listMessages(doc(), id);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[1]!.key).toMatch(new RegExp(`^${id}:1:a:[0-9a-z]+$`));
    // Stable across re-parses (recycled rows, re-renders).
    expect(A.listMessages(doc(), id).map((m) => m.key)).toEqual(messages.map((m) => m.key));
  });

  it('a different final text in the same row gives a different key (regenerated reply)', () => {
    const d = doc();
    const before = A.listMessages(d, id)[1]!.key;
    const markdowns = d.querySelectorAll('[data-index="1"] .standard-markdown');
    markdowns[markdowns.length - 1]!.querySelector('p')!.textContent = 'Another answer.';
    expect(A.listMessages(d, id)[1]!.key).not.toBe(before);
  });

  it('answer body is the standard-markdown outside the thinking timeline', () => {
    const answer = A.listMessages(doc(), id)[1]!;
    const body = A.assistantBody(answer.element)!;
    expect(body.textContent).toContain('Left join');
    expect(body.textContent).not.toContain('The user wants');
    expect(body.closest('[data-timeline-text]')).toBeNull();
  });

  it('thinking text does not change the key', () => {
    const d = doc();
    const before = A.listMessages(d, id)[1]!.key;
    d.querySelector('[data-timeline-text] p')!.textContent = 'Different thoughts';
    expect(A.listMessages(d, id)[1]!.key).toBe(before);
  });

  it('streaming follows data-is-streaming and the Stop response button', () => {
    const d = doc();
    expect(A.isStreaming(d)).toBe(true);
    expect(A.lastAssistant(d, id)?.pending).toBe(true);
    d.querySelector('[data-is-streaming="true"]')!.setAttribute('data-is-streaming', 'false');
    expect(A.isStreaming(d)).toBe(true);
    d.querySelector('button[aria-label="Stop response"]')!.remove();
    expect(A.isStreaming(d)).toBe(false);
    const last = A.lastAssistant(d, id)!;
    expect(last).toMatchObject({ pending: false, role: 'assistant' });
    expect(last.key).toMatch(new RegExp(`^${id}:3:a:`));
    expect(A.isMarkedComplete(last.element)).toBe(true);
  });

  it('a new row without its streaming node yet is not taken as the reply', () => {
    const d = doc();
    d.querySelector('[data-index="3"]')!.remove();
    const row = d.createElement('div');
    row.setAttribute('data-index', '3');
    row.append(d.createElement('div'));
    d.querySelector('[role="feed"]')!.append(row);
    // The last assistant is still the settled one in row 1; the watcher compares keys.
    expect(A.lastAssistant(d, id)).toBeNull();
  });

  it('health: found everything, conversation id from the URL', () => {
    const health = A.health(doc(), `https://claude.ai/chat/${id}`);
    expect(health).toMatchObject({ site: 'claude', generation: 'virtualized', composer: 'found', messages: 'found', streamingSignal: 'found', conversationId: id });
  });

  it('send button by aria-label, with the older capitalisation', () => {
    const d = doc();
    const fieldset = d.querySelector('fieldset:not(.opacity-0)')!;
    const b = d.createElement('button');
    b.setAttribute('aria-label', 'Send Message');
    fieldset.append(b);
    expect(A.findSendButton(d)).toBe(b);
  });

  it('layout narrows the root by the panel width', () => {
    expect(A.layoutCss({ side: 'right', width: 400 })).toContain('html { width: calc(100% - 400px) !important;');
  });
});

describe('Claude flat list (real pages, February–May 2026)', () => {
  const flat = () => parseFixture('claude-flat.html');

  it('detects the flat list (not the virtualized feed) and finds the tiptap composer', () => {
    const d = flat();
    expect(A.detectGeneration(d)).toBe('flat');
    expect(A.findComposer(d)?.id).toBe('flat-editor');
  });

  it('lists user and assistant messages in document order, the streaming reply left out', () => {
    const messages = A.listMessages(flat(), id);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[0]!.element.textContent).toBe('How long do lentils need?');
    expect(messages.map((m) => m.key.split(':').slice(1, 3).join(':'))).toEqual(['0:u', '1:a', '2:u']);
    expect(A.listMessages(flat(), id).map((m) => m.key)).toEqual(messages.map((m) => m.key));
  });

  // With the old container climb (lib/hosts/adapter.ts turnsFromEnd) this found the box holding the
  // first user message only, saw a user turn and returned null: no Claude reply was ever captured.
  it('finds the last reply while it streams and once it is final, past the render-count wrappers', () => {
    const d = flat();
    const streaming = A.lastAssistant(d, id);
    expect(streaming).toMatchObject({ role: 'assistant', pending: true });
    expect(streaming!.element.getAttribute('data-is-streaming')).toBe('true');
    d.querySelector('[data-is-streaming="true"] .standard-markdown p')!.textContent = 'Dried chickpeas need a night of soaking.';
    d.querySelector('[data-is-streaming="true"]')!.setAttribute('data-is-streaming', 'false');
    d.querySelector('button[aria-label="Stop response"]')!.remove();
    expect(A.isStreaming(d)).toBe(false);
    const final = A.lastAssistant(d, id)!;
    expect(final).toMatchObject({ role: 'assistant', pending: false });
    expect(final.key).toMatch(new RegExp(`^${id}:3:a:`));
    expect(A.isMarkedComplete(final.element)).toBe(true);
    expect(A.assistantBody(final.element)!.textContent).toBe('Dried chickpeas need a night of soaking.');
    expect(A.listMessages(d, id).at(-1)!.key).toBe(final.key);
  });

  it('takes the answer, not the "Thought for Ns" block before it; thinking does not change the key', () => {
    const d = flat();
    const answer = A.listMessages(d, id)[1]!;
    const body = A.assistantBody(answer.element)!;
    expect(body.textContent).toContain('fifteen minutes');
    expect(body.textContent).not.toContain('Thought for');
    expect(body.textContent).not.toContain('cooking times for pulses');
    const before = answer.key;
    d.querySelector('.overflow-hidden .standard-markdown p')!.textContent = 'Other thoughts';
    expect(A.listMessages(d, id)[1]!.key).toBe(before);
  });

  it('a new turn whose reply has not mounted yet gives no last reply', () => {
    const d = flat();
    const column = d.querySelector('[data-test-render-count]')!.parentElement!;
    column.lastElementChild!.remove();
    expect(A.lastAssistant(d, id)).toBeNull();
  });

  it('finds the last reply of a 300-turn page the same way', () => {
    const d = flat();
    const column = d.querySelector('[data-test-render-count]')!.parentElement!;
    const [user, reply] = [column.children[0]!, column.children[1]!];
    const last = column.lastElementChild!;
    for (let i = 0; i < 150; i++) (column.insertBefore(user.cloneNode(true), last) as Element).after(reply.cloneNode(true));
    const found = A.lastAssistant(d, id)!;
    expect(found.element.getAttribute('data-is-streaming')).toBe('true');
    expect(found.key).toMatch(new RegExp(`^${id}:303:a:`));
    expect(A.listMessages(d, id)).toHaveLength(303);
  });

  it('health names the flat generation and every concern', () => {
    expect(A.health(flat(), `https://claude.ai/chat/${id}`)).toMatchObject({ generation: 'flat', composer: 'found', messages: 'found', streamingSignal: 'found' });
  });
});

describe('Claude hub layout (October 2026)', () => {
  const hub = () => parseFixture('claude-hub.html');

  it('detects the hub and finds the composer', () => {
    const d = hub();
    expect(A.detectGeneration(d)).toBe('hub');
    expect(A.findComposer(d)?.id).toBe('hub-editor');
  });

  it('lists the transcript rows in order; the reply is the assistant-message node', () => {
    const messages = A.listMessages(hub(), id);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[1]!.element.getAttribute('data-cds')).toBe('AssistantMessage');
    const body = A.assistantBody(messages[1]!.element)!;
    expect(body.textContent).toContain('35 psi');
    expect(body.textContent).not.toContain('Thought for');
  });

  it('follows data-is-streaming on the reply itself', () => {
    const d = hub();
    expect(A.isStreaming(d)).toBe(true);
    expect(A.lastAssistant(d, id)?.pending).toBe(true);
    d.querySelector('[data-is-streaming="true"]')!.setAttribute('data-is-streaming', 'false');
    d.querySelector('button[aria-label="Stop response"]')!.remove();
    const last = A.lastAssistant(d, id)!;
    expect(last).toMatchObject({ pending: false, role: 'assistant' });
    expect(last.key).toMatch(new RegExp(`^${id}:3:a:`));
    expect(A.isMarkedComplete(last.element)).toBe(true);
    expect(A.health(d, `https://claude.ai/chat/${id}`)).toMatchObject({ generation: 'hub', composer: 'found', messages: 'found' });
  });
});

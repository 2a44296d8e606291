// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { claudeAdapter as A } from '../../../lib/hosts';
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

// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { chatgptAdapter as A } from '@/lib/hosts';
import { parseFixture } from './load-fixture';

const url = 'https://chatgpt.com/c/68f1c2d4-1a2b-4c3d-8e9f-0123456789ab';

describe('ChatGPT classic (section turns, ProseMirror composer)', () => {
  const doc = () => parseFixture('chatgpt-classic.html');

  it('detects the generation and finds the visible ProseMirror composer, not the pre-hydration textarea', () => {
    const d = doc();
    expect(A.detectGeneration(d)).toBe('classic');
    expect(A.findComposer(d)?.id).toBe('prompt-textarea');
    expect(A.findComposer(d)?.getAttribute('contenteditable')).toBe('true');
  });

  it('falls back to the textarea before hydration', () => {
    const d = doc();
    d.querySelector('#prompt-textarea')?.remove();
    d.querySelector('textarea[name="prompt-textarea"]')?.removeAttribute('style');
    expect(A.findComposer(d)?.tagName).toBe('TEXTAREA');
  });

  it('lists settled messages keyed by message id, skipping the thinking part and the pending turn', () => {
    const messages = A.listMessages(doc(), null);
    expect(messages.map((m) => [m.role, m.key])).toEqual([
      ['user', '11111111-1111-4111-8111-111111111111'],
      ['assistant', '22222222-2222-4222-8222-222222222222'],
      ['user', '33333333-3333-4333-8333-333333333333'],
    ]);
  });

  it('returns the answer body, not the "Thought for" part', () => {
    const answer = A.listMessages(doc(), null)[1]!;
    const body = A.assistantBody(answer.element);
    expect(body?.querySelector('code.language-bash')).not.toBeNull();
    expect(body?.textContent).not.toContain('Thought for');
  });

  it('reports the last assistant as pending while its id is request-WEB:…, then settled with the server id', () => {
    const d = doc();
    const pending = A.lastAssistant(d, null);
    expect(pending?.pending).toBe(true);
    const turn = d.querySelector('[data-testid="conversation-turn-4"]')!;
    turn.setAttribute('data-turn-id', '44444444-4444-4444-8444-444444444444');
    turn.querySelector('[data-message-id]')!.setAttribute('data-message-id', '44444444-4444-4444-8444-444444444444');
    const settled = A.lastAssistant(d, null);
    expect(settled).toMatchObject({ pending: false, key: '44444444-4444-4444-8444-444444444444', role: 'assistant' });
    expect(A.isMarkedComplete(settled!.element)).toBe(false);
    expect(A.isMarkedComplete(A.listMessages(d, null)[1]!.element)).toBe(true);
  });

  it('stops at a trailing user turn (no reply yet)', () => {
    const d = doc();
    d.querySelector('[data-testid="conversation-turn-4"]')!.remove();
    expect(A.lastAssistant(d, null)).toBeNull();
  });

  it('sees streaming from the stop button, the scroll root flag, and not after they go', () => {
    const d = doc();
    expect(A.isStreaming(d)).toBe(true);
    d.querySelector('[data-testid="stop-button"]')!.remove();
    d.querySelector('.result-streaming')!.classList.remove('result-streaming');
    expect(A.isStreaming(d)).toBe(false);
    d.querySelector('[data-scroll-root]')!.setAttribute('data-stream-active', '');
    expect(A.isStreaming(d)).toBe(true);
  });

  it('health names the selectors that matched', () => {
    const health = A.health(doc(), url);
    expect(health).toMatchObject({ site: 'chatgpt', generation: 'classic', composer: 'found', messages: 'found', streamingSignal: 'found' });
    expect(health.conversationId).toBe('68f1c2d4-1a2b-4c3d-8e9f-0123456789ab');
    expect(health.matched.composer).toBe('#prompt-textarea[contenteditable="true"]');
  });

  it('health reports a missing composer and missing messages on a conversation page that lost its markup', () => {
    const empty = new DOMParser().parseFromString('<main></main>', 'text/html');
    expect(A.health(empty, url)).toMatchObject({ composer: 'missing', messages: 'missing', generation: null });
    expect(A.health(empty, 'https://chatgpt.com/').messages).toBe('none-yet');
  });

  it('finds the send button only when enabled', () => {
    const d = doc();
    expect(A.findSendButton(d)).toBeNull();
    const form = d.querySelector('form')!;
    const button = d.createElement('button');
    button.setAttribute('data-testid', 'send-button');
    button.disabled = true;
    form.append(button);
    expect(A.findSendButton(d)).toBeNull();
    button.disabled = false;
    expect(A.findSendButton(d)).toBe(button);
  });

  it('layout rules shrink the root and w-screen by the panel width', () => {
    const css = A.layoutCss({ side: 'right', width: 380 });
    expect(css).toContain('html { width: calc(100% - 380px) !important;');
    expect(css).toContain('.w-screen { width: calc(100vw - 380px) !important; }');
    expect(A.layoutCss({ side: 'left', width: 300 })).toContain('margin-left: 300px');
  });
});

describe('ChatGPT Octane shell (li transcript, textarea composer)', () => {
  const doc = () => parseFixture('chatgpt-octane.html');

  it('detects octane, finds the textarea composer', () => {
    const d = doc();
    expect(A.detectGeneration(d)).toBe('octane');
    expect(A.findComposer(d)?.id).toBe('mobile-composer-prompt');
  });

  it('keys messages on the li id and skips the pending-… reply', () => {
    expect(A.listMessages(doc(), null).map((m) => [m.role, m.key])).toEqual([
      ['user', '0f0f0f0f-0000-4000-8000-000000000001'],
      ['assistant', '0f0f0f0f-0000-4000-8000-000000000002'],
      ['user', '0f0f0f0f-0000-4000-8000-000000000003'],
    ]);
  });

  it('streams while the li is marked and the submit is a stop control; completes with data-message-complete', () => {
    const d = doc();
    expect(A.isStreaming(d)).toBe(true);
    expect(A.lastAssistant(d, null)?.pending).toBe(true);
    const li = d.querySelector('li[data-message-streaming]')!;
    li.removeAttribute('data-message-streaming');
    li.setAttribute('data-message-complete', '');
    li.id = '0f0f0f0f-0000-4000-8000-000000000004';
    d.querySelector('button[data-composer-submit]')!.removeAttribute('data-stop-generating');
    expect(A.isStreaming(d)).toBe(false);
    const last = A.lastAssistant(d, null)!;
    expect(last).toMatchObject({ pending: false, key: '0f0f0f0f-0000-4000-8000-000000000004' });
    expect(A.isMarkedComplete(last.element)).toBe(true);
    expect(A.assistantBody(last.element)?.hasAttribute('data-assistant-markdown')).toBe(true);
    expect(A.findSendButton(d)?.hasAttribute('data-composer-submit')).toBe(true);
  });
});

describe('ChatGPT thread layout (data-turn-key, markdown composer)', () => {
  const doc = () => parseFixture('chatgpt-thread.html');

  it('detects thread, finds the contenteditable markdown composer', () => {
    const d = doc();
    expect(A.detectGeneration(d)).toBe('thread');
    expect(A.findComposer(d)?.hasAttribute('data-composer-markdown')).toBe(true);
  });

  it('keys messages on data-turn-key, role from the search-unit key, pending request id skipped', () => {
    expect(A.listMessages(doc(), null).map((m) => [m.role, m.key])).toEqual([
      ['user', 't-100'],
      ['assistant', 't-101'],
      ['user', 't-102'],
    ]);
  });

  it('answer body is the assistant-message markdown (not the thinking summary)', () => {
    const answer = A.listMessages(doc(), null)[1]!;
    const body = A.assistantBody(answer.element)!;
    expect(body.getAttribute('data-markdown-text-style')).toBe('assistant-message');
    expect(body.textContent).not.toContain('Thought for');
  });

  it('streams only while the Stop button is in the composer form', () => {
    const d = doc();
    expect(A.isStreaming(d)).toBe(true);
    d.querySelector('form button[aria-label="Stop"]')!.remove();
    expect(A.isStreaming(d)).toBe(false);
  });

  it('walks back through a long thread cheaply and finds the last settled reply', () => {
    const d = doc();
    const thread = d.querySelector('.thread')!;
    thread.lastElementChild!.remove();
    for (let i = 0; i < 300; i++) {
      const turn = d.createElement('div');
      turn.setAttribute('data-turn-key', `bulk-${i}`);
      turn.setAttribute('data-chatgpt-search-unit-key', `bulk-${i}:${i % 2 ? 'assistant' : 'user'}`);
      thread.append(turn);
    }
    expect(A.lastAssistant(d, null)?.key).toBe('bulk-299');
  });
});

describe('ChatGPT classic as on a real page of April 2026', () => {
  const doc = () => parseFixture('chatgpt-classic-2026-04.html');

  it('finds the ProseMirror composer, not the fallback textarea beside it', () => {
    const d = doc();
    expect(A.detectGeneration(d)).toBe('classic');
    expect(A.findComposer(d)?.id).toBe('prompt-textarea');
  });

  it('a finished reply keeps its request-WEB turn id: the message id settles it', () => {
    const d = doc();
    expect(A.listMessages(d, null).map((m) => [m.role, m.key])).toEqual([
      ['user', '5a0e7f1c-1000-4000-8000-000000000001'],
      ['assistant', '9e1f3a52-3000-4000-8000-000000000002'],
      ['user', '5a0e7f1c-1000-4000-8000-000000000003'],
    ]);
    expect(A.lastAssistant(d, null)?.pending).toBe(true);
    const turn = d.querySelector('[data-testid="conversation-turn-4"]')!;
    turn.querySelector('[data-message-id]')!.setAttribute('data-message-id', '9e1f3a52-3000-4000-8000-000000000004');
    const last = A.lastAssistant(d, null)!;
    expect(last).toMatchObject({ role: 'assistant', pending: false, key: '9e1f3a52-3000-4000-8000-000000000004' });
    expect(A.isMarkedComplete(last.element)).toBe(false);
    // The action bar of the turn arrives last; a user turn's own copy button is not a reply's mark.
    turn.querySelector('.grow')!.after(d.querySelector('[aria-label="Response actions"]')!.parentElement!.cloneNode(true));
    expect(A.isMarkedComplete(last.element)).toBe(true);
  });

  it('answer body is the markdown of the answer', () => {
    const answer = A.listMessages(doc(), null)[1]!;
    expect(A.assistantBody(answer.element)?.textContent).toBe('Bring bread, cheese and fruit.');
  });
});

describe('ChatGPT thread layout, one turn per prompt and answer (2026-09)', () => {
  const doc = () => parseFixture('chatgpt-thread-pairs.html');

  it('detects thread and lists the prompt and the answer of each pair in order', () => {
    const d = doc();
    expect(A.detectGeneration(d)).toBe('thread');
    expect(A.findComposer(d)?.hasAttribute('data-composer-markdown')).toBe(true);
    expect(A.listMessages(d, null).map((m) => [m.role, m.key])).toEqual([
      ['user', '6b0c1f7e-0000-4000-8000-00000000000a:user'],
      ['assistant', '6b0c1f7e-0000-4000-8000-00000000000a:assistant'],
      ['user', '6b0c1f7e-0000-4000-8000-00000000000b:user'],
      ['assistant', '6b0c1f7e-0000-4000-8000-00000000000b:assistant'],
    ]);
  });

  it('the answer is the assistant-message markdown, not the thinking summary', () => {
    const answer = A.listMessages(doc(), null)[1]!;
    const body = A.assistantBody(answer.element)!;
    expect(body.textContent).toContain('Guadalquivir');
    expect(body.textContent).not.toContain('Thought for');
  });

  it('the last reply is the answer of the last pair; a pair without its answer yet gives none', () => {
    const d = doc();
    expect(A.lastAssistant(d, null)?.key).toBe('6b0c1f7e-0000-4000-8000-00000000000b:assistant');
    d.querySelector('[data-turn-key$="b"] .assistant-row')!.remove();
    expect(A.lastAssistant(d, null)).toBeNull();
    expect(A.isStreaming(d)).toBe(true);
  });
});

describe('send button recognised on click without a page query', () => {
  it('matches the send control of every generation, not other buttons', () => {
    const d = parseFixture('chatgpt-classic.html');
    const send = d.createElement('button');
    send.setAttribute('data-testid', 'send-button');
    d.querySelector('form')!.append(send);
    expect(A.isSendButton(send)).toBe(true);
    expect(A.isSendButton(d.querySelector('[data-testid="stop-button"]')!)).toBe(false);
    expect(A.isSendButton(d.querySelector('[data-testid="copy-turn-action-button"]')!)).toBe(false);
    const octane = parseFixture('chatgpt-octane.html').querySelector('button[data-composer-submit]')!;
    octane.removeAttribute('data-stop-generating');
    expect(A.isSendButton(octane)).toBe(true);
  });
});

describe('per-page generation hint', () => {
  it('looks only for the signals of the generation the turns showed, and forgets it when the thread is replaced', async () => {
    const { mountFixture } = await import('./load-fixture');
    const d = mountFixture('chatgpt-classic-2026-04.html');
    expect(A.lastAssistant(d, null)?.pending).toBe(true); // remembers "classic"
    expect(A.isStreaming(d)).toBe(true);
    d.querySelector('[data-testid="stop-button"]')!.remove();
    expect(A.isStreaming(d)).toBe(false);
    // Another layout rendered into the same document: its Stop button is found again.
    mountFixture('chatgpt-thread-pairs.html');
    expect(A.isStreaming(d)).toBe(true);
    expect(A.lastAssistant(d, null)?.key).toBe('6b0c1f7e-0000-4000-8000-00000000000b:assistant');
    expect(A.isStreaming(d)).toBe(true);
  });
});

describe('ChatGPT last reply on a long thread (read from the turns container the last look found)', () => {
  const turn = (n: number, role: 'user' | 'assistant', id: string) =>
    `<section data-testid="conversation-turn-${n}" data-turn="${role}" data-turn-id="t-${n}"><div data-message-author-role="${role}" data-message-id="${id}"><div class="markdown"><p>text ${n}</p></div></div></section>`;
  const page = (count: number) => {
    const turns = Array.from({ length: count }, (_, i) => turn(i + 1, i % 2 === 0 ? 'user' : 'assistant', `m-${i + 1}`)).join('');
    const html = `<html><body><main><div id="thread"><div id="turns">${turns}<div class="spacer"></div></div></div><form data-type="unified-composer"><div id="prompt-textarea" contenteditable="true"></div></form></main></body></html>`;
    return new DOMParser().parseFromString(html, 'text/html');
  };
  const add = (parent: Element, n: number, role: 'user' | 'assistant', id: string) => parent.insertAdjacentHTML('beforeend', turn(n, role, id));

  it('sees a reply added to the container, and one the page puts anywhere after it', () => {
    const d = page(10);
    expect(A.lastAssistant(d, null)?.key).toBe('m-10');
    // The next looks start from the container: a new user turn there hides the old reply...
    const turns = d.getElementById('turns')!;
    add(turns, 11, 'user', 'm-11');
    expect(A.lastAssistant(d, null)).toBeNull();
    add(turns, 12, 'assistant', 'm-12');
    expect(A.lastAssistant(d, null)?.key).toBe('m-12');
    // ...and a turn rendered outside it, later in the document, is still the last one.
    add(d.getElementById('thread')!, 13, 'assistant', 'm-13');
    expect(A.lastAssistant(d, null)?.key).toBe('m-13');
    d.querySelector('[data-testid="conversation-turn-13"]')!.remove();
    add(d.querySelector('form')!, 14, 'assistant', 'm-14');
    expect(A.lastAssistant(d, null)?.key).toBe('m-14');
  });

  it('a turn nested in the last turn, a re-rendered thread and a short thread give the same answer as a whole-page look', () => {
    const d = page(10);
    expect(A.lastAssistant(d, null)?.key).toBe('m-10');
    // A match nested in a turn belongs to that turn: the outer turn's reply counts.
    d.querySelector('[data-testid="conversation-turn-10"]')!.insertAdjacentHTML('beforeend', turn(99, 'user', 'nested'));
    expect(A.lastAssistant(d, null)?.key).toBe('m-10');
    // The page replaced the whole thread (navigation): the old container is gone.
    const fresh = page(4).getElementById('turns')!;
    d.getElementById('turns')!.replaceWith(d.importNode(fresh, true));
    expect(A.lastAssistant(d, null)?.key).toBe('m-4');
    // Fewer than six turns in the container: earlier matches elsewhere still count.
    const before = d.createElement('div');
    d.getElementById('thread')!.prepend(before);
    add(before, 0, 'assistant', 'm-0');
    for (const t of d.querySelectorAll('#turns > section')) t.querySelector('[data-message-author-role]')!.remove();
    expect(A.lastAssistant(d, null)?.key).toBe('m-0');
  });
});

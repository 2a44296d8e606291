// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chatgptAdapter, claudeAdapter } from '@/lib/hosts';
import { composerHolds, insertText, normalizeForCompare, readComposer, send } from '@/lib/hosts/composer-insert';
import { mountFixture } from './load-fixture';

const noWait = () => Promise.resolve();
const text = 'Step 2 of 5: Draft\n\nWrite the outline.\nKeep it short.';

/**
 * happy-dom has no execCommand, so this stands in for an editor: like ProseMirror it renders its
 * state as one <p> per line, and it only takes text through beforeinput (its state), never through
 * raw DOM writes.
 */
function fakeEditor(el: HTMLElement, options: { clearOnce?: boolean } = {}) {
  let clears = options.clearOnce ? 1 : 0;
  const render = (value: string) => {
    el.replaceChildren(
      ...value.split('\n').map((line) => {
        const p = el.ownerDocument.createElement('p');
        if (line) p.textContent = line;
        else p.append(el.ownerDocument.createElement('br'));
        return p;
      }),
    );
  };
  el.addEventListener('beforeinput', (event) => {
    const e = event as InputEvent;
    if (e.inputType !== 'insertText' || e.data === null) return;
    e.preventDefault();
    render(e.data);
    if (clears > 0) {
      clears--;
      // The site clears the composer right after insertion (Claude after attachments).
      queueMicrotask(() => render(''));
    }
  });
}

afterEach(() => {
  document.body.replaceChildren();
});

describe('readComposer / normalizeForCompare', () => {
  it('reads paragraphs and hard breaks as lines, ignores the empty placeholder', () => {
    const div = document.createElement('div');
    div.innerHTML = '<p>One</p><p>Two<br>Three</p><p data-placeholder="x" class="placeholder"></p>';
    expect(normalizeForCompare(readComposer(div))).toBe('One\nTwo\nThree');
  });
  it('keeps literal newlines inside a text node', () => {
    const div = document.createElement('div');
    div.textContent = 'a\nb';
    expect(composerHolds(div, 'a\n\nb')).toBe(true);
  });
});

describe('insertText', () => {
  it('sets a textarea through the native setter and fires input (Octane, pre-hydration)', async () => {
    const doc = mountFixture('chatgpt-octane.html');
    const textarea = doc.querySelector<HTMLTextAreaElement>('#mobile-composer-prompt')!;
    const onInput = vi.fn();
    textarea.addEventListener('input', onInput);
    const result = await insertText(doc, chatgptAdapter, text, { sleep: noWait });
    expect(result).toEqual({ ok: true, verified: true, sent: false });
    expect(textarea.value).toBe(text);
    expect(onInput).toHaveBeenCalled();
  });

  it('falls back to beforeinput when execCommand is unavailable, and paragraphs survive (ChatGPT classic)', async () => {
    const doc = mountFixture('chatgpt-classic.html');
    const editor = doc.querySelector<HTMLElement>('#prompt-textarea')!;
    fakeEditor(editor);
    const result = await insertText(doc, chatgptAdapter, text, { sleep: noWait });
    expect(result).toMatchObject({ ok: true, verified: true });
    expect([...editor.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['Step 2 of 5: Draft', '', 'Write the outline.', 'Keep it short.']);
  });

  it('retries when the site clears the composer right after insertion (Claude), into the visible editor', async () => {
    const doc = mountFixture('claude-virtualized.html');
    const visible = doc.querySelector<HTMLElement>('#visible-editor')!;
    fakeEditor(visible, { clearOnce: true });
    const sleep = vi.fn(() => new Promise<void>((r) => setTimeout(r, 1)));
    const result = await insertText(doc, claudeAdapter, text, { sleep });
    expect(result).toMatchObject({ ok: true, verified: true });
    expect(composerHolds(visible, text)).toBe(true);
    expect(readComposer(doc.querySelector<HTMLElement>('#hidden-duplicate')!).trim()).toBe('');
  });

  it('Firefox + ProseMirror: execCommand flattens multi-line text and a synthetic paste carries no data, so it goes in line by line', async () => {
    const doc = mountFixture('chatgpt-classic.html');
    const editor = doc.querySelector<HTMLElement>('#prompt-textarea')!;
    const lastParagraph = () => editor.querySelector('p:last-of-type') ?? editor.appendChild(doc.createElement('p'));
    // Like Firefox: execCommand writes into the DOM (replacing a selection), raw newlines and all...
    (doc as Document & { execCommand: (command: string, ui?: boolean, value?: string) => boolean }).execCommand = (command, _ui, value = '') => {
      const selection = doc.getSelection();
      if (selection && !selection.isCollapsed) {
        editor.replaceChildren();
        selection.collapse(editor, 0);
      }
      if (command === 'insertText') lastParagraph().append(value);
      else if (command === 'insertParagraph') editor.append(doc.createElement('p'));
      else return false;
      return true;
    };
    // ...and ProseMirror's DOM observer parses it back a moment later, line breaks flattened to spaces.
    new MutationObserver(() => {
      const flat = [...editor.querySelectorAll('p')].map((p) => p.textContent ?? '');
      if (!flat.some((line) => line.includes('\n'))) return;
      const p = doc.createElement('p');
      p.textContent = flat.join(' ').replace(/\s*\n\s*/g, ' ');
      editor.replaceChildren(p);
    }).observe(editor, { childList: true, characterData: true, subtree: true });
    // A synthetic paste's clipboardData reads as empty in Firefox: the editor pastes nothing.
    editor.addEventListener('paste', (event) => event.preventDefault());
    const result = await insertText(doc, chatgptAdapter, text, { sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 1))) });
    expect(result).toMatchObject({ ok: true, verified: true });
    expect([...editor.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['Step 2 of 5: Draft', '', 'Write the outline.', 'Keep it short.']);
  });

  it('says so when the editor never takes the text (no pretending)', async () => {
    const doc = mountFixture('chatgpt-thread.html');
    const result = await insertText(doc, chatgptAdapter, text, { sleep: noWait });
    expect(result).toMatchObject({ ok: false, verified: false, reason: 'text-did-not-take' });
  });

  it('reports a missing composer', async () => {
    document.body.innerHTML = '<main></main>';
    expect(await insertText(document, claudeAdapter, 'x', { sleep: noWait })).toMatchObject({ ok: false, reason: 'composer-missing' });
  });
});

describe('send', () => {
  it('refuses while a reply streams', async () => {
    const doc = mountFixture('claude-virtualized.html');
    expect(await send(doc, claudeAdapter, { sleep: noWait })).toEqual({ sent: false, reason: 'reply-streaming' });
  });

  it('clicks the send button and confirms the composer emptied', async () => {
    const doc = mountFixture('chatgpt-classic.html');
    doc.querySelector('[data-testid="stop-button"]')!.remove();
    doc.querySelector('.result-streaming')!.classList.remove('result-streaming');
    const editor = doc.querySelector<HTMLElement>('#prompt-textarea')!;
    fakeEditor(editor);
    await insertText(doc, chatgptAdapter, 'hello', { sleep: noWait });
    const button = doc.createElement('button');
    button.setAttribute('data-testid', 'send-button');
    button.addEventListener('click', () => editor.replaceChildren(doc.createElement('p')));
    doc.querySelector('form')!.append(button);
    expect(await send(doc, chatgptAdapter, { sleep: noWait })).toEqual({ sent: true, detail: 'button' });
  });

  it('falls back to Enter when there is no send button, and does not claim success when nothing happened', async () => {
    const doc = mountFixture('chatgpt-octane.html');
    doc.querySelector('li[data-message-streaming]')!.removeAttribute('data-message-streaming');
    doc.querySelector('button[data-composer-submit]')!.remove();
    const textarea = doc.querySelector<HTMLTextAreaElement>('#mobile-composer-prompt')!;
    textarea.value = 'hi';
    const onKey = vi.fn();
    textarea.addEventListener('keydown', onKey);
    const result = await send(doc, chatgptAdapter, { sleep: noWait, waitMs: 100 });
    expect(onKey).toHaveBeenCalled();
    expect(result).toMatchObject({ sent: false, reason: 'send-button-missing' });
  });
});

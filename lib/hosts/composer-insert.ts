import type { HostAdapter } from './adapter';
import type { InsertResult } from '@/lib/messaging/protocol';

export interface InsertOptions {
  /** Attempts when the site clears the composer right after insertion (Claude does, after attachments). */
  attempts?: number;
  /** How long the text must stay in the composer to count as taken. */
  settleMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const BLOCK = /^(P|DIV|LI|H[1-6]|PRE|BLOCKQUOTE|UL|OL|TR)$/;

/**
 * The composer's text as the editor holds it: text nodes, `<br>` and block boundaries become line
 * breaks. ProseMirror, Tiptap and Lexical mirror their state into this DOM, so reading it back
 * tells whether the editor state took the text.
 */
export function readComposer(el: HTMLElement): string {
  if (isTextArea(el)) {
    return el.value;
  }
  let out = '';
  const walk = (node: Node) => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) out += child.nodeValue ?? '';
      else if (child.nodeType === 1) {
        const tag = (child as Element).tagName;
        if (tag === 'BR') out += '\n';
        else if ((child as Element).hasAttribute('data-placeholder') && !child.textContent) continue;
        else {
          const block = BLOCK.test(tag);
          if (block && out && !out.endsWith('\n')) out += '\n';
          walk(child);
          if (block && !out.endsWith('\n')) out += '\n';
        }
      }
    }
  };
  walk(el);
  return out;
}

/** Lines with whitespace collapsed and blank lines dropped: editors differ in how they keep blank lines. */
export function normalizeForCompare(text: string): string {
  return text
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

export function composerHolds(el: HTMLElement, text: string): boolean {
  return normalizeForCompare(readComposer(el)) === normalizeForCompare(text);
}

function isTextArea(el: HTMLElement): el is HTMLTextAreaElement {
  return el.tagName === 'TEXTAREA';
}

function setTextAreaValue(el: HTMLTextAreaElement, text: string): void {
  // React tracks the value on the element; the prototype setter bypasses that tracker so the
  // following input event is seen as a change.
  const proto = Object.getPrototypeOf(el) as object;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  if (setter) setter.call(el, text);
  else el.value = text;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

function selectContents(el: HTMLElement): void {
  const doc = el.ownerDocument;
  el.focus();
  const selection = doc.getSelection();
  if (!selection) return;
  const range = doc.createRange();
  range.selectNodeContents(el);
  selection.removeAllRanges();
  selection.addRange(range);
}

/** Techniques that update the editor state, most reliable first (docs/host-sites.md, "Getting text into the composer"); `TECHNIQUES` of them. */
function insertIntoEditable(el: HTMLElement, text: string, technique: number): void {
  const doc = el.ownerDocument;
  const view = doc.defaultView!;
  selectContents(el);
  if (technique === 0) {
    try {
      if (typeof doc.execCommand === 'function') doc.execCommand('insertText', false, text);
    } catch {
      // Not supported (some test DOMs); the caller tries the next technique.
    }
    return;
  }
  if (technique === 1) {
    const before = new view.InputEvent('beforeinput', { inputType: 'insertText', data: text, bubbles: true, cancelable: true, composed: true });
    el.dispatchEvent(before);
    el.dispatchEvent(new view.InputEvent('input', { inputType: 'insertText', data: text, bubbles: true, composed: true }));
    return;
  }
  if (technique === 2) {
    const data = new view.DataTransfer();
    data.setData('text/plain', text);
    el.dispatchEvent(new view.ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    return;
  }
  // Firefox: execCommand keeps the newlines of one insertText only until ProseMirror re-reads the DOM,
  // and a synthetic paste's clipboardData reads as empty. One line at a time, with the browser's own
  // paragraph break between them, is what a person typing would produce.
  try {
    for (const [i, line] of text.split('\n').entries()) {
      if (i > 0) doc.execCommand('insertParagraph');
      if (line) doc.execCommand('insertText', false, line);
    }
  } catch {
    // No execCommand: nothing more to try.
  }
}

const TECHNIQUES = 4;

/**
 * Puts `text` into the site's composer so the editor state receives it, then reads it back. Never
 * reports success it did not observe.
 */
export async function insertText(doc: Document, adapter: HostAdapter, text: string, options: InsertOptions = {}): Promise<InsertResult> {
  const attempts = options.attempts ?? 4;
  const settleMs = options.settleMs ?? 120;
  const sleep = options.sleep ?? defaultSleep;
  let lastDetail = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    const composer = adapter.findComposer(doc);
    if (!composer) return { ok: false, verified: false, sent: false, reason: 'composer-missing' };
    if (isTextArea(composer)) setTextAreaValue(composer, text);
    else {
      for (let technique = 0; technique < TECHNIQUES && !composerHolds(composer, text); technique++) {
        insertIntoEditable(composer, text, technique);
        // Judge a technique after the editor has read the DOM change: in Firefox, execCommand writes the
        // raw text and ProseMirror's DOM observer then parses it back with the line breaks flattened,
        // so a check right away would see the raw text, count it as taken and try nothing else.
        await sleep(0);
      }
    }
    if (composerHolds(composer, text)) {
      await sleep(settleMs);
      // The site may re-render the composer (new element) or clear it after a moment.
      const current = adapter.findComposer(doc);
      if (current && composerHolds(current, text)) return { ok: true, verified: true, sent: false };
      lastDetail = 'the site cleared the composer after insertion';
    } else {
      lastDetail = `composer holds ${readComposer(composer).length} characters after insertion`;
    }
    await sleep(50 * (attempt + 1));
  }
  return { ok: false, verified: false, sent: false, reason: 'text-did-not-take', detail: lastDetail };
}

export interface SendResult {
  sent: boolean;
  reason?: InsertResult['reason'];
  detail?: string;
}

/**
 * Clicks the site's send button (it appears only once the composer has text), falling back to the
 * composer form's submit and then Enter. Refuses while a reply streams: the sites ignore or queue it.
 */
export async function send(doc: Document, adapter: HostAdapter, options: { waitMs?: number; sleep?: (ms: number) => Promise<void> } = {}): Promise<SendResult> {
  const sleep = options.sleep ?? defaultSleep;
  const waitMs = options.waitMs ?? 1500;
  if (adapter.isStreaming(doc)) return { sent: false, reason: 'reply-streaming' };
  const composer = adapter.findComposer(doc);
  if (!composer) return { sent: false, reason: 'composer-missing' };
  const before = normalizeForCompare(readComposer(composer));
  let button = adapter.findSendButton(doc);
  for (let waited = 0; !button && waited < waitMs; waited += 50) {
    await sleep(50);
    button = adapter.findSendButton(doc);
  }
  let how: string;
  if (button) {
    button.click();
    how = 'button';
  } else {
    // Both sites send on Enter. A real form submit would navigate away, so it is never used.
    const view = doc.defaultView!;
    composer.focus();
    const init = { key: 'Enter', code: 'Enter', keyCode: 13, which: 13, bubbles: true, cancelable: true };
    composer.dispatchEvent(new view.KeyboardEvent('keydown', init));
    composer.dispatchEvent(new view.KeyboardEvent('keyup', init));
    how = 'enter';
  }
  // Sent means the site took it: the composer emptied or a reply started.
  for (let waited = 0; waited <= waitMs; waited += 50) {
    const current = adapter.findComposer(doc);
    const now = current ? normalizeForCompare(readComposer(current)) : '';
    if ((before && now !== before) || adapter.isStreaming(doc)) return { sent: true, detail: how };
    await sleep(50);
  }
  return {
    sent: false,
    reason: button ? 'text-did-not-take' : 'send-button-missing',
    detail: button ? 'clicked send, but the composer kept the text' : `no send button; tried ${how}`,
  };
}

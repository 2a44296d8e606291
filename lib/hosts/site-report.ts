import type { HostAdapter } from './adapter';

/**
 * "Copy a site report": what a person can send us when a concern (composer, messages, streaming,
 * reply) does not resolve on their page. A structural outline only — tag names, `data-*`, `role`
 * and `aria-*` attributes, child counts — of the page around the composer and the last two turns.
 *
 * Never in it: text content, attribute values that could hold something a person wrote (labels,
 * titles, placeholders, long or worded values), ids of conversations or messages (masked by shape),
 * URLs beyond the path's shape, the composer's content. The page is the person's; the report must be
 * safe to paste into a public issue.
 */

const MAX_CHILDREN = 8;
const MAX_LINES = 400;

/** Labels of controls are the site's words; on links and other elements they can be chat titles. */
const LABELLED_CONTROLS = new Set(['BUTTON', 'INPUT', 'TEXTAREA', 'SELECT', 'FORM', 'FIELDSET', 'NAV', 'ASIDE', 'MAIN', 'HEADER', 'FOOTER', 'SECTION']);
/** Attributes that carry words, never structure. */
const WORDED = new Set(['aria-label', 'aria-description', 'aria-valuetext', 'aria-placeholder', 'aria-roledescription', 'data-placeholder', 'data-value', 'data-text', 'data-content', 'data-title']);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** Words the sites use as attribute values; kept even when the person happened to write them too. */
const STRUCTURAL = new Set(['true', 'false', 'user', 'assistant', 'message', 'messages', 'group', 'toolbar', 'thread', 'turn', 'composer', 'chat', 'input', 'button', 'textbox', 'closed', 'open', 'status', 'polite', 'expanded', 'main', 'feed', 'article', 'menu', 'send', 'stop', 'copy', 'edit', 'retry']);

/** Words (3+ letters, lowercased) of what the person wrote: their messages, the composer, chat titles. */
export function personalWords(doc: Document, adapter: HostAdapter): Set<string> {
  const texts = [doc.title];
  for (const m of adapter.listMessages(doc, null)) if (m.role === 'user') texts.push(m.element.textContent ?? '');
  const composer = adapter.findComposer(doc);
  if (composer) texts.push(composer instanceof HTMLTextAreaElement ? composer.value : (composer.textContent ?? ''));
  for (const link of doc.querySelectorAll('nav a, aside a, [data-testid="user-message"]')) texts.push(link.textContent ?? '');
  const words = new Set<string>();
  for (const text of texts) for (const w of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (w.length >= 3 && !STRUCTURAL.has(w)) words.add(w);
  return words;
}

function mentionsPersonalWord(value: string, words: Set<string>): boolean {
  return value
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .some((w) => words.has(w));
}

/** A value reduced to its shape: ids, numbers and anything worded are masked. */
export function maskValue(value: string, words: Set<string> = new Set()): string {
  if (value === '') return '';
  if (mentionsPersonalWord(value, words)) return `<${value.length} chars>`;
  let v = value.replace(UUID, '<uuid>');
  // ChatGPT's pending ids (`request-WEB:…`) carry a client id after the marker.
  v = v.replace(/WEB:[^\s]*/g, 'WEB:<id>').replace(/\d{3,}/g, '<n>');
  // Structural values are short tokens (true, assistant, conversation-turn-3, 1); anything longer
  // or with spaces could be words from the page.
  if (v.length > 40 || /\s/.test(v.trim()) || !/^[\w\-:.<>/=^$*[\]"']*$/.test(v)) return `<${value.length} chars>`;
  return v;
}

/** Class names the adapters rely on (semantic ones the sites keep); utility classes are noise. */
const KNOWN_CLASSES = ['font-claude-response', 'font-claude-message', 'standard-markdown', 'markdown', 'ProseMirror', 'tiptap', 'opacity-0', 'result-streaming', 'sr-only'];

function attributeOutline(el: Element, words: Set<string>): string {
  const parts: string[] = [];
  const classes = KNOWN_CLASSES.filter((c) => el.classList.contains(c));
  if (classes.length) parts.push(`.${classes.join('.')}`);
  for (const { name, value } of el.attributes) {
    if (!(name === 'role' || name.startsWith('data-') || name.startsWith('aria-') || name === 'contenteditable' || name === 'type' || name === 'hidden' || name === 'inert')) continue;
    if (name === 'aria-label' && LABELLED_CONTROLS.has(el.tagName) && value.length <= 30 && !/\d{3,}/.test(value) && !mentionsPersonalWord(value, words)) {
      parts.push(`${name}="${value.replace(/"/g, "'")}"`);
      continue;
    }
    parts.push(value === '' ? name : `${name}="${WORDED.has(name) ? `<${value.length} chars>` : maskValue(value, words)}"`);
  }
  return parts.length ? ` ${parts.join(' ')}` : '';
}

function line(el: Element, depth: number, words: Set<string>, note = ''): string {
  const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && (n.textContent ?? '').trim() !== '');
  const count = el.childElementCount;
  const children = count ? ` (${count} child${count === 1 ? '' : 'ren'}${hasText ? ' + text' : ''})` : hasText ? ' (text)' : '';
  return `${'  '.repeat(depth)}<${el.tagName.toLowerCase()}${attributeOutline(el, words)}>${children}${note}`;
}

/** The element's subtree, depth- and breadth-limited (the last children kept: turns end there). */
function subtree(el: Element, depth: number, budget: { lines: string[]; words: Set<string> }, maxDepth: number, note = ''): void {
  if (budget.lines.length >= MAX_LINES) return;
  budget.lines.push(line(el, depth, budget.words, note));
  if (depth >= maxDepth || el.tagName === 'SVG' || el.tagName === 'svg') return;
  const children = [...el.children];
  const shown = children.length > MAX_CHILDREN ? children.slice(-MAX_CHILDREN) : children;
  if (shown.length < children.length) budget.lines.push(`${'  '.repeat(depth + 1)}… ${children.length - shown.length} earlier children not shown`);
  for (const child of shown) subtree(child, depth + 1, budget, maxDepth);
}

/** The chain from <body> down to the element, with each ancestor's child count and the element's place. */
function ancestry(el: Element, lines: string[], words: Set<string>): number {
  const chain: Element[] = [];
  for (let a = el.parentElement; a && a.tagName !== 'HTML'; a = a.parentElement) chain.unshift(a);
  chain.forEach((a, i) => lines.push(line(a, i, words, place(a))));
  return chain.length;
}

/** The element's place among its parent's children, as the outline notes it. */
function place(el: Element): string {
  const parent = el.parentElement;
  return parent ? ` [child ${[...parent.children].indexOf(el) + 1} of ${parent.childElementCount}]` : '';
}

/** Path shape: segments that look like ids become `<id>`; query parameter names only. */
export function pathShape(url: string | URL): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  const path = u.pathname
    .split('/')
    .map((seg) => (seg.length > 20 || /\d/.test(seg) || seg.includes(':') ? '<id>' : seg.length > 12 ? '<segment>' : seg))
    .join('/');
  const params = [...new URLSearchParams(u.search).keys()].map((k) => (/^[\w-]{1,24}$/.test(k) ? k : '<param>'));
  return params.length ? `${path}?${params.join('&')}` : path;
}

function section(title: string, anchor: Element | null, lines: string[], words: Set<string>, maxDepth: number): void {
  lines.push('', `## ${title}`);
  if (!anchor) {
    lines.push('(not found)');
    return;
  }
  const depth = ancestry(anchor, lines, words);
  subtree(anchor, depth, { lines, words }, depth + maxDepth, place(anchor));
}

/** Where the composer probably is when the adapter did not find it. */
function composerGuess(doc: Document): Element | null {
  const editor = doc.querySelector('[contenteditable="true"], textarea');
  return editor?.closest('form, fieldset') ?? editor;
}

/** The report as plain text. */
export function siteReport(doc: Document, adapter: HostAdapter, url: string | URL, extensionVersion = ''): string {
  const health = adapter.health(doc, url);
  const lines: string[] = [
    '# ConvOps site report',
    `site: ${health.site}${extensionVersion ? ` · extension ${extensionVersion}` : ''}`,
    `page: ${pathShape(url)}`,
    `generation: ${health.generation ?? 'not recognised'}`,
    `composer: ${health.composer} · messages: ${health.messages} · streaming signal: ${health.streamingSignal}`,
    `matched: ${Object.entries(health.matched)
      .map(([k, v]) => `${k}=${v ?? '—'}`)
      .join(' | ')}`,
    'Structure only: no text, no labels a person wrote, ids masked.',
  ];

  const words = personalWords(doc, adapter);
  const composer = adapter.findComposer(doc);
  const composerBox = composer ? (composer.closest('form, fieldset') ?? composer.parentElement ?? composer) : composerGuess(doc);
  section(composer ? 'composer (as found)' : 'composer (not found; first editable element on the page)', composerBox, lines, words, 8);

  const messages = adapter.listMessages(doc, null);
  const last = adapter.lastAssistant(doc, null);
  const turns = messages.slice(-2).map((m) => m.element);
  if (last && !turns.includes(last.element)) turns.push(last.element);
  if (turns.length === 0) {
    // No message recognised: the outline of the main column's last children is where turns would be.
    section('messages (none recognised; the end of the main column)', doc.querySelector('main') ?? doc.body, lines, words, 9);
  } else {
    for (const [i, el] of turns.slice(-2).entries()) {
      // From the message's turn wrapper (the box below the first ancestor that holds several turns),
      // at most six levels up: the wrappers are what a fix needs to see.
      let top: Element = el;
      for (let up = 0; up < 6 && top.parentElement && top.parentElement !== doc.body && top.parentElement.childElementCount < 3; up++) top = top.parentElement;
      section(`turn ${i + 1} of the last two`, top, lines, words, 12);
    }
  }
  const signal = adapter.streamingSignal?.(doc) ?? null;
  if (signal) section('streaming signal', signal, lines, words, 2);
  return lines.slice(0, MAX_LINES + 40).join('\n');
}

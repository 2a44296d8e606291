import type { HostAdapter } from './adapter';
import { MAX_OUTLINE_LINES } from '@/lib/messaging/outline-limit';
import { pageOutline, type OutlineNode, type PageOutline, type SectionCode } from './site-report';

/**
 * "Copy a site report": what a person can send us when a concern (composer, messages, streaming,
 * reply) does not resolve on their page. A structural outline only — tag names, `data-*`, `role`
 * and `aria-*` attributes, child counts — of the page around the composer and the last two turns.
 * The content script collects the outline (`site-report.ts`); this turns it into the text, in the
 * background, so the masking rules below cost the content script nothing.
 *
 * Never in it: text content, attribute values that could hold something a person wrote (labels,
 * titles, placeholders, long or worded values), ids of conversations or messages (masked by shape),
 * URLs beyond the path's shape, the composer's content. The page is the person's; the report must be
 * safe to paste into a public issue.
 */

/** Labels of controls are the site's words; on links and other elements they can be chat titles. */
const LABELLED_CONTROLS = new Set(['button', 'input', 'textarea', 'select', 'form', 'fieldset', 'nav', 'aside', 'main', 'header', 'footer', 'section']);
/** Attributes that carry words, never structure. */
const WORDED = new Set(['aria-label', 'aria-description', 'aria-valuetext', 'aria-placeholder', 'aria-roledescription', 'data-placeholder', 'data-value', 'data-text', 'data-content', 'data-title']);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** Words the sites use as attribute values; kept even when the person happened to write them too. */
const STRUCTURAL = new Set(['true', 'false', 'user', 'assistant', 'message', 'messages', 'group', 'toolbar', 'thread', 'turn', 'composer', 'chat', 'input', 'button', 'textbox', 'closed', 'open', 'status', 'polite', 'expanded', 'main', 'feed', 'article', 'menu', 'send', 'stop', 'copy', 'edit', 'retry']);

const wordsOf = (text: string) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u);

function mentionsPersonalWord(value: string, words: Set<string>): boolean {
  return wordsOf(value).some((w) => words.has(w));
}

/** A value reduced to its shape: ids, numbers and anything worded are masked. */
export function maskValue(value: string, words: Set<string> = new Set()): string {
  if (value === '') return '';
  if (mentionsPersonalWord(value, words)) return `<${value.length} chars>`;
  // ChatGPT's pending ids (`request-WEB:…`) carry a client id after the marker.
  const v = value.replace(UUID, '<uuid>').replace(/WEB:[^\s]*/g, 'WEB:<id>').replace(/\d{3,}/g, '<n>');
  // Structural values are short tokens (true, assistant, conversation-turn-3, 1); anything longer
  // or with spaces could be words from the page.
  if (v.length > 40 || /\s/.test(v.trim()) || !/^[\w\-:.<>/=^$*[\]"']*$/.test(v)) return `<${value.length} chars>`;
  return v;
}

/** Class names the adapters rely on (semantic ones the sites keep); utility classes are noise. */
const KNOWN_CLASSES = ['font-claude-response', 'font-claude-message', 'standard-markdown', 'markdown', 'ProseMirror', 'tiptap', 'opacity-0', 'result-streaming', 'sr-only'];

function line([depth, tag, classAttr, attributes, count, hasText, note]: OutlineNode, words: Set<string>): string {
  const parts: string[] = [];
  const present = new Set(classAttr.split(/\s+/));
  const classes = KNOWN_CLASSES.filter((c) => present.has(c));
  if (classes.length) parts.push(`.${classes.join('.')}`);
  for (let i = 0; i + 1 < attributes.length; i += 2) {
    const name = attributes[i]!;
    const value = attributes[i + 1]!;
    if (name === 'aria-label' && LABELLED_CONTROLS.has(tag) && value.length <= 30 && !/\d{3,}/.test(value) && !mentionsPersonalWord(value, words)) {
      parts.push(`${name}="${value.replace(/"/g, "'")}"`);
      continue;
    }
    parts.push(value === '' ? name : `${name}="${WORDED.has(name) ? `<${value.length} chars>` : maskValue(value, words)}"`);
  }
  const children = count ? ` (${count} child${count === 1 ? '' : 'ren'}${hasText ? ' + text' : ''})` : hasText ? ' (text)' : '';
  return `${'  '.repeat(depth)}<${tag}${parts.length ? ` ${parts.join(' ')}` : ''}>${children}${note}`;
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

/** The report as plain text, from the outline the content script sent. */
/** The heading of each outline section the content script sends (by code, see `SectionCode`). */
const SECTION_TITLES: Record<SectionCode, string> & Record<string, string | undefined> = {
  composer: 'composer (as found)',
  'composer-guess': 'composer (not found; first editable element on the page)',
  'messages-guess': 'messages (none recognised; the end of the main column)',
  turn1: 'turn 1 of the last two',
  turn2: 'turn 2 of the last two',
  signal: 'streaming signal',
};

export function siteReportText(outline: PageOutline, extensionVersion = ''): string {
  const { health } = outline;
  const words = new Set(outline.words.filter((w) => w.length >= 3 && !STRUCTURAL.has(w)));
  const lines: string[] = [
    '# ConvOps site report',
    `site: ${health.site}${extensionVersion ? ` · extension ${extensionVersion}` : ''}`,
    `page: ${pathShape(outline.url)}`,
    `generation: ${health.generation ?? 'not recognised'}`,
    `composer: ${health.composer} · messages: ${health.messages} · streaming signal: ${health.streamingSignal}`,
    `matched: ${Object.entries(health.matched)
      .map(([k, v]) => `${k}=${v ?? '—'}`)
      .join(' | ')}`,
    'Structure only: no text, no labels a person wrote, ids masked.',
  ];
  for (const { title, lines: outlined } of outline.sections) {
    lines.push('', `## ${SECTION_TITLES[title] ?? title}`);
    if (!outlined) lines.push('(not found)');
    else for (const l of outlined) lines.push(typeof l === 'string' ? l : line(l, words));
  }
  return lines.slice(0, MAX_OUTLINE_LINES + 40).join('\n');
}

/** Both halves on one document (tests, and anything that holds the page itself). */
export function siteReport(doc: Document, adapter: HostAdapter, url: string | URL, extensionVersion = ''): string {
  return siteReportText(pageOutline(doc, adapter, String(url)), extensionVersion);
}

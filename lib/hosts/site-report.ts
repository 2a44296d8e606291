import { MAX_OUTLINE_LINES } from '@/lib/messaging/outline-limit';
import type { HostAdapter } from './adapter';

/**
 * "Copy a site report", the content script's half: the raw structural outline of the page around
 * the composer and the last two turns (tag names, the attributes a report may show, child counts)
 * and the words the person wrote. It never reaches the panel as is: the background masks it into
 * the report text (`site-report-text.ts`), which keeps the content script small (DESIGN.md budget).
 * No text content is collected, only whether an element holds some.
 */

const MAX_CHILDREN = 8;

export type { OutlineNode, OutlineSection, PageOutline } from '@/lib/messaging/schemas';
import type { OutlineNode, OutlineSection, PageOutline } from '@/lib/messaging/schemas';

/**
 * What a section outlines, as a code: the background words it (`SECTION_TITLES` in site-report-text.ts),
 * so the sentences do not weigh on the content script. `turn1`/`turn2` are the last two turns.
 */
export type SectionCode = 'composer' | 'composer-guess' | 'messages-guess' | 'turn1' | 'turn2' | 'signal';

const wordsOf = (text: string) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u);

/** Words (3+ letters, lowercased) of what the person wrote: their messages, the composer, chat titles. */
export function personalWords(doc: Document, adapter: HostAdapter): Set<string> {
  const texts = [doc.title];
  for (const m of adapter.listMessages(doc, null)) if (m.role === 'user') texts.push(m.element.textContent ?? '');
  const composer = adapter.findComposer(doc);
  if (composer) texts.push(composer instanceof HTMLTextAreaElement ? composer.value : (composer.textContent ?? ''));
  for (const link of doc.querySelectorAll('nav a, aside a, [data-testid="user-message"]')) texts.push(link.textContent ?? '');
  const words = new Set<string>();
  for (const text of texts) for (const w of wordsOf(text)) if (w.length >= 3) words.add(w);
  return words;
}

function node(el: Element, depth: number, note = ''): OutlineNode {
  const attributes: string[] = [];
  for (const { name, value } of el.attributes) {
    if (name === 'role' || name.startsWith('data-') || name.startsWith('aria-') || name === 'contenteditable' || name === 'type' || name === 'hidden' || name === 'inert') attributes.push(name, value);
  }
  const text = [...el.childNodes].some((n) => n.nodeType === 3 && (n.textContent ?? '').trim() !== '');
  return [depth, el.tagName.toLowerCase(), el.getAttribute('class') ?? '', attributes, el.childElementCount, text, note];
}

/** Lines of the report so far (its header has seven): subtrees stop at MAX_OUTLINE_LINES in all. */
interface Budget {
  used: number;
}

/** The element's subtree, depth- and breadth-limited (the last children kept: turns end there). */
function subtree(el: Element, depth: number, lines: (OutlineNode | string)[], budget: Budget, maxDepth: number, note = ''): void {
  if (budget.used >= MAX_OUTLINE_LINES) return;
  budget.used++;
  lines.push(node(el, depth, note));
  if (depth >= maxDepth || el.tagName.toLowerCase() === 'svg') return;
  const children = [...el.children];
  const shown = children.slice(-MAX_CHILDREN);
  if (shown.length < children.length) {
    budget.used++;
    lines.push(`${'  '.repeat(depth + 1)}… ${children.length - shown.length} earlier children not shown`);
  }
  for (const child of shown) subtree(child, depth + 1, lines, budget, maxDepth);
}

/** The element's place among its parent's children, as the outline notes it. */
function place(el: Element): string {
  const parent = el.parentElement;
  return parent ? ` [child ${[...parent.children].indexOf(el) + 1} of ${parent.childElementCount}]` : '';
}

/** The chain from <body> down to the anchor, with each ancestor's place, then the anchor's subtree. */
function section(title: SectionCode, anchor: Element | null, budget: Budget, maxDepth: number): OutlineSection {
  // A blank line and the title, then "(not found)" or the lines.
  budget.used += anchor ? 2 : 3;
  if (!anchor) return { title, lines: null };
  const chain: Element[] = [];
  for (let a = anchor.parentElement; a && a.tagName !== 'HTML'; a = a.parentElement) chain.unshift(a);
  const lines: (OutlineNode | string)[] = chain.map((a, i) => node(a, i, place(a)));
  budget.used += chain.length;
  subtree(anchor, chain.length, lines, budget, chain.length + maxDepth, place(anchor));
  return { title, lines };
}

/** The outline the background turns into the report. */
export function pageOutline(doc: Document, adapter: HostAdapter, url: string): PageOutline {
  const sections: OutlineSection[] = [];
  const budget: Budget = { used: 7 };
  const composer = adapter.findComposer(doc);
  if (composer) sections.push(section('composer', composer.closest('form, fieldset') ?? composer.parentElement ?? composer, budget, 8));
  else {
    // Where the composer probably is when the adapter did not find it.
    const editor = doc.querySelector('[contenteditable="true"], textarea');
    sections.push(section('composer-guess', editor?.closest('form, fieldset') ?? editor, budget, 8));
  }

  const messages = adapter.listMessages(doc, null);
  const last = adapter.lastAssistant(doc, null);
  const turns = messages.slice(-2).map((m) => m.element);
  if (last && !turns.includes(last.element)) turns.push(last.element);
  if (turns.length === 0) {
    // No message recognised: the outline of the main column's last children is where turns would be.
    sections.push(section('messages-guess', doc.querySelector('main') ?? doc.body, budget, 9));
  } else {
    for (const [i, el] of turns.slice(-2).entries()) {
      // From the message's turn wrapper (the box below the first ancestor that holds several turns),
      // at most six levels up: the wrappers are what a fix needs to see.
      let top: Element = el;
      for (let up = 0; up < 6 && top.parentElement && top.parentElement !== doc.body && top.parentElement.childElementCount < 3; up++) top = top.parentElement;
      sections.push(section(i === 0 ? 'turn1' : 'turn2', top, budget, 12));
    }
  }
  const signal = adapter.streamingSignal?.(doc) ?? null;
  if (signal) sections.push(section('signal', signal, budget, 2));
  return { site: adapter.site, url, health: adapter.health(doc, url), words: [...personalWords(doc, adapter)], sections };
}

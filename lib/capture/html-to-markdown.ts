import { gfm } from '@joplin/turndown-plugin-gfm';
import { createDocument } from '@mixmark-io/domino';
import TurndownService from 'turndown';
import { answerBodySelector } from '@/lib/hosts/answer-body';

/**
 * Converts a captured assistant message body to Markdown. Runs in the background service worker,
 * where Chrome MV3 has no DOMParser: the HTML is parsed with domino (turndown's own server-side DOM)
 * and turndown gets a node, never a string, so its browser build never needs `document`.
 * The input is untrusted page HTML; it is only parsed, never rendered.
 */

const CHROME = 'button, svg, script, style, noscript, template, textarea, input:not([type="checkbox"]), select, [role="button"], .sr-only, [aria-hidden="true"]';
const SAFE_URL = /^(https?:|mailto:)/i;

/** domino's NodeList is array-like but not iterable. */
function all(root: ParentNode, selector: string): Element[] {
  return Array.from(root.querySelectorAll(selector));
}

function languageOf(code: Element | null): string {
  const cls = code?.getAttribute('class') ?? '';
  const match = /(?:^|\s)(?:language|lang)-([\w#+.-]+)/.exec(cls);
  return match?.[1] ?? '';
}

/**
 * Code blocks on both sites wrap `pre > … > code` with a header (language label, copy button).
 * Rebuild each as a bare `pre > code.language-x` and drop the label wherever it sits nearby.
 */
function cleanCodeBlocks(doc: Document, root: Element): void {
  for (const pre of all(root, 'pre')) {
    const code = pre.querySelector('code');
    let language = languageOf(code);
    if (!language) {
      // ChatGPT's header: a short text-only div before the code inside the pre.
      const header = all(pre, 'div').find((d) => d.children.length === 0 && (d.textContent ?? '').trim().length > 0 && !d.contains(code));
      language = (header?.textContent ?? '').trim().split(/\s+/)[0] ?? '';
    }
    const text = (code ?? pre).textContent ?? '';
    const clean = doc.createElement('code');
    if (language) clean.setAttribute('class', `language-${language}`);
    clean.textContent = text.replace(/\n$/, '');
    // domino lacks replaceChildren.
    while (pre.firstChild) pre.removeChild(pre.firstChild);
    pre.appendChild(clean);
    if (!language) continue;
    // Claude's label sits outside the pre, in the block's wrapper.
    let wrapper: Element | null = pre.parentElement;
    for (let depth = 0; wrapper && depth < 3 && !isMarkdownRoot(wrapper); depth++, wrapper = wrapper.parentElement) {
      for (const el of all(wrapper, 'div, span')) {
        if (el.children.length === 0 && !el.contains(pre) && (el.textContent ?? '').trim().toLowerCase() === language.toLowerCase()) el.remove();
      }
    }
  }
}

function isMarkdownRoot(el: Element): boolean {
  // Site knowledge stays in the adapters: their answer-body selectors, every generation.
  return el.matches(answerBodySelector);
}

function createService(): TurndownService {
  const service = new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '*',
    strongDelimiter: '**',
    hr: '---',
  });
  service.use(gfm);
  // Tight list markers ("- item", nested by the marker's width) instead of turndown's "-   item".
  service.addRule('list-item', {
    filter: 'li',
    replacement: (content, node, options) => {
      const parent = node.parentNode as Element | null;
      let prefix = `${options.bulletListMarker ?? '-'} `;
      if (parent?.nodeName === 'OL') {
        const start = Number(parent.getAttribute('start') ?? '1') || 1;
        prefix = `${start + Array.prototype.indexOf.call(parent.children, node)}. `;
      }
      const body = content.replace(/^\n+/, '').replace(/^(\[[ x]\]) +/, '$1 ').replace(/\n+$/, '\n').replace(/\n/gm, `\n${' '.repeat(prefix.length)}`);
      return prefix + body + (node.nextSibling && !/\n$/.test(body) ? '\n' : '');
    },
  });
  service.addRule('katex', {
    filter: (node) => (node.getAttribute('class') ?? '').split(/\s+/).includes('katex'),
    replacement: (_content, node) => {
      const tex = (node as Element).querySelector('annotation[encoding="application/x-tex"]')?.textContent?.trim() ?? '';
      if (!tex) return '';
      const display = !!(node as Element).parentElement?.getAttribute('class')?.includes('katex-display');
      return display ? `\n\n$$\n${tex}\n$$\n\n` : `$${tex}$`;
    },
  });
  service.addRule('safe-links', {
    filter: (node) => node.nodeName === 'A',
    replacement: (content, node) => {
      const href = (node as Element).getAttribute('href') ?? '';
      if (!SAFE_URL.test(href) || !content.trim()) return content;
      return `[${content}](${href.replace(/\)/g, '%29')})`;
    },
  });
  service.addRule('images', {
    filter: 'img',
    replacement: (_content, node) => {
      const src = (node as Element).getAttribute('src') ?? '';
      const alt = ((node as Element).getAttribute('alt') ?? '').replace(/[[\]]/g, '');
      return /^https:/i.test(src) ? `![${alt}](${src})` : '';
    },
  });
  return service;
}

let service: TurndownService | null = null;

export function htmlToMarkdown(html: string): string {
  const doc = createDocument(`<!doctype html><html><body><div id="convops-root">${html}</div></body></html>`);
  const root = doc.getElementById('convops-root');
  if (!root) return '';
  for (const el of all(root, CHROME)) el.remove();
  cleanCodeBlocks(doc, root);
  service ??= createService();
  return service.turndown(root).replace(/\n{3,}/g, '\n\n').trim();
}

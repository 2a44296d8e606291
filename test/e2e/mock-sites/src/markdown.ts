import { el } from './shared';

/**
 * A small Markdown renderer for the scripted assistant: headings, lists, fenced code, pipe tables,
 * paragraphs, inline code / bold / italic. It renders a half-streamed reply too (an unclosed fence is
 * an open code block), and decorates code blocks the way each site does.
 */
export type Flavour = 'chatgpt' | 'claude';

function inline(text: string): (Node | string)[] {
  const out: (Node | string)[] = [];
  const pattern = /(`[^`]+`|\*\*[^*]+\*\*|\*[^*]+\*)/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) out.push(text.slice(last, match.index));
    const token = match[0];
    if (token.startsWith('`')) out.push(el('code', {}, token.slice(1, -1)));
    else if (token.startsWith('**')) out.push(el('strong', {}, token.slice(2, -2)));
    else out.push(el('em', {}, token.slice(1, -1)));
    last = match.index + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function codeBlock(language: string, code: string, flavour: Flavour): HTMLElement {
  const codeAttrs: Record<string, string> = language ? { class: `language-${language}` } : {};
  if (flavour === 'chatgpt') {
    codeAttrs.class = `whitespace-pre! ${codeAttrs.class ?? ''}`.trim();
    return el(
      'pre',
      { class: 'overflow-visible!' },
      el(
        'div',
        { class: 'contain-inline-size code-card' },
        el('div', { class: 'code-card-header flex items-center justify-between' }, language || 'text'),
        el(
          'div',
          { class: 'sticky' },
          el('div', { class: 'code-card-actions' }, el('button', { class: 'code-copy', 'aria-label': 'Copy' }, 'Copy code')),
        ),
        el('div', { class: 'overflow-y-auto p-4', dir: 'ltr' }, el('code', codeAttrs, code)),
      ),
    );
  }
  return el(
    'div',
    { class: 'relative code-card', role: 'group', 'aria-label': `${language || 'text'} code` },
    el('div', { class: 'code-card-header' }, language || 'text'),
    el('div', { class: 'sticky' }, el('button', { class: 'code-copy', 'aria-label': 'Copy to clipboard', type: 'button' })),
    el('div', { class: 'overflow-x-auto' }, el('pre', { class: 'code-block__code' }, el('code', codeAttrs, code))),
  );
}

function table(rows: string[], flavour: Flavour): HTMLElement {
  const cells = (row: string) =>
    row
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((cell) => cell.trim());
  const [head, , ...body] = rows;
  const tableEl = el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...cells(head!).map((cell) => el('th', {}, ...inline(cell))))),
    el('tbody', {}, ...body.map((row) => el('tr', {}, ...cells(row).map((cell) => el('td', {}, ...inline(cell)))))),
  );
  return flavour === 'chatgpt'
    ? el('div', { class: 'table-container' }, el('div', { class: 'table-wrapper flex flex-col-reverse' }, tableEl))
    : el('div', { class: 'overflow-x-auto' }, tableEl);
}

export function renderMarkdown(markdown: string, flavour: Flavour): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const lines = markdown.split('\n');
  let offset = 0;
  const paragraph = (text: string) => {
    const attrs: Record<string, string> =
      flavour === 'claude'
        ? { class: 'whitespace-normal break-words font-claude-response-body' }
        : { 'data-start': String(offset), 'data-end': String(offset + text.length) };
    return el('p', attrs, ...inline(text));
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = /^```(\S*)/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.startsWith('```')) body.push(lines[i++]!);
      i++;
      fragment.append(codeBlock(fence[1] ?? '', body.join('\n'), flavour));
    } else if (/^#{1,6} /.test(line)) {
      const level = /^#+/.exec(line)![0].length;
      fragment.append(el(`h${level}` as 'h2', {}, ...inline(line.slice(level + 1))));
      i++;
    } else if (/^(-|\*|\d+\.) /.test(line)) {
      const ordered = /^\d+\./.test(line);
      const list = el(ordered ? 'ol' : 'ul', {});
      while (i < lines.length && /^(-|\*|\d+\.) /.test(lines[i]!)) {
        list.append(el('li', {}, ...inline(lines[i]!.replace(/^(-|\*|\d+\.) /, ''))));
        i++;
      }
      fragment.append(list);
    } else if (line.startsWith('|') && /^\|?\s*:?-{3,}/.test(lines[i + 1] ?? '')) {
      const rows: string[] = [];
      while (i < lines.length && lines[i]!.startsWith('|')) rows.push(lines[i++]!);
      fragment.append(table(rows, flavour));
    } else if (line.trim() === '') {
      i++;
    } else {
      const text: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== '' && !/^(```|#{1,6} |(-|\*|\d+\.) |\|)/.test(lines[i]!)) text.push(lines[i++]!);
      if (text.length === 0) text.push(lines[i++]!);
      fragment.append(paragraph(text.join(' ')));
    }
    offset += line.length + 1;
  }
  return fragment;
}

// Runs in plain Node on purpose: like the MV3 service worker, there is no DOMParser or document.
import { describe, expect, it } from 'vitest';
import { htmlToMarkdown } from '@/lib/capture/html-to-markdown';
import { fixtureHtml } from '../hosts/load-fixture';

/** The body of one message from a fixture, sliced as text (no DOM here, as in the service worker). */
function slice(html: string, start: string, end: string): string {
  const from = html.indexOf(start);
  return html.slice(from, html.indexOf(end, from) + end.length);
}

describe('htmlToMarkdown', () => {
  it('has no DOM globals to lean on (service-worker conditions)', () => {
    expect(typeof (globalThis as { DOMParser?: unknown }).DOMParser).toBe('undefined');
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
  });

  it('converts a ChatGPT classic answer: heading, inline code, link, fenced code with the header language, table, nested list', () => {
    const html = slice(fixtureHtml('chatgpt-classic.html'), '<div class="markdown prose">', '</ul></li></ul>\n                </div>');
    const md = htmlToMarkdown(html);
    expect(md).toContain('## Sorting by size');
    expect(md).toContain('Use `ls` with the **\\-S** flag, or see [the manual](https://example.org/ls).');
    expect(md).toContain('```bash\nls -lS ~/notes\ndu -sh * | sort -h\n```');
    expect(md).not.toMatch(/Copy code|Copy/);
    expect(md).toContain('| Flag | Meaning |');
    expect(md).toContain('| \\-S | sort by size |'); // turndown escapes a leading dash; renders as -S
    expect(md).toContain('- Fast\n- Portable\n  - Linux\n  - macOS');
  });

  it('converts a Claude answer and drops the language label that sits outside the pre', () => {
    const html = `<div class="standard-markdown">
      <h2 class="font-claude-response-body">Left join</h2>
      <p class="font-claude-response-body">Keeps <strong>every</strong> row, <em>even</em> unmatched ones. <del>Not</del> always fast.</p>
      <div class="relative flex flex-col"><div class="text-xs">sql</div><div class="sticky"><button>Copy</button></div>
        <div><pre class="code-block__code"><code class="language-sql">SELECT a.id\nFROM a LEFT JOIN b ON b.a_id = a.id;</code></pre></div></div>
      <ol><li>First<ul><li>nested</li></ul></li><li>Second</li></ol>
    </div>`;
    const md = htmlToMarkdown(html);
    expect(md).toContain('## Left join');
    expect(md).toContain('Keeps **every** row, *even* unmatched ones. ~~Not~~ always fast.');
    expect(md).toContain('```sql\nSELECT a.id\nFROM a LEFT JOIN b ON b.a_id = a.id;\n```');
    expect(md).not.toMatch(/^sql$/m);
    expect(md).not.toContain('Copy');
    expect(md).toContain('1. First\n   - nested\n2. Second');
  });

  it('converts the Octane and thread answer bodies from the fixtures', () => {
    const octane = htmlToMarkdown(slice(fixtureHtml('chatgpt-octane.html'), '<div data-assistant-markdown="">', '</table>'));
    expect(octane).toContain('```text\nleaves unfold slowly\n```');
    expect(octane).toContain('| Line | Syllables |');
    const thread = htmlToMarkdown(slice(fixtureHtml('chatgpt-thread.html'), '<div data-markdown-text-style="assistant-message">', '</table>'));
    expect(thread).toContain('### Summary');
    expect(thread).toContain('```json\n{"owner": "Ana"}\n```');
    expect(thread).toContain('1. Budget approved\n2. Launch *moved* to May');
  });

  it('drops unsafe links, svg, screen-reader chrome and data: images; keeps https images', () => {
    const md = htmlToMarkdown(
      '<p><a href="javascript:alert(1)">click</a> <span class="sr-only">ChatGPT said:</span><svg><text>x</text></svg>' +
        '<img src="data:image/png;base64,AAA" alt="junk"><img src="https://example.org/a.png" alt="chart"></p>',
    );
    expect(md).toBe('click ![chart](https://example.org/a.png)');
  });

  it('keeps task list checkboxes', () => {
    expect(htmlToMarkdown('<ul><li><input type="checkbox" checked disabled> done</li><li><input type="checkbox" disabled> todo</li></ul>')).toBe('- [x] done\n- [ ] todo');
  });

  it('keeps KaTeX source as TeX', () => {
    const md = htmlToMarkdown('<p>Area <span class="katex"><span class="katex-mathml"><math><semantics><annotation encoding="application/x-tex">\\pi r^2</annotation></semantics></math></span><span class="katex-html" aria-hidden="true">πr2</span></span></p>');
    expect(md).toBe('Area $\\pi r^2$');
  });

  it('returns an empty string for empty input', () => {
    expect(htmlToMarkdown('')).toBe('');
  });
});

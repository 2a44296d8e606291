import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The lint rule that keeps raw HTML out of the product code (eslint.config.js): captured and imported
 * content is untrusted (DESIGN.md, Security model), so neither an `innerHTML` assignment nor React's
 * `dangerouslySetInnerHTML` may be written, in the panel, the options page or the content script.
 */
const root = path.resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: root });

async function refusals(source: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('lint: no raw HTML in product code', () => {
  it.each([
    ['components/panel/probe.tsx', 'export const Note = ({ html }: { html: string }) => <div dangerouslySetInnerHTML={{ __html: html }} />;', 'dangerouslySetInnerHTML'],
    ['entrypoints/options/probe.tsx', 'export const Note = ({ html }: { html: string }) => <p dangerouslySetInnerHTML={{ __html: html }}></p>;', 'dangerouslySetInnerHTML'],
    ['lib/content/probe.ts', 'export function show(el: HTMLElement, html: string) { el.innerHTML = html; }', 'innerHTML'],
  ])('refuses it in %s', async (file, source, what) => {
    expect(await refusals(source, file)).toEqual([expect.stringContaining(`No ${what}`)]);
  }, 30_000);

  it('allows text and reading innerHTML (a captured reply is read, then sanitised, never written as HTML)', async () => {
    const source = 'export const Note = ({ text }: { text: string }) => <div title={text}>{text}</div>;\nexport const read = (el: HTMLElement) => el.innerHTML.length;';
    expect(await refusals(source, 'components/panel/probe.tsx')).toEqual([]);
  }, 30_000);
});

// @vitest-environment happy-dom
import { hostTheme } from '@/lib/hosts/theme';

function docWithRoot(attributes: Record<string, string>): Document {
  const doc = document.implementation.createHTMLDocument('t');
  for (const [name, value] of Object.entries(attributes)) doc.documentElement.setAttribute(name, value);
  return doc;
}

describe('hostTheme', () => {
  it.each([
    [{ class: 'dark' }, 'dark'],
    [{ class: 'light', style: 'color-scheme: light;' }, 'light'],
    [{ 'data-mode': 'dark' }, 'dark'],
    [{ 'data-theme': 'light' }, 'light'],
    [{ style: 'color-scheme: dark;' }, 'dark'],
    [{}, null],
    [{ class: 'darkish' }, null],
  ])('reads %o as %s', (attributes, expected) => {
    expect(hostTheme(docWithRoot(attributes))).toBe(expected);
  });
});

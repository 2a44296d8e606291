// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { firstMatch, selectorParts } from '@/lib/hosts/adapter';
import { chatgptSelectors } from '@/lib/hosts/chatgpt-selectors';
import { claudeSelectors } from '@/lib/hosts/claude-selectors';

describe('selectorParts', () => {
  it('splits a selector list at top-level commas only', () => {
    expect(selectorParts('a, b[x="1,2"], :is(c, d), e\\,f ,g')).toEqual(['a', 'b[x="1,2"]', ':is(c, d)', 'e\\,f', 'g']);
    expect(selectorParts('[data-testid="user-message"]')).toEqual(['[data-testid="user-message"]']);
  });

  // The split is a short pattern (the content script has a size budget): one level of () or [] after a
  // comma. Every selector list the sites' cascades hold must come apart into selectors that parse.
  it('splits every selector list of both sites\' cascades into parts that are selectors', () => {
    const lists = [chatgptSelectors, claudeSelectors].flatMap((selectors) =>
      Object.values(selectors).flatMap((value) => (Array.isArray(value) ? value.map((entry: { selector: string }) => entry.selector) : typeof value === 'string' ? [value] : [])),
    );
    expect(lists.length).toBeGreaterThan(40);
    for (const list of lists) {
      const parts = selectorParts(list);
      expect(parts.join(', ').replace(/\s+/g, ''), list).toBe(list.replace(/\s+/g, ''));
      for (const part of parts) expect(() => document.querySelector(part), part).not.toThrow();
    }
  });
});

describe('firstMatch', () => {
  it('keeps the cascade order: the first entry with any match wins, whatever the document order', () => {
    const late = document.createElement('p');
    late.className = 'late';
    const early = document.createElement('span');
    early.className = 'early';
    document.body.replaceChildren(late, early);
    const cascade = [
      { generation: 'new', selector: '.missing, .early' },
      { generation: 'old', selector: '.late' },
    ];
    expect(firstMatch(document, cascade)?.entry.generation).toBe('new');
    expect(firstMatch(document, cascade)?.element.className).toBe('early');
    expect(firstMatch(document, cascade, (el) => el.className === 'late')?.entry.generation).toBe('old');
    expect(firstMatch(document, [{ generation: 'none', selector: '.nothing, .nope' }])).toBeNull();
  });
});

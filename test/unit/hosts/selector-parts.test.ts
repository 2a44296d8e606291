// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { firstMatch, selectorParts } from '@/lib/hosts/adapter';

describe('selectorParts', () => {
  it('splits a selector list at top-level commas only', () => {
    expect(selectorParts('a, b[x="1,2"], :is(c, d), e\\,f ,g')).toEqual(['a', 'b[x="1,2"]', ':is(c, d)', 'e\\,f', 'g']);
    expect(selectorParts('[data-testid="user-message"]')).toEqual(['[data-testid="user-message"]']);
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

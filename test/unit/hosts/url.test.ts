// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { adapterFor, chatgptAdapter, claudeAdapter } from '@/lib/hosts';

const chat = (path: string) => chatgptAdapter.conversationFromUrl(`https://chatgpt.com${path}`);
const claude = (path: string) => claudeAdapter.conversationFromUrl(`https://claude.ai${path}`);
const uuid = '68f1c2d4-1a2b-4c3d-8e9f-0123456789ab';

describe('ChatGPT conversation identity', () => {
  it.each([
    [`/c/${uuid}`, uuid, 'conversation'],
    [`/g/g-abc123XYZ-recipe-helper/c/${uuid}`, uuid, 'conversation'],
    [`/g/g-p-6789abcd-garden/c/${uuid}`, uuid, 'conversation'],
    [`/g/g-p-6789abcd/c/${uuid}`, uuid, 'conversation'],
    ['/g/g-p-6789abcd-garden/project', null, 'project'],
    ['/g/g-p-6789abcd', null, 'project'],
    ['/g/g-abc123XYZ-recipe-helper', null, 'new'],
    ['/share/6801-share-abc', '6801-share-abc', 'shared'],
    [`/uc/${uuid}`, uuid, 'conversation'],
    ['/', null, 'new'],
    ['/c/WEB:0b8e4f1a-2222-4333-8444-555566667777', null, 'new'],
    ['/c/WEB%3A0b8e4f1a-2222-4333-8444-555566667777', null, 'new'],
    ['/?temporary-chat=true', null, 'temporary'],
    [`/c/${uuid}?temporary-chat=true`, null, 'temporary'],
    ['/gpts', null, 'other'],
  ])('%s → id %s (%s)', (path, id, kind) => {
    expect(chat(path)).toEqual({ site: 'chatgpt', id, kind });
  });

  it('keeps the id when the URL has a query or hash', () => {
    expect(chat(`/c/${uuid}?model=gpt-5#x`).id).toBe(uuid);
  });
});

describe('Claude conversation identity', () => {
  it.each([
    [`/chat/${uuid}`, uuid, 'conversation'],
    ['/new', null, 'new'],
    ['/new?q=hello', null, 'new'],
    [`/project/${uuid}`, null, 'project'],
    ['/new?incognito', null, 'temporary'],
    [`/chat/${uuid}?incognito=true`, null, 'temporary'],
    ['/recents', null, 'other'],
  ])('%s → id %s (%s)', (path, id, kind) => {
    expect(claude(path)).toEqual({ site: 'claude', id, kind });
  });
});

describe('adapterFor', () => {
  it('picks the adapter by host name and ignores other sites', () => {
    expect(adapterFor(new URL('https://chatgpt.com/c/x'))?.site).toBe('chatgpt');
    expect(adapterFor({ hostname: 'claude.ai' })?.site).toBe('claude');
    expect(adapterFor({ hostname: 'evil-claude.ai' })).toBeNull();
    expect(adapterFor({ hostname: 'chat.openai.com' })).toBeNull();
  });
});

describe('conversation identity, parsed once per URL', () => {
  it('answers each URL for itself when the page moves back and forth, and the shared answer cannot be changed', () => {
    for (const adapter of [chatgptAdapter, claudeAdapter]) {
      const base = adapter.site === 'chatgpt' ? 'https://chatgpt.com/c/' : 'https://claude.ai/chat/';
      const a = adapter.conversationFromUrl(`${base}${uuid}`);
      expect(adapter.conversationFromUrl(`${base}other-id`).id).toBe('other-id');
      expect(adapter.conversationFromUrl(`${base}${uuid}`)).toEqual(a);
      const again = adapter.conversationFromUrl(`${base}${uuid}`);
      expect(() => ((again as { id: string | null }).id = 'changed')).toThrow();
      expect(adapter.conversationFromUrl(`${base}${uuid}`).id).toBe(uuid);
      expect(adapter.conversationFromUrl(new URL(`${base}third`)).id).toBe('third');
    }
  });
});

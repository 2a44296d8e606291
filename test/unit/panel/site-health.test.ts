import { describe, expect, it } from 'vitest';
import { unresolvedConcerns } from '@/components/panel/site-health';
import type { HostState } from '@/lib/messaging/schemas';

const health = (over: Partial<HostState['health']>): HostState['health'] => ({
  site: 'claude',
  generation: 'flat',
  composer: 'found',
  messages: 'found',
  streamingSignal: 'found',
  conversationId: null,
  matched: {},
  checkedAt: '2026-12-01T00:00:00.000Z',
  ...over,
});

describe('health line concerns', () => {
  it('names nothing when every concern resolved, or a new chat has no messages yet', () => {
    expect(unresolvedConcerns(health({}))).toEqual([]);
    expect(unresolvedConcerns(health({ messages: 'none-yet' }))).toEqual([]);
  });

  it('names each concern that did not resolve, a reply that could not be read included', () => {
    expect(unresolvedConcerns(health({ composer: 'missing', messages: 'missing', streamingSignal: 'missing', reply: 'missing' }))).toEqual(['prompt box', 'messages', 'reply progress', 'the last reply']);
  });
});

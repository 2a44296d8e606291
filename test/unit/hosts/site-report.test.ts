// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { chatgptAdapter, claudeAdapter, type HostAdapter } from '@/lib/hosts';
import { maskValue, pathShape, siteReport } from '@/lib/hosts/site-report-text';
import { parseFixture } from './load-fixture';

const secrets = ['Zanzibarquux', 'hunter2pass', 'Marzipanopoly', 'Quokkafeather', 'secretquery', 'Blorptitle', '4e1d9c0a-7777-4abc-8def-0123456789ab'];

/** Plants what a person wrote (and ids that name them) everywhere a careless report would pick it up. */
function withSecrets(doc: Document): Document {
  doc.title = 'Zanzibarquux plans - Claude';
  const user = doc.querySelectorAll('[data-testid="user-message"] p, [data-message-author-role="user"] .whitespace-pre-wrap, [data-user-message-bubble]');
  user[user.length - 1]!.textContent = 'My password is hunter2pass, tell nobody about Marzipanopoly';
  const composer = doc.querySelector('[contenteditable="true"][role="textbox"]')!;
  composer.textContent = 'draft about Quokkafeather';
  const link = doc.createElement('a');
  link.href = '/chat/4e1d9c0a-7777-4abc-8def-0123456789ab';
  link.setAttribute('aria-label', 'Blorptitle');
  link.setAttribute('data-conversation-title', 'Blorptitle');
  link.textContent = 'Blorptitle';
  doc.querySelector('nav')!.append(link);
  // A site attribute echoing the person's words, and an id.
  composer.closest('form, fieldset')!.setAttribute('data-draft-preview', 'Quokkafeather');
  composer.setAttribute('data-chat-id', '4e1d9c0a-7777-4abc-8def-0123456789ab');
  composer.setAttribute('aria-label', 'Reply to Zanzibarquux');
  return doc;
}

const pages: [string, HostAdapter, string][] = [
  ['claude-flat.html', claudeAdapter, 'https://claude.ai/chat/4e1d9c0a-7777-4abc-8def-0123456789ab?q=secretquery'],
  ['claude-hub.html', claudeAdapter, 'https://claude.ai/chat/4e1d9c0a-7777-4abc-8def-0123456789ab'],
  ['chatgpt-classic-2026-04.html', chatgptAdapter, 'https://chatgpt.com/c/4e1d9c0a-7777-4abc-8def-0123456789ab'],
  ['chatgpt-thread-pairs.html', chatgptAdapter, 'https://chatgpt.com/g/g-p-4e1d9c0a/c/4e1d9c0a-7777-4abc-8def-0123456789ab'],
];

describe('site report', () => {
  for (const [fixture, adapter, url] of pages) {
    it(`${fixture}: outlines composer and last turns with no text, no person's words, no ids`, () => {
      const doc = withSecrets(parseFixture(fixture));
      const report = siteReport(doc, adapter, url, '0.1.0');
      for (const secret of secrets) expect(report).not.toContain(secret);
      // Not one word of any text on the page.
      for (const text of ['Thought for', 'ChatGPT said', 'Guadalquivir', 'lentils', 'tyre', 'picnic', 'Fixture chat']) expect(report.toLowerCase()).not.toContain(text.toLowerCase());
      expect(report).toContain('composer (as found)');
      expect(report).toContain('turn 2 of the last two');
      expect(report).toMatch(/contenteditable="true"/);
      expect(report).toMatch(/\(\d+ child(ren)?/);
    });
  }

  it('names the structure a fix needs: roles, data attributes, streaming state, the health', () => {
    const doc = withSecrets(parseFixture('claude-flat.html'));
    const report = siteReport(doc, claudeAdapter, pages[0]![2]);
    expect(report).toContain('generation: flat');
    expect(report).toContain('page: /chat/<id>?q');
    expect(report).toContain('data-testid="user-message"');
    expect(report).toContain('data-is-streaming="true"');
    expect(report).toContain('data-test-render-count="1"');
    expect(report).toContain('aria-label="Stop response"');
    expect(report).toContain('data-chat-id="<uuid>"');
    expect(report).toMatch(/data-draft-preview="<13 chars>"/);
    if (process.env.SHOW_REPORT) console.log(report);
  });

  it('with no message recognised, outlines the end of the main column', () => {
    const doc = withSecrets(parseFixture('claude-flat.html'));
    // A redesign renamed every message hook.
    for (const el of doc.querySelectorAll('[data-testid="user-message"], [data-is-streaming], .font-claude-response')) {
      el.removeAttribute('data-testid');
      el.removeAttribute('data-is-streaming');
      el.classList.remove('font-claude-response');
    }
    const report = siteReport(doc, claudeAdapter, pages[0]![2]);
    expect(report).toContain('messages: missing');
    expect(report).toContain('messages (none recognised');
    for (const secret of secrets) expect(report).not.toContain(secret);
  });

  it('masks values by shape', () => {
    expect(maskValue('true')).toBe('true');
    expect(maskValue('conversation-turn-12')).toBe('conversation-turn-12');
    expect(maskValue('request-WEB:7c2d9e40-2000-4000-8000-000000000002-1')).toBe('request-WEB:<id>');
    expect(maskValue('two words')).toBe('<9 chars>');
    expect(maskValue('Blorp', new Set(['blorp']))).toBe('<5 chars>');
    expect(pathShape('https://chatgpt.com/g/g-p-abc123-trip/c/WEB:77?temporary-chat=true')).toBe('/g/<id>/c/<id>?temporary-chat');
  });
});

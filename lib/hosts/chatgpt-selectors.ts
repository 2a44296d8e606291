import type { SelectorCascade } from './adapter';

/**
 * ChatGPT selector cascades, newest generation first within each concern. Anchored on data-*
 * attributes, ids and ARIA; never on utility classes (`.markdown` is a semantic class ChatGPT has
 * kept since 2023). See docs/host-sites.md for which of these are confirmed, per generation and date.
 */
export const chatgptSelectors = {
  generation: [
    { generation: 'thread', selector: 'form[data-chatgpt-composer], [data-turn-key], main[data-app-shell-main-surface]' },
    { generation: 'octane', selector: 'form[data-mobile-composer], ol[data-conversation-transcript], [data-octane-lexical-host]' },
    { generation: 'classic', selector: 'form[data-type="unified-composer"], #prompt-textarea, [data-testid^="conversation-turn-"]' },
  ],
  composer: [
    { generation: 'thread', selector: 'form[data-chatgpt-composer] [data-composer-markdown][contenteditable="true"]' },
    { generation: 'thread', selector: '[data-composer-markdown][contenteditable="true"]' },
    { generation: 'classic', selector: '#prompt-textarea[contenteditable="true"]' },
    { generation: 'octane', selector: 'form[data-mobile-composer] [data-octane-lexical-host][contenteditable="true"]' },
    { generation: 'octane', selector: '[data-octane-lexical-host] [contenteditable="true"]' },
    { generation: 'octane', selector: 'textarea#mobile-composer-prompt' },
    { generation: 'classic', selector: 'form[data-type="unified-composer"] [contenteditable="true"][role="textbox"]' },
    // Before hydration the classic composer is a plain textarea, hidden once ProseMirror mounts.
    { generation: 'classic', selector: 'textarea[name="prompt-textarea"]' },
    { generation: 'classic', selector: 'textarea#prompt-textarea' },
  ],
  form: [
    { generation: 'thread', selector: 'form[data-chatgpt-composer]' },
    { generation: 'octane', selector: 'form[data-mobile-composer]' },
    { generation: 'classic', selector: 'form[data-type="unified-composer"]' },
  ],
  sendButton: [
    { generation: 'classic', selector: 'button[data-testid="send-button"]' },
    { generation: 'classic', selector: 'button#composer-submit-button' },
    { generation: 'octane', selector: 'button[data-composer-submit]:not([data-stop-generating])' },
    { generation: 'thread', selector: 'form[data-chatgpt-composer] button[type="submit"]:not([aria-label="Stop"])' },
    { generation: 'classic', selector: 'form button[aria-label="Send prompt"]' },
  ],
  /** Present only while a reply is being generated. */
  streaming: [
    { generation: 'classic', selector: 'button[data-testid="stop-button"]' },
    { generation: 'classic', selector: '[data-testid="composer-stop-button"]' },
    { generation: 'classic', selector: '[data-scroll-root][data-stream-active]' },
    { generation: 'octane', selector: 'li[data-message-streaming]' },
    { generation: 'octane', selector: 'button[data-composer-submit][data-stop-generating]' },
    { generation: 'thread', selector: 'form[data-chatgpt-composer] button[aria-label="Stop"]' },
    { generation: 'classic', selector: 'button[aria-label="Stop streaming"]' },
    { generation: 'legacy', selector: '.result-streaming' },
  ],
  /** Where a streaming signal would appear; the health report checks the detector has something to read. */
  streamingAnchor: [
    { generation: 'classic', selector: '[data-scroll-root]' },
    { generation: 'octane', selector: 'button[data-composer-submit]' },
    { generation: 'thread', selector: 'form[data-chatgpt-composer]' },
    { generation: 'classic', selector: 'form[data-type="unified-composer"]' },
  ],
  /** Turn containers, one per user or assistant turn. */
  turn: [
    { generation: 'thread', selector: '[data-turn-key]' },
    { generation: 'octane', selector: 'ol[data-conversation-transcript] > li[data-message-role]' },
    { generation: 'classic', selector: '[data-testid^="conversation-turn-"]' },
    { generation: 'classic', selector: '[data-turn][data-turn-id]' },
  ],
  /** Author-role nodes inside a classic turn (several in one assistant turn when it "thought"). */
  authorRole: '[data-message-author-role]',
  threadUnit: '[data-chatgpt-search-unit-key]',
  /** Thread layout with one turn per prompt-and-answer pair (2026-09): the user bubble and the answer. */
  threadUser: '[data-user-message-bubble]',
  threadAnswer: '[data-markdown-text-style="assistant-message"]',
  assistantBody: [
    { generation: 'thread', selector: '[data-markdown-text-style="assistant-message"]' },
    { generation: 'octane', selector: '[data-assistant-markdown]' },
    { generation: 'classic', selector: '.markdown' },
  ],
  /** The turn's action bar; appears once the reply is final. */
  complete: [
    { generation: 'classic', selector: 'button[data-testid="copy-turn-action-button"]' },
    { generation: 'classic', selector: 'button[data-testid="good-response-turn-action-button"]' },
  ],
} as const satisfies Record<string, SelectorCascade | string>;

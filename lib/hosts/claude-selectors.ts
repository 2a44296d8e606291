import type { SelectorCascade } from './adapter';

/**
 * claude.ai selector cascades, newest generation first. Claude has no per-message id in the DOM,
 * so message keys are derived (see claude.ts). What each entry relies on, per generation and with
 * dates: docs/host-sites.md.
 */
export const claudeSelectors = {
  generation: [
    { generation: 'hub', selector: '[data-testid="transcript-row"]' },
    { generation: 'hub', selector: '[data-testid="assistant-message"][data-cds]' },
    { generation: 'virtualized', selector: '[data-autoscroll-container] [role="feed"] > [data-index]' },
    { generation: 'flat', selector: '[data-test-render-count]' },
    { generation: 'flat', selector: '[data-testid="user-message"], [data-is-streaming]' },
    { generation: 'hub', selector: '[data-testid="transcript-list"]' },
    { generation: 'virtualized', selector: '[data-autoscroll-container] [role="feed"]' },
    { generation: 'flat', selector: '[data-autoscroll-container]' },
    { generation: 'flat', selector: '[data-testid="chat-input"]' },
    { generation: 'ssr', selector: 'textarea[data-testid="chat-input-ssr"]' },
  ],
  composer: [
    { generation: 'flat', selector: '[data-chat-input-container] fieldset [data-testid="chat-input"][contenteditable="true"]' },
    { generation: 'hub', selector: '[data-testid="chat-input"][contenteditable="true"]' },
    { generation: 'flat', selector: 'fieldset .ProseMirror[contenteditable="true"][role="textbox"]' },
    // Server-rendered placeholder, replaced by the editor after hydration.
    { generation: 'ssr', selector: 'textarea[data-testid="chat-input-ssr"]' },
  ],
  sendButton: [
    { generation: 'flat', selector: 'button[aria-label="Send message"]' },
    { generation: 'legacy', selector: 'button[aria-label="Send Message"]' },
    // Labels are localized: the composer's own submit button is the language-independent guess.
    { generation: 'flat', selector: '[data-chat-input-container] fieldset button[type="submit"]' },
  ],
  streaming: [
    { generation: 'flat', selector: '[data-is-streaming="true"]' },
    { generation: 'flat', selector: 'button[aria-label="Stop response"]' },
  ],
  streamingAnchor: [
    { generation: 'flat', selector: '[data-is-streaming]' },
    { generation: 'flat', selector: '[data-chat-input-container]' },
  ],
  /**
   * Role nodes, listed in document order (never by climbing to a guessed turn container). User
   * messages keep one test id in every generation; a reply is the node that carries
   * `data-is-streaming` (flat list, virtualized feed, hub), or the response block on older pages.
   */
  userMessage: [{ generation: 'flat', selector: '[data-testid="user-message"]' }],
  assistantMessage: [
    { generation: 'hub', selector: '[data-testid="assistant-message"]' },
    { generation: 'flat', selector: '[data-is-streaming]' },
    { generation: 'legacy', selector: '.font-claude-response' },
    { generation: 'legacy', selector: '.font-claude-message' },
  ],
  /** The virtualized feed's row: its `data-index` is the message's position in the whole conversation. */
  row: '[role="feed"] > [data-index]',
  /** Expanded "thinking" (virtualized generation) renders markdown too; anything under this is not the answer. */
  thinking: '[data-timeline-text]',
  /** The answer's markdown: the last block of the reply that is not thinking ("Thought for Ns" comes first). */
  answerMarkdown: '.standard-markdown',
  assistantBody: [
    { generation: 'flat', selector: '.font-claude-response' },
    { generation: 'legacy', selector: '.font-claude-message' },
  ],
  /** Final-reply markers besides `data-is-streaming="false"`: the virtualized row's action bar. */
  complete: [{ generation: 'virtualized', selector: '[data-message-action-bar]' }],
} as const satisfies Record<string, SelectorCascade | string>;

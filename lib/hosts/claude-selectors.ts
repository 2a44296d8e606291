import type { SelectorCascade } from './adapter';

/**
 * claude.ai selector cascades, newest generation first. Claude has no per-message id in the DOM,
 * so message keys are derived (see claude.ts). See HOST-SITES.md and SIGNALS.md.
 */
export const claudeSelectors = {
  generation: [
    { generation: 'virtualized', selector: '[data-autoscroll-container] [role="feed"] > [data-index]' },
    { generation: 'virtualized', selector: '[data-autoscroll-container]' },
    { generation: 'list', selector: '[data-testid="user-message"], [data-is-streaming], [data-testid="chat-input"]' },
    { generation: 'ssr', selector: 'textarea[data-testid="chat-input-ssr"]' },
  ],
  composer: [
    { generation: 'virtualized', selector: '[data-chat-input-container] fieldset [data-testid="chat-input"][contenteditable="true"]' },
    { generation: 'list', selector: '[data-testid="chat-input"][contenteditable="true"]' },
    { generation: 'list', selector: 'fieldset .ProseMirror[contenteditable="true"][role="textbox"]' },
    // Server-rendered placeholder, replaced by the editor after hydration.
    { generation: 'ssr', selector: 'textarea[data-testid="chat-input-ssr"]' },
  ],
  sendButton: [
    { generation: 'virtualized', selector: 'button[aria-label="Send message"]' },
    { generation: 'list', selector: 'button[aria-label="Send Message"]' },
    // Labels are localized: the composer's own submit button is the language-independent guess.
    { generation: 'virtualized', selector: '[data-chat-input-container] fieldset button[type="submit"]' },
  ],
  streaming: [
    { generation: 'virtualized', selector: '[data-is-streaming="true"]' },
    { generation: 'virtualized', selector: 'button[aria-label="Stop response"]' },
  ],
  streamingAnchor: [
    { generation: 'virtualized', selector: '[data-is-streaming]' },
    { generation: 'virtualized', selector: '[data-chat-input-container]' },
  ],
  /** Rows of the virtualized feed (recycled while scrolling), then the older flat list. */
  turn: [
    { generation: 'virtualized', selector: '[role="feed"] > [data-index]' },
    { generation: 'list', selector: '[data-testid="user-message"], [data-is-streaming]' },
  ],
  userMessage: '[data-testid="user-message"]',
  assistantMessage: '[data-is-streaming], .font-claude-response, .font-claude-message',
  /** Expanded "thinking" renders markdown too; anything under this is not the answer. */
  thinking: '[data-timeline-text]',
  assistantBody: [
    { generation: 'virtualized', selector: '.standard-markdown' },
    { generation: 'list', selector: '.font-claude-response' },
    { generation: 'legacy', selector: '.font-claude-message' },
  ],
  complete: [
    { generation: 'virtualized', selector: '[data-message-action-bar]' },
  ],
} as const satisfies Record<string, SelectorCascade | string>;

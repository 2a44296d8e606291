import type { MockGeneration, MockSite } from './mock-sites';

/** Per DOM generation: where things are and which signals say "streaming" and "finished". */
export interface GenerationProfile {
  site: MockSite;
  generation: MockGeneration;
  composer: string;
  /** The whole composer box a person works in (editor and buttons). */
  composerBox: string;
  send: string;
  stop: string;
  /** Present only while a reply streams (besides the stop control). */
  streaming: string;
  /** The last assistant reply's action bar, shown once it finished. */
  actionBar: string;
  /** Bodies of finished assistant answers. */
  assistantBody: string;
  userText: string;
  /** Claude: the new reply's row, there before its streaming node mounts. */
  newReplyRow?: string;
  newChatPath: string;
  conversationPath: RegExp;
}

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const claudeComposer = '[data-chat-input-container] fieldset:not(.opacity-0) div.tiptap.ProseMirror[contenteditable="true"][role="textbox"][data-testid="chat-input"]';

export const generations: GenerationProfile[] = [
  {
    site: 'chatgpt',
    generation: 'classic',
    composer: 'form[data-type="unified-composer"] div#prompt-textarea.ProseMirror[contenteditable="true"][role="textbox"]',
    composerBox: 'form[data-type="unified-composer"]',
    send: 'button[data-testid="send-button"]#composer-submit-button[aria-label="Send prompt"]',
    stop: 'button[data-testid="stop-button"][aria-label="Stop streaming"]',
    streaming: '[data-scroll-root][data-stream-active]',
    actionBar: 'section[data-turn="assistant"]:last-of-type button[data-testid="copy-turn-action-button"]',
    assistantBody: 'section[data-turn="assistant"] [data-message-author-role="assistant"][data-message-id] .markdown.prose',
    userText: 'section[data-turn="user"] [data-message-author-role="user"] .whitespace-pre-wrap',
    newChatPath: '/',
    conversationPath: new RegExp(`^/c/${uuid}$`),
  },
  {
    site: 'chatgpt',
    generation: 'octane',
    composer: 'form[data-mobile-composer] textarea#mobile-composer-prompt[name="prompt"]',
    composerBox: 'form[data-mobile-composer]',
    send: 'button[data-composer-submit]:not([data-stop-generating]):enabled',
    stop: 'button[data-composer-submit][data-stop-generating]',
    streaming: 'li[data-message-role="assistant"][data-message-streaming][id^="pending-"]',
    actionBar: 'li[data-message-role="assistant"][data-message-complete]:last-child [data-message-actions] button',
    assistantBody: 'li[data-message-role="assistant"][data-message-complete] [data-assistant-markdown]',
    userText: 'li[data-message-role="user"] p[data-user-message-copy]',
    newChatPath: '/',
    conversationPath: new RegExp(`^/c/${uuid}$`),
  },
  {
    site: 'chatgpt',
    generation: 'thread',
    composer: 'form[data-chatgpt-composer][data-composer-placement="thread"] > div.ProseMirror[data-composer-markdown][contenteditable="true"][role="textbox"]',
    composerBox: 'form[data-chatgpt-composer]',
    send: 'form[data-chatgpt-composer] button[aria-label="Send prompt"]',
    stop: 'form[data-chatgpt-composer] button[aria-label="Stop"]',
    streaming: 'form[data-chatgpt-composer] button[aria-label="Stop"]',
    actionBar: '[data-turn-key]:last-child [role="group"][aria-label="Response actions"] button[aria-label="Copy"]',
    assistantBody: '[data-turn-key] h4[data-conversation-role="assistant"] ~ [data-markdown-text-style="assistant-message"]',
    userText: '[data-turn-key] [data-user-message-bubble]',
    newChatPath: '/',
    conversationPath: new RegExp(`^/c/${uuid}$`),
  },
  {
    site: 'claude',
    generation: 'flat',
    composer: claudeComposer,
    composerBox: '[data-chat-input-container] fieldset:not(.opacity-0)',
    send: 'button[aria-label="Send message"]',
    stop: 'button[aria-label="Stop response"]',
    streaming: '[data-test-render-count] [data-is-streaming="true"]',
    actionBar: '[data-test-render-count]:last-child > .group > [role="group"][aria-label="Message actions"]',
    assistantBody: '[data-test-render-count] .contents > [data-is-streaming="false"] > .font-claude-response .row-start-2 .standard-markdown',
    userText: '[data-test-render-count] .flex-1 > [data-testid="user-message"] > p.whitespace-pre-wrap',
    newReplyRow: '[data-test-render-count]:nth-child(2) > .group',
    newChatPath: '/new',
    conversationPath: new RegExp(`^/chat/${uuid}$`),
  },
  {
    site: 'claude',
    generation: 'virtualized',
    composer: claudeComposer,
    composerBox: '[data-chat-input-container] fieldset:not(.opacity-0)',
    send: 'button[aria-label="Send message"]',
    stop: 'button[aria-label="Stop response"]',
    streaming: '[data-is-streaming="true"]',
    actionBar: '[data-autoscroll-container] [role="feed"] > div[data-index]:last-child [data-message-action-bar] [role="toolbar"]',
    assistantBody: '[role="article"] [data-is-streaming="false"] .font-claude-response > .standard-markdown',
    userText: '[role="article"] [data-testid="user-message"] > p.whitespace-pre-wrap',
    newReplyRow: '[role="feed"] > div[data-index="1"] [role="article"]',
    newChatPath: '/new',
    conversationPath: new RegExp(`^/chat/${uuid}$`),
  },
  {
    site: 'claude',
    generation: 'hub',
    composer: claudeComposer,
    composerBox: '[data-chat-input-container] fieldset:not(.opacity-0)',
    send: 'button[aria-label="Send message"]',
    stop: 'button[aria-label="Stop response"]',
    streaming: '[data-testid="assistant-message"][data-is-streaming="true"]',
    actionBar: '[data-testid="transcript-row"]:last-child > [role="toolbar"][aria-label="Message actions"]',
    assistantBody: '[data-testid="transcript-row"] [data-testid="assistant-message"][data-cds="AssistantMessage"][data-is-streaming="false"] > .standard-markdown',
    userText: '[data-testid="transcript-row"] [data-testid="user-message"] > p.whitespace-pre-wrap',
    newReplyRow: '[data-testid="transcript-list"] > [data-testid="transcript-row"]:nth-child(2)',
    newChatPath: '/new',
    conversationPath: new RegExp(`^/chat/${uuid}$`),
  },
];

import type { MockPageConfig } from './config';

/**
 * The HTML shell of a mock page. The markup itself is built by the page's script; the CSS here is
 * plain rules for the few utility classes the mocks use, so layout checks (what covers what) mean
 * something.
 */
const css = `
*, *::before, *::after { box-sizing: border-box; }
html, body { margin: 0; height: 100%; font: 15px/1.5 system-ui, sans-serif; }
.flex { display: flex; } .flex-col { flex-direction: column; } .flex-1 { flex: 1 1 0%; }
.min-w-0 { min-width: 0; } .min-h-0 { min-height: 0; } .h-svh { height: 100svh; } .w-screen { width: 100vw; }
.w-full { width: 100%; } .relative { position: relative; } .absolute { position: absolute; } .sticky { position: sticky; }
.items-end { align-items: flex-end; } .items-center { align-items: center; } .justify-between { justify-content: space-between; }
.overflow-y-auto { overflow-y: auto; } .overflow-x-auto { overflow-x: auto; } .p-4 { padding: 1rem; }
.opacity-0 { opacity: 0; } .pointer-events-none { pointer-events: none; }
.whitespace-pre-wrap { white-space: pre-wrap; } .break-words { overflow-wrap: break-word; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0,0,0,0); white-space: nowrap; border: 0; }
.\\@container\\/main { container-type: inline-size; container-name: main; }
.sidebar { width: 260px; flex: 0 0 260px; background: #f4f4f5; padding: 12px; overflow-y: auto; }
.sidebar a { display: block; padding: 6px 8px; color: inherit; text-decoration: none; }
.side-pane-rail { width: 0; flex: 0 0 0; overflow: hidden; }
.scroll-root, .thread-scroller, .scroll-port { display: flex; flex-direction: column; }
.thread, .thread-turns { flex: 1 0 auto; max-width: 48rem; width: 100%; margin: 0 auto; padding: 16px; }
.turn { padding: 8px 0; }
.user-bubble { margin-left: auto; max-width: 70%; background: #f0f0f0; border-radius: 18px; padding: 8px 14px; width: fit-content; }
.composer-dock { bottom: 0; padding: 8px 16px 16px; background: #fff; max-width: 48rem; width: 100%; margin: 0 auto; }
.composer-form, .composer-fieldset, [data-mobile-composer] { border: 1px solid #ccc; border-radius: 24px; padding: 8px 12px; margin: 0; min-height: 52px; }
.ProseMirror { outline: none; white-space: pre-wrap; min-height: 24px; max-height: 200px; overflow-y: auto; }
.ProseMirror p { margin: 0; }
.ProseMirror p.placeholder::before, .ProseMirror p.is-empty::before { content: attr(data-placeholder); color: #999; float: left; height: 0; pointer-events: none; }
.composer-trailing button, .composer-controls button { margin-left: 8px; }
.code-card { border-radius: 12px; background: #f7f7f8; overflow: hidden; }
.code-card-header { padding: 6px 12px; font-size: 12px; color: #666; }
table { border-collapse: collapse; } th, td { border: 1px solid #ddd; padding: 4px 8px; }
.octane-shell { display: flex; height: 100svh; width: 100%; }
.octane-column { flex: 1; min-width: 0; display: flex; flex-direction: column; }
.octane-column > main { flex: 1; display: flex; flex-direction: column; min-height: 0; }
.octane-column > main > div { flex: 1; overflow-y: auto; }
[data-conversation-transcript] { list-style: none; margin: 0 auto; max-width: 48rem; padding: 16px; }
[data-mobile-composer] { display: flex; gap: 8px; max-width: 48rem; width: calc(100% - 32px); margin: 0 auto 16px; }
#mobile-composer-prompt { flex: 1; border: 0; resize: none; font: inherit; outline: none; }
[data-app-shell-main-surface] { min-height: 0; }
.claude-root main { display: flex; min-height: 0; }
.page-header { height: 48px; padding: 12px 16px; border-bottom: 1px solid #eee; }
.scroll-port { position: relative; }
.feed { position: relative; flex-shrink: 0; width: 100%; max-width: 48rem; margin: 0 auto; }
.feed-row { position: absolute; top: 0; left: 0; width: 100%; padding: 8px 16px; }
.user-message { background: #f0eee6; border-radius: 12px; padding: 8px 12px; width: fit-content; }
.user-message p { margin: 0; }
[data-chat-input-container] { position: relative; }
[data-chat-input-container] > fieldset.opacity-0 { inset: 0; }
.flat-thread, .transcript-list { max-width: 48rem; width: 100%; margin: 0 auto; padding: 8px 16px; }
.flat-thread .items-end, .transcript-row .items-end { align-items: flex-end; }
.message-actions { gap: 4px; font-size: 12px; }
.assistant-message, .transcript-row { padding: 8px 0; }
.resize-handle { width: 4px; flex: 0 0 4px; }
.artifact-slot { width: 0; flex: 0 0 0; overflow: hidden; }
`;

/** What the server renders before the app hydrates (only seen when hydration is delayed). */
function serverShell(config: MockPageConfig): string {
  if (config.hydrateDelayMs <= 0 || config.composer === 'missing') return '';
  if (config.site === 'claude') {
    return '<div class="composer-dock"><fieldset class="composer-fieldset"><textarea data-testid="chat-input-ssr" placeholder="How can I help you today?"></textarea></fieldset></div>';
  }
  if (config.generation === 'classic') {
    return '<form data-type="unified-composer" class="composer-form"><textarea name="prompt-textarea" style="display:none"></textarea></form>';
  }
  return '';
}

export function mockPageHtml(config: MockPageConfig): string {
  // `<` escaped so no string in the config can close the script element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const title = config.site === 'chatgpt' ? 'ChatGPT' : 'Claude';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${css}</style>
<script>performance.mark('mock:head-script');window.__MOCK_CONFIG__ = ${json};</script>
</head>
<body>
<div id="root">${serverShell(config)}</div>
<script src="/__mock/${config.site}.js"></script>
</body>
</html>`;
}

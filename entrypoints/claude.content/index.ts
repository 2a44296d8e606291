import { defineContentScript } from 'wxt/utils/define-content-script';
import type { ContentScriptContext } from '@/lib/content/lifetime';
import { startContentRuntime } from '@/lib/content/runtime';
import { claudeAdapter } from '@/lib/hosts/claude';

// One content script per site: each page loads only its own site's adapter (DESIGN.md budget).
export default defineContentScript({
  matches: ['https://claude.ai/*'],
  // As early as the page allows: the panel frame is mounted once there is a body (lib/content/runtime.ts).
  runAt: 'document_start',
  main(ctx) {
    // WXT's entry wrapper builds our lifetime (wxt.config.ts aliases its context module to
    // lib/content/lifetime.ts); its parameter type is still WXT's.
    startContentRuntime(ctx as unknown as ContentScriptContext, claudeAdapter);
  },
});

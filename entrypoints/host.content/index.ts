import { defineContentScript } from 'wxt/utils/define-content-script';
import { ignoreForgedRestarts, startContentRuntime } from '@/lib/content/runtime';
import { adapterFor } from '@/lib/hosts';

export default defineContentScript({
  matches: ['https://chatgpt.com/*', 'https://claude.ai/*'],
  runAt: 'document_idle',
  main(ctx) {
    ignoreForgedRestarts();
    const adapter = adapterFor(location);
    if (!adapter) return;
    startContentRuntime(ctx, adapter);
  },
});

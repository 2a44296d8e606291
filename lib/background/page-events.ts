import type { CaptureResult } from '@/lib/messaging/protocol';
import { warmFirstScreen } from './first-screen';
import { registerHostRouter, type HostRouterHooks } from './host-router';
import { handleReplyFinished, handleReplyRecovered } from './reply-capture';
import { handleHostState, handleMessageSent } from './sent-messages';

function logged<T>(fallback: T) {
  return (error: unknown): T => {
    console.error('ConvOps background:', error);
    return fallback;
  };
}

/**
 * What content scripts report, plugged into the records: the host router checks every message and
 * its sender, then a page's state and sent messages go to sent-messages.ts, finished replies to
 * reply-capture.ts and a panel frame going in to first-screen.ts. A failure is logged and answered as "not captured", never thrown at the page.
 */
export function setupPageEvents(register: (hooks: HostRouterHooks) => () => void = registerHostRouter): () => void {
  return register({
    onReplyFinished: (reply) => handleReplyFinished(reply, reply.tabId).catch(logged<CaptureResult>({ captured: false, reason: 'invalid' })),
    onReplyRecovered: (reply) => handleReplyRecovered(reply, reply.tabId).catch(logged<CaptureResult>({ captured: false, reason: 'invalid' })),
    onMessageSent: (event) => handleMessageSent(event, event.tabId).catch(logged(undefined)),
    onHostState: (state, tabId) => void handleHostState(state, tabId).catch(logged(undefined)),
    onPanelMounted: (page, tabId) => warmFirstScreen(tabId, page),
  });
}

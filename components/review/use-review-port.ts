import { useCallback, useEffect, useRef, useState } from 'react';
import { browser, type Browser } from 'wxt/browser';
import { REVIEW_PORT, type ReviewPortReply, type ReviewView } from '@/lib/messaging/review-protocol';
import type { ReviewPortRequest } from '@/lib/messaging/schemas';

export type ReviewState =
  | { kind: 'loading' }
  /** The background did not bind this window to a gate (opened by hand, or the gate is gone). */
  | { kind: 'unbound' }
  | { kind: 'ready'; view: ReviewView };

/**
 * The review window's one port to the background. The background decides which gate this window
 * shows (it opened the window for it); the page only sends the person's decision and comment.
 */
export function useReviewPort(): {
  state: ReviewState;
  error: string | null;
  decided: boolean;
  /** A decision was sent and has not been answered yet. */
  pending: boolean;
  send: (request: ReviewPortRequest) => void;
} {
  const [state, setState] = useState<ReviewState>({ kind: 'loading' });
  const [error, setError] = useState<string | null>(null);
  const [decided, setDecided] = useState(false);
  const [pending, setPending] = useState(false);
  const port = useRef<Browser.runtime.Port | null>(null);

  useEffect(() => {
    const connected = browser.runtime.connect({ name: REVIEW_PORT });
    port.current = connected;
    let seen = false;
    // What our own background posts on this port, typed by its contract (review-protocol.ts).
    connected.onMessage.addListener((reply: ReviewPortReply) => {
      if (reply.kind === 'view') {
        seen = true;
        setState(reply.value ? { kind: 'ready', view: reply.value } : { kind: 'unbound' });
      } else if (reply.kind === 'decided') setDecided(true);
      else if (reply.kind === 'error') {
        setPending(false);
        setError(reply.error.message);
      }
    });
    connected.onDisconnect.addListener(() => {
      port.current = null;
      if (!seen) setState({ kind: 'unbound' });
    });
    return () => {
      port.current = null;
      connected.disconnect();
    };
  }, []);

  const send = useCallback((request: ReviewPortRequest) => {
    setError(null);
    if (port.current) {
      if (request.kind === 'decide') setPending(true);
      port.current.postMessage(request);
    }
    else if (request.kind === 'close') window.close();
    else setError('The extension restarted; close this window and open it again from the panel.');
  }, []);

  return { state, error, decided, pending, send };
}

import { defineBackground } from 'wxt/utils/define-background';
import { registerHostRouter } from '../lib/background/host-router';

export default defineBackground(() => {
  // Captures are persisted once the notes repository is wired in (onReplyFinished).
  registerHostRouter();
});

import { defineBackground } from 'wxt/utils/define-background';

export default defineBackground(() => {
  // Filled in by the background router (lib/background).
});

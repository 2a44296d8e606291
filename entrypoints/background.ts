import { defineBackground } from 'wxt/utils/define-background';
import { wireBackground } from '../lib/background/wiring';

export default defineBackground(() => {
  wireBackground();
});

import { defineBackground } from 'wxt/utils/define-background';
import { registerToolbar } from '@/lib/background/toolbar';
import { wireBackground } from '@/lib/background/wiring';

export default defineBackground(() => {
  wireBackground();
  registerToolbar();
});

import { prefetchFirstScreen } from '@/components/panel/boot';
import earlyPaintCss from '@/components/panel/first-paint.css?inline';
import { addEarlyPaintRules, applyPreloadedStylesheets } from '@/components/panel/stylesheets';
// Built into a stylesheet that panel.html preloads (scripts/panel-early-paint.ts), applied below.
import '@/components/styles.css';

// The entry is small and has no React: it asks the background for the first screen at once, and
// the current step is painted from its first answer (components/panel/first-paint.ts) while React
// and the panel (imported below) are still loading and compiling. The script is `async` (index.html):
// it runs as soon as it has loaded. The paint is drawn with its own few rules, in the page at once;
// the whole stylesheet is applied without blocking it, and React renders only once that has loaded.
const removeEarlyPaintRules = addEarlyPaintRules(earlyPaintCss);
const stylesheets = applyPreloadedStylesheets();
const parsed = new Promise<HTMLElement>((resolve) => {
  const root = () => resolve(document.getElementById('root')!);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', root, { once: true });
  else root();
});
const firstPaint = prefetchFirstScreen(parsed);

// React's chunks are loaded once that paint is on screen: evaluating them holds this thread, and the
// paint with it (it came ~50 ms after it was drawn). Not later than LOAD_REACT_AFTER_MS, though: when
// the first answer is slow (the background was asleep), the load overlaps the wait as before.
const LOAD_REACT_AFTER_MS = 60;
const react = Promise.race([firstPaint, new Promise((resolve) => setTimeout(resolve, LOAD_REACT_AFTER_MS))]).then(() => import('./mount'));

void Promise.all([react, parsed, firstPaint, stylesheets]).then(([{ mountPanel }, root]) => {
  // The whole stylesheet holds the same rules.
  removeEarlyPaintRules();
  mountPanel(root);
});

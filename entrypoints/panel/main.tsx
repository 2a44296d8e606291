import { prefetchFirstScreen } from '@/components/panel/boot';
// In the page's head (not loaded with React): the first paint below is drawn with it.
import '@/components/styles.css';

// The entry is small and has no React: it asks the background for the first screen at once, and
// the current step is painted from its first answer (components/panel/first-paint.ts) while React
// and the panel (imported below) are still loading and compiling. The script is `async` (index.html):
// it runs as soon as it has loaded, not after the stylesheet, so its questions leave that much
// earlier; the paint still waits for the stylesheet (it blocks rendering), so nothing shows unstyled.
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

void Promise.all([react, parsed, firstPaint]).then(([{ mountPanel }, root]) => mountPanel(root));

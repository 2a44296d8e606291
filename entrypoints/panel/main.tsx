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

void Promise.all([import('./mount'), parsed, firstPaint]).then(([{ mountPanel }, root]) => mountPanel(root));

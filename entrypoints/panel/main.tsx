import { prefetchFirstScreen } from '@/components/panel/boot';
// In the page's head (not loaded with React): the first paint below is drawn with it.
import '@/components/styles.css';

// The entry is small and has no React: it asks the background for the first screen at once, and
// the answers come in while React and the panel (imported below) are still loading and compiling;
// the current step is painted from them meanwhile (components/panel/first-paint.ts).
const root = document.getElementById('root')!;
const firstPaint = prefetchFirstScreen(root);

void Promise.all([import('./mount'), firstPaint]).then(([{ mountPanel }]) => mountPanel(root));

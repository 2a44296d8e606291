import { prefetchFirstScreen } from '@/components/panel/boot';

// The entry is small and has no React: it asks the background for the first screen at once, and
// the answers come in while React and the panel (imported below) are still loading and compiling.
prefetchFirstScreen();

void import('./mount').then(({ mountPanel }) => mountPanel(document.getElementById('root')!));

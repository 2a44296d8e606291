import { prefetchFirstScreen } from '@/components/panel/boot';

// Imported first by main.tsx, so it runs before React DOM and the panel's components are evaluated:
// the background answers while they are.
prefetchFirstScreen();

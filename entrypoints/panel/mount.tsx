import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PanelApp } from '@/components/panel/panel-app';

/** The panel's React tree, loaded by main.tsx once it has asked for the first screen. */
export function mountPanel(root: HTMLElement): void {
  // For the bench's breakdown of "panel ready": React and the panel are loaded and evaluated.
  performance.mark('convops:mount');
  createRoot(root).render(
    <StrictMode>
      <PanelApp />
    </StrictMode>,
  );
}

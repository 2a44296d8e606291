import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PanelApp } from '@/components/panel/panel-app';
import '@/components/styles.css';

/** The panel's React tree, loaded by main.tsx once it has asked for the first screen. */
export function mountPanel(root: HTMLElement): void {
  createRoot(root).render(
    <StrictMode>
      <PanelApp />
    </StrictMode>,
  );
}

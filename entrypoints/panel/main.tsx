import './prefetch';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PanelApp } from '@/components/panel/panel-app';
import '@/components/styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PanelApp />
  </StrictMode>,
);

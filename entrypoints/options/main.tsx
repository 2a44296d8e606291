import { createRoot } from 'react-dom/client';
import { StrictMode } from 'react';
import { OptionsApp } from '@/components/options/options-app';
import '@/components/styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <OptionsApp />
  </StrictMode>,
);

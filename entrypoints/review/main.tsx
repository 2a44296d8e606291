import { createRoot } from 'react-dom/client';
import { StrictMode } from 'react';
import { ReviewApp } from '@/components/review/review-app';
import '@/components/styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ReviewApp />
  </StrictMode>,
);

import { createRoot } from 'react-dom/client';
import { StrictMode } from 'react';
import '../../components/styles.css';

function OptionsApp() {
  return (
    <main data-testid="convops-options" className="p-6">
      <h1 className="text-xl font-semibold">ConvOps</h1>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <OptionsApp />
  </StrictMode>,
);

import { createRoot } from 'react-dom/client';
import { StrictMode } from 'react';
import '../../components/styles.css';

function PanelApp() {
  return <div data-testid="convops-panel" className="p-3 text-sm">ConvOps</div>;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PanelApp />
  </StrictMode>,
);

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startAppLink } from '../client/app-link';
import { App } from './App';
import './app.css';

export function mount(): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root');
  // After App's module has registered the tab: the address is applied before the first render.
  startAppLink();
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

import { startApp } from './client/app-client';

// The worker (and with it the MNIST download) starts before React and the UI are even parsed;
// the UI arrives as its own chunk.
startApp();
// Offline and installable: the service worker registers once the page has loaded.
import('./client/pwa')
  .then(({ startServiceWorker }) => startServiceWorker())
  .catch(() => undefined);
import('./ui/mount')
  .then(({ mount }) => mount())
  .catch((error: unknown) => {
    // Without the UI chunk there is no React to say it: plain DOM, and a way to try again.
    const root = document.getElementById('root');
    if (!root) return;
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.textContent = `The page could not be loaded completely (${String(error)}). Check the connection and reload.`;
    root.replaceChildren(p);
  });

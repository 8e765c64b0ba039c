/// <reference types="vite-plugin-pwa/client" />
/**
 * Registers the service worker (src/sw/sw.ts) once the page has loaded, and passes on what it
 * reports: offline-ready after the first visit, a new version waiting. On a static host the
 * first load is not cross-origin isolated (no COOP/COEP): when the new worker takes control,
 * the page reloads once, now served by it with those headers.
 */
import { registerSW } from 'virtual:pwa-register';
import { usePwaStore } from '../state/pwa-store';

const RELOADED_KEY = 'diffusion-playground.isolation-reload';
/** Carries "works offline now" over the reload for isolation, which would swallow it. */
const OFFLINE_READY_KEY = 'diffusion-playground.offline-ready';

function session(action: (storage: Storage) => void): void {
  try {
    action(sessionStorage);
  } catch {
    // Storage blocked: the news is only shown, not carried over a reload.
  }
}

function reloadOnceForIsolation(): void {
  if (globalThis.crossOriginIsolated) return;
  try {
    // Once per tab: a worker that cannot isolate the page must not reload it forever.
    if (sessionStorage.getItem(RELOADED_KEY)) return;
    sessionStorage.setItem(RELOADED_KEY, '1');
    if (usePwaStore.getState().offlineReady) sessionStorage.setItem(OFFLINE_READY_KEY, '1');
  } catch {
    return;
  }
  location.reload();
}

export function startServiceWorker(): void {
  // Absent in some private windows and when disabled: the app works, online and single-threaded.
  const container = (navigator as { serviceWorker?: ServiceWorkerContainer }).serviceWorker;
  if (!container || !window.isSecureContext) return;
  container.addEventListener('controllerchange', reloadOnceForIsolation);
  session((s) => {
    if (s.getItem(OFFLINE_READY_KEY) === null) return;
    s.removeItem(OFFLINE_READY_KEY);
    usePwaStore.getState().setOfflineReady();
  });
  const update = registerSW({
    onOfflineReady: () => usePwaStore.getState().setOfflineReady(),
    onNeedRefresh: () => usePwaStore.getState().setUpdateReady(() => void update(true)),
  });
}

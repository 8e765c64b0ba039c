import { create } from 'zustand';

/** What the service worker (src/sw/sw.ts, registered by client/pwa.ts) has told the page. */
interface PwaState {
  /** The whole app is stored in this browser: it reloads and runs with the network off. */
  offlineReady: boolean;
  /** A new version is installed and waits for this page's consent to take over. */
  updateReady: boolean;
  /** Hands over to the new version and reloads (set once it is known). */
  applyUpdate: () => void;
  setOfflineReady: () => void;
  setUpdateReady: (apply: () => void) => void;
  dismissOfflineReady: () => void;
}

export const usePwaStore = create<PwaState>((set) => ({
  offlineReady: false,
  updateReady: false,
  applyUpdate: () => undefined,
  setOfflineReady: () => set({ offlineReady: true }),
  setUpdateReady: (apply) => set({ updateReady: true, applyUpdate: apply }),
  dismissOfflineReady: () => set({ offlineReady: false }),
}));

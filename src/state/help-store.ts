import { create } from 'zustand';

/** localStorage key: the first-visit tour was finished or skipped, so it does not start again. */
export const TOUR_SEEN_KEY = 'diffusion-playground.tour-seen';

function tourSeen(): boolean {
  try {
    return localStorage.getItem(TOUR_SEEN_KEY) !== null;
  } catch {
    // Storage blocked (privacy mode): show the tour, it cannot be remembered anyway.
    return false;
  }
}

interface HelpState {
  /** The glossary is open, scrolled to this entry (null: at the top). */
  glossary: { readonly entry: string | null } | null;
  /** Index of the tour step on screen; null when the tour is closed. */
  tourStep: number | null;
  openGlossary: (entry?: string) => void;
  closeGlossary: () => void;
  startTour: () => void;
  setTourStep: (step: number) => void;
  /** Closes the tour and remembers that it was seen. */
  endTour: () => void;
}

export const useHelpStore = create<HelpState>((set) => ({
  glossary: null,
  tourStep: tourSeen() ? null : 0,
  openGlossary: (entry) => set({ glossary: { entry: entry ?? null } }),
  closeGlossary: () => set({ glossary: null }),
  startTour: () => set({ tourStep: 0 }),
  setTourStep: (step) => set({ tourStep: step }),
  endTour: () => {
    try {
      localStorage.setItem(TOUR_SEEN_KEY, new Date().toISOString());
    } catch {
      // Not remembered: the tour starts again next visit, which is harmless.
    }
    set({ tourStep: null });
  },
}));

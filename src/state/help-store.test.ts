import { afterEach, describe, expect, it, vi } from 'vitest';

/** A Map-backed localStorage, as the page has it. */
function fakeStorage(initial: Record<string, string> = {}): Storage {
  const map = new Map(Object.entries(initial));
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, v),
  };
}

async function freshStore(storage: Storage) {
  vi.resetModules();
  vi.stubGlobal('localStorage', storage);
  return import('./help-store');
}

afterEach(() => vi.unstubAllGlobals());

describe('help store', () => {
  it('starts the tour on a first visit and remembers when it ends', async () => {
    const storage = fakeStorage();
    const { useHelpStore, TOUR_SEEN_KEY } = await freshStore(storage);
    expect(useHelpStore.getState().tourStep).toBe(0);
    useHelpStore.getState().setTourStep(3);
    useHelpStore.getState().endTour();
    expect(useHelpStore.getState().tourStep).toBeNull();
    expect(storage.getItem(TOUR_SEEN_KEY)).not.toBeNull();
    // The next visit does not start it; the header's Tour does.
    const next = await freshStore(storage);
    expect(next.useHelpStore.getState().tourStep).toBeNull();
    next.useHelpStore.getState().startTour();
    expect(next.useHelpStore.getState().tourStep).toBe(0);
  });

  it('shows the tour when storage is blocked, without failing', async () => {
    const blocked = fakeStorage();
    blocked.getItem = () => {
      throw new Error('SecurityError');
    };
    blocked.setItem = blocked.getItem;
    const { useHelpStore } = await freshStore(blocked);
    expect(useHelpStore.getState().tourStep).toBe(0);
    expect(() => useHelpStore.getState().endTour()).not.toThrow();
    expect(useHelpStore.getState().tourStep).toBeNull();
  });

  it('opens the glossary at an entry and closes it', async () => {
    const { useHelpStore } = await freshStore(fakeStorage());
    useHelpStore.getState().openGlossary('kid');
    expect(useHelpStore.getState().glossary).toEqual({ entry: 'kid' });
    useHelpStore.getState().openGlossary();
    expect(useHelpStore.getState().glossary).toEqual({ entry: null });
    useHelpStore.getState().closeGlossary();
    expect(useHelpStore.getState().glossary).toBeNull();
  });
});

/** The autosaved model in IndexedDB (idb-keyval), readable after a page reload. */
import { del, get, set } from 'idb-keyval';

const KEY = 'diffusion-playground/autosave';

export async function saveAutosave(bytes: Uint8Array): Promise<void> {
  try {
    await set(KEY, bytes);
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    if (name === 'QuotaExceededError') {
      throw new Error(
        'Autosave failed: the browser storage for this site is full. Download the model to keep it.',
        { cause: error },
      );
    }
    throw new Error(`Autosave failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

export async function loadAutosave(): Promise<Uint8Array | null> {
  const value: unknown = await get(KEY);
  return value instanceof Uint8Array ? value : null;
}

export async function clearAutosave(): Promise<void> {
  await del(KEY);
}

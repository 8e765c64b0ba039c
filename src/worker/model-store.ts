/**
 * The autosaved model in IndexedDB (idb-keyval), readable after a page reload. Storage degrades,
 * never blocks: without IndexedDB (private windows, some settings) everything works in memory
 * and the header says autosave is off. One tab at a time owns the autosave (a Web Lock), so two
 * tabs never overwrite each other's model; another tab takes it over when the owner closes.
 */
import { del, get, set } from 'idb-keyval';
import type { StorageStatus } from '../shared/protocol';

const KEY = 'diffusion-playground/autosave';
const LOCK = 'diffusion-playground/autosave-owner';
const LOCK_WAIT_MS = 1500;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ModelStore {
  private status: StorageStatus = { autosave: 'on', reason: null };
  private readonly ready: Promise<void>;

  /** `onStatus` hears every change (off, or taken over from a closed tab). */
  constructor(private readonly onStatus: (status: StorageStatus, tookOver: boolean) => void) {
    // Not synchronously: the owner may still be under construction when the first status comes.
    this.ready = Promise.resolve().then(() => this.start());
  }

  private setStatus(status: StorageStatus, tookOver = false): void {
    this.status = status;
    this.onStatus(status, tookOver);
  }

  private async start(): Promise<void> {
    try {
      await get(KEY);
    } catch (error) {
      this.setStatus({
        autosave: 'off',
        reason: `this browser window has no usable IndexedDB (${describe(error)}); the model lives in memory: download it to keep it`,
      });
      return;
    }
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    if (!locks) {
      this.setStatus({ autosave: 'on', reason: null });
      return;
    }
    // A reloading tab's old page may still hold the lock for a moment: wait that long for it.
    const owned = await new Promise<boolean>((resolve) => {
      locks
        .request(LOCK, { signal: AbortSignal.timeout(LOCK_WAIT_MS) }, () => {
          resolve(true);
          // Held for the tab's life: the promise never settles.
          return new Promise<void>(() => undefined);
        })
        .catch(() => resolve(false));
    });
    if (owned) {
      this.setStatus({ autosave: 'on', reason: null });
      return;
    }
    this.setStatus({
      autosave: 'off',
      reason:
        'another tab of the playground holds the autosave; this tab keeps its model in memory (download it to keep it) and takes the autosave over when that tab closes',
    });
    void locks.request(LOCK, () => {
      this.setStatus({ autosave: 'on', reason: null }, true);
      return new Promise<void>(() => undefined);
    });
  }

  async current(): Promise<StorageStatus> {
    await this.ready;
    return this.status;
  }

  /** Writes the autosave; false when autosave is off (nothing written, nothing thrown). */
  async save(bytes: Uint8Array): Promise<boolean> {
    if ((await this.current()).autosave === 'off') return false;
    try {
      await set(KEY, bytes);
      return true;
    } catch (error) {
      const name = error instanceof DOMException ? error.name : '';
      if (name === 'QuotaExceededError') {
        throw new Error(
          'Autosave failed: the browser storage for this site is full. Download the model to keep it.',
          { cause: error },
        );
      }
      throw new Error(`Autosave failed: ${describe(error)}`, { cause: error });
    }
  }

  /** The autosaved model, also for a tab that does not own it (it only reads); null if none. */
  async load(): Promise<Uint8Array | null> {
    await this.ready;
    try {
      const value: unknown = await get(KEY);
      return value instanceof Uint8Array ? value : null;
    } catch {
      return null;
    }
  }

  /** Removes the autosave, only where this tab owns it. */
  async clear(): Promise<void> {
    if ((await this.current()).autosave === 'off') return;
    try {
      await del(KEY);
    } catch {
      // Nothing to keep consistent: a stale autosave is replaced by the next save.
    }
  }
}

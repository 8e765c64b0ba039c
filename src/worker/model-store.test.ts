import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StorageStatus } from '../shared/protocol';
import { ModelStore } from './model-store';

/** IndexedDB as idb-keyval sees it, in memory; `broken` is a browser window without it. */
const db = vi.hoisted(() => ({ values: new Map<string, unknown>(), broken: false }));
vi.mock('idb-keyval', () => {
  const check = () => {
    if (db.broken) throw new Error('indexedDB is not defined');
  };
  return {
    get: (key: string) => Promise.resolve().then(() => (check(), db.values.get(key))),
    set: (key: string, value: unknown) =>
      Promise.resolve().then(() => (check(), void db.values.set(key, value))),
    del: (key: string) => Promise.resolve().then(() => (check(), void db.values.delete(key))),
  };
});

type Grant = () => Promise<void>;

/** Web Locks shared by the tabs of one browser: a tab's locks go when it closes. */
class Browser {
  private holder: string | null = null;
  private waiting: { tab: string; grant: Grant }[] = [];

  locksFor(tab: string) {
    const request = (
      _name: string,
      optionsOrGrant: { signal?: AbortSignal } | Grant,
      maybeGrant?: Grant,
    ): Promise<void> => {
      const grant = (maybeGrant ?? optionsOrGrant) as Grant;
      const signal = maybeGrant ? (optionsOrGrant as { signal?: AbortSignal }).signal : undefined;
      if (this.holder === null) {
        this.holder = tab;
        return grant();
      }
      return new Promise((resolve, reject) => {
        const entry = { tab, grant: () => grant().then(resolve, reject) };
        this.waiting.push(entry);
        signal?.addEventListener('abort', () => {
          this.waiting = this.waiting.filter((w) => w !== entry);
          reject(new DOMException('aborted', 'AbortError'));
        });
      });
    };
    return { request };
  }

  close(tab: string): void {
    this.waiting = this.waiting.filter((w) => w.tab !== tab);
    if (this.holder !== tab) return;
    const next = this.waiting.shift();
    this.holder = next?.tab ?? null;
    void next?.grant();
  }
}

function openTab(browser: Browser, tab: string) {
  const heard: { status: StorageStatus; tookOver: boolean }[] = [];
  vi.stubGlobal('navigator', { locks: browser.locksFor(tab) });
  const store = new ModelStore((status, tookOver) => heard.push({ status, tookOver }));
  return { store, heard };
}

const bytes = (n: number) => Uint8Array.from([n, n, n]);

describe('the autosave store', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    db.values.clear();
    db.broken = false;
  });

  it('a second tab never writes or deletes the first tab’s autosave, and takes it over when that one closes', async () => {
    const browser = new Browser();
    const a = openTab(browser, 'a');
    expect(await a.store.current()).toEqual({ autosave: 'on', reason: null });
    expect(await a.store.save(bytes(1))).toBe(true);

    // The second tab waits for the lock as long as a reloading page may hold it, then reads only.
    const b = openTab(browser, 'b');
    const status = await b.store.current();
    expect(status.autosave).toBe('off');
    expect(status.reason).toContain('another tab of the playground holds the autosave');
    expect(await b.store.load()).toEqual(bytes(1));
    expect(await b.store.save(bytes(2))).toBe(false);
    await b.store.clear();
    expect(db.values.get('diffusion-playground/autosave')).toEqual(bytes(1));

    browser.close('a');
    await vi.waitFor(() => expect(b.heard.at(-1)?.tookOver).toBe(true));
    expect(await b.store.save(bytes(2))).toBe(true);
    expect(await b.store.load()).toEqual(bytes(2));
  });

  it('without IndexedDB the autosave is off, saying why, and nothing throws', async () => {
    db.broken = true;
    const { store } = openTab(new Browser(), 'private');
    const status = await store.current();
    expect(status.autosave).toBe('off');
    expect(status.reason).toContain('no usable IndexedDB (indexedDB is not defined)');
    expect(await store.save(bytes(1))).toBe(false);
    expect(await store.load()).toBeNull();
  });
});

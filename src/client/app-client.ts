/**
 * Starts the worker and wires its status messages into the store. The UI calls the actions
 * exported here; it never talks to the worker directly.
 */
import { useAppStore } from '../state/store';
import {
  isBackendName,
  parseFaults,
  type BackendName,
  type FromWorkerOf,
} from '../shared/protocol';
import { loadDecision, saveDecision } from './backend-memory';
import { startDataSetClient } from './dataset-client';
import { takeStartingDigit } from './digit-link';
import { startForwardController } from './forward-controller';
import { startSampleClient } from './sample-client';
import { startTrainClient } from './train-client';
import { startWorker, type WorkerClient } from './worker-client';

let client: WorkerClient | null = null;

function forcedBackendFromUrl(): string | null {
  return new URLSearchParams(window.location.search).get('backend');
}

export function startApp(): void {
  if (client) return;
  const c = startWorker();
  client = c;
  const store = useAppStore.getState();
  c.on('backend/loading', (m) => store.setBackend({ status: 'loading', attempts: m.attempts }));
  c.on('backend/measuring', (m) => {
    const now = useAppStore.getState().backend;
    store.setBackend({
      status: 'loading',
      attempts: now.status === 'ready' ? [] : now.attempts,
      measuring: m.backend,
    });
  });
  c.on('backend/ready', (m) => {
    performance.mark('dp:backend-ready', { detail: m.backend });
    if (m.decision && !m.fromMemory) saveDecision(m.decision);
    const { type: _type, ...ready } = m;
    store.setBackend({ status: 'ready', ...ready });
  });
  c.on('backend/failed', (m) => store.setBackend({ status: 'failed', attempts: m.attempts }));
  c.on('backend/lost', (m) => {
    store.notify('error', m.message);
    store.setBackend({ status: 'loading', attempts: [] });
  });
  c.on('data/ready', (m) => {
    performance.mark('dp:data-ready', { detail: m.ms });
    store.setData({ status: 'ready', count: m.count, perClass: m.perClass });
    if (!useAppStore.getState().x0) {
      const digit = takeStartingDigit();
      void pickDigit(digit.label, digit.index);
    }
  });
  c.on('data/failed', (m) => {
    store.setData({ status: 'failed', message: m.message });
    store.notify('error', m.message);
  });
  c.on('error', (m) => store.notify('error', m.message));
  c.on('storage/status', (m) => store.setStorage(m.status));
  // Leaving or hiding the page saves unsaved training steps ("hidden" comes earlier and more
  // reliably than "pagehide"; on its own either is best effort, see beforeunload below).
  const saveNow = () => c.send({ type: 'train/save-now' });
  window.addEventListener('pagehide', saveNow);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') saveNow();
  });
  // Leaving while a run trains asks first (the browser's own "Leave site?"): a worker cannot be
  // trusted to finish an IndexedDB write once the page unloads, but the save starts here, so
  // staying a moment — or leaving after a second — keeps every step (pausing saves too).
  window.addEventListener('beforeunload', (event) => {
    if (useAppStore.getState().trainStatus !== 'running') return;
    saveNow();
    event.preventDefault();
  });
  startForwardController(c);
  startTrainClient(c);
  startSampleClient(c);
  startDataSetClient(c, (label, index) => void pickDigit(label, index));

  const requested = forcedBackendFromUrl();
  if (requested !== null && !isBackendName(requested)) {
    store.notify(
      'error',
      `Unknown backend "${requested}" in the URL; use webgpu, webgl, wasm or cpu.`,
    );
  }
  const { faults, unknown } = parseFaults(new URLSearchParams(window.location.search).get('fault'));
  if (unknown.length > 0) {
    store.notify(
      'error',
      `Unknown fault "${unknown.join(', ')}" in the URL; use nan-loss@STEP, device-loss@STEP or no-storage.`,
    );
  }
  c.send({
    type: 'init',
    forcedBackend: isBackendName(requested) ? requested : null,
    rememberedBackend: loadDecision(),
    faults,
  });
}

/**
 * The header's backend menu. The URL says what was picked (?backend=), as a link to this state
 * would; "auto" measures again and takes the fastest.
 */
export function pickBackend(choice: BackendName | 'auto'): void {
  const url = new URL(window.location.href);
  if (choice === 'auto') url.searchParams.delete('backend');
  else url.searchParams.set('backend', choice);
  window.history.replaceState(window.history.state, '', url);
  useAppStore.getState().setBackend({ status: 'loading', attempts: [] });
  need().send({ type: 'backend/choose', choice });
}

function need(): WorkerClient {
  if (!client) throw new Error('the app has not started');
  return client;
}

function report(error: unknown): void {
  useAppStore.getState().notify('error', error instanceof Error ? error.message : String(error));
}

export async function pickDigit(label: number | null, index: number | null): Promise<void> {
  try {
    const digit = await need().request<FromWorkerOf<'data/digit'>>({
      type: 'data/pick',
      label,
      index,
    });
    useAppStore
      .getState()
      .setX0(digit.pixels, { kind: 'mnist', label: digit.label, index: digit.index });
  } catch (error) {
    report(error);
  }
}

/** Decodes in the worker; on failure the current x0 stays and the learner reads why. */
export async function loadImageFile(file: File): Promise<boolean> {
  try {
    const decoded = await need().request<FromWorkerOf<'image/decoded'>>({
      type: 'image/decode',
      file,
      name: file.name,
    });
    useAppStore.getState().setX0(decoded.pixels, { kind: 'upload', name: file.name });
    useAppStore.getState().dismissNotice();
    return true;
  } catch (error) {
    report(error);
    return false;
  }
}

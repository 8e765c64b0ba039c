/**
 * Registers tfjs' WebAssembly backend with the binaries Vite copied into the build and starts it
 * on as many threads as the page allows. The threaded SIMD build shares its memory with its
 * pthread workers through a SharedArrayBuffer, which browsers hand only to cross-origin isolated
 * pages (COOP + COEP, sent by the server or added by the service worker index.html registers).
 * Anywhere else it runs on one thread, and says why.
 */
import type * as TfCore from '@tensorflow/tfjs-core';

export interface WasmThreadInfo {
  /** Threads XNNPACK computes on, this worker's own included. */
  readonly threads: number;
  /** Why only one, in words for the page's header; null when there are more. */
  readonly note: string | null;
}

/** tfjs' C++ takes at most 8 threads, the pthread workers its build starts with the module. */
const PTHREAD_POOL = 8;
/** The threaded start normally takes well under a second; a stuck one falls back to one thread. */
const THREADED_START_MS = 10_000;

let info: WasmThreadInfo | null = null;
let registering: Promise<WasmThreadInfo> | null = null;

/** Threads of the wasm backend once registerWasm has run; null before. */
export function wasmThreadInfo(): WasmThreadInfo | null {
  return info;
}

/**
 * Sets the binaries' paths and the thread count. With threads it also starts the backend, to learn
 * the count XNNPACK took and to fall back to the one-thread build when the threaded one fails.
 * Idempotent: the backend menu can ask for wasm again. `oneThread`: why this worker wants the
 * one-thread build even where threads are possible (null: as many threads as the page allows).
 */
export function registerWasm(
  tf: typeof TfCore,
  oneThread: string | null = null,
): Promise<WasmThreadInfo> {
  registering ??= setUp(tf, oneThread).then(
    (result) => (info = result),
    (error: unknown) => {
      registering = null;
      throw error;
    },
  );
  return registering;
}

async function setUp(tf: typeof TfCore, oneThreadWhy: string | null): Promise<WasmThreadInfo> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const { wasmPaths } = await import('./wasm-paths');
  wasm.setWasmPaths(wasmPaths);
  const blocker = oneThreadWhy ?? (await singleThreadReason(tf));
  if (blocker !== null) return oneThread(tf, blocker);
  // tfjs' default, half the logical cores, is one thread on a 2-core machine; the build lifts
  // that cap (vite.config.ts), so the count asked for here is the count XNNPACK takes.
  wasm.setThreadsCount(Math.min(cores(), PTHREAD_POOL));
  const failure = await startThreaded(tf);
  if (failure !== null) return oneThread(tf, `the threaded build did not start (${failure})`);
  const threads = wasm.getThreadsCount();
  return { threads, note: threads > 1 ? null : 'one thread: XNNPACK took one' };
}

function cores(): number {
  return globalThis.navigator?.hardwareConcurrency ?? 1;
}

async function singleThreadReason(tf: typeof TfCore): Promise<string | null> {
  if (globalThis.crossOriginIsolated !== true) return 'this page is not cross-origin isolated';
  if (cores() < 2) return 'the browser reports one CPU core';
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')))
    return 'the threaded build needs WebAssembly SIMD, which this browser lacks';
  if (!(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')))
    return 'this browser has no WebAssembly threads';
  return null;
}

function oneThread(tf: typeof TfCore, why: string): WasmThreadInfo {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  return { threads: 1, note: `one thread: ${why}` };
}

/** null once the threaded backend runs, else what went wrong. */
async function startThreaded(tf: typeof TfCore): Promise<string | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`no answer in ${THREADED_START_MS / 1000} s`),
      THREADED_START_MS,
    );
  });
  const started = tf.setBackend('wasm').then(
    (ok) => (ok ? null : 'it failed to initialise'),
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  try {
    return await Promise.race([started, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Picks the tfjs backend: the first of webgpu → webgl → wasm → cpu (or the one forced with
 * ?backend=) that initialises AND computes a tiny known result correctly. tfjs-core and each
 * backend are imported lazily so the worker answers data and forward requests while this runs.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type { BackendAttempt, BackendName } from '../shared/protocol';
import { BACKENDS } from '../shared/protocol';

type Tf = typeof TfCore;

const ATTEMPT_TIMEOUT_MS = 20_000;

export interface ChosenBackend {
  readonly tf: Tf;
  readonly backend: BackendName;
  readonly attempts: BackendAttempt[];
}

class BackendUnavailable extends Error {}

async function webgpuAdapterCheck(): Promise<void> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) throw new BackendUnavailable('WebGPU: not in this browser (navigator.gpu is missing)');
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new BackendUnavailable('WebGPU: no adapter (requestAdapter() returned null)');
}

async function register(tf: Tf, backend: BackendName): Promise<void> {
  switch (backend) {
    case 'webgpu':
      await webgpuAdapterCheck();
      await import('@tensorflow/tfjs-backend-webgpu');
      return;
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      return;
    case 'wasm': {
      const { registerWasm } = await import('./wasm-setup');
      await registerWasm(tf);
      return;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
    default: {
      const never: never = backend;
      throw new Error(`unknown backend ${String(never)}`);
    }
  }
}

/** matMul and conv2d on fixed inputs; a backend that initialises but computes garbage is skipped. */
async function selfCheck(tf: Tf): Promise<void> {
  const [mm, conv] = tf.tidy(() => {
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const b = tf.tensor2d([5, 6, 7, 8], [2, 2]);
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const w = tf.tensor4d([1, 1, 1, 1], [2, 2, 1, 1]);
    return [tf.matMul(a, b), tf.conv2d(x, w, 1, 'valid')];
  });
  try {
    const got = [...(await mm.data()), ...(await conv.data())];
    const want = [19, 22, 43, 50, 12, 16, 24, 28];
    const bad = want.some((v, i) => !(Math.abs((got[i] ?? NaN) - v) <= 1e-4 * Math.abs(v)));
    if (bad) throw new BackendUnavailable(`self-check failed: got [${got.join(', ')}]`);
  } finally {
    mm.dispose();
    conv.dispose();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new BackendUnavailable(`${what} timed out after ${ms} ms`)),
      ms,
    );
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

async function tryBackend(tf: Tf, backend: BackendName): Promise<void> {
  await register(tf, backend);
  const ok = await tf.setBackend(backend);
  // setBackend returns false instead of throwing when initialisation fails (DESIGN.md §2).
  if (!ok || tf.getBackend() !== backend) throw new BackendUnavailable('initialisation failed');
  await selfCheck(tf);
}

function describeFailure(backend: BackendName, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = backend === 'webgpu' ? 'WebGPU' : backend;
  return message.startsWith(prefix) ? message : `${prefix}: ${message}`;
}

export function backendOrder(forced: BackendName | null): BackendName[] {
  return forced ? [forced, ...BACKENDS.filter((b) => b !== forced)] : [...BACKENDS];
}

export async function chooseBackend(
  forced: BackendName | null,
  onAttempt: (attempts: readonly BackendAttempt[]) => void,
): Promise<ChosenBackend> {
  const tf = await import('@tensorflow/tfjs-core');
  const attempts: BackendAttempt[] = [];
  for (const backend of backendOrder(forced)) {
    const start = performance.now();
    try {
      await withTimeout(tryBackend(tf, backend), ATTEMPT_TIMEOUT_MS, `${backend} start`);
      attempts.push({ backend, ok: true, reason: null, ms: performance.now() - start });
      return { tf, backend, attempts };
    } catch (error) {
      attempts.push({
        backend,
        ok: false,
        reason: describeFailure(backend, error),
        ms: performance.now() - start,
      });
      onAttempt(attempts);
    }
  }
  throw new Error(attempts.map((a) => a.reason).join('; '));
}

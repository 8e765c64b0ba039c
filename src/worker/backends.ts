/**
 * Picks the tfjs backend: the first of webgpu → webgl → wasm → cpu (or the one forced with
 * ?backend=) that initialises AND computes a tiny known result correctly. tfjs-core and each
 * backend are imported lazily so the worker answers data and forward requests while this runs.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import {
  decideBackend,
  isSoftwareRenderer,
  rememberedFor,
  type BackendDecision,
  type BackendProbe,
} from '../shared/backend-choice';
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

/** What each GPU backend runs on, as the browser names it (null where it does not say). */
const devices: Partial<Record<BackendName, { device: string | null; software: boolean }>> = {};

export function deviceOf(backend: BackendName): { device: string | null; software: boolean } {
  return devices[backend] ?? { device: null, software: false };
}

async function webgpuAdapterCheck(): Promise<void> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) throw new BackendUnavailable('WebGPU: not in this browser (navigator.gpu is missing)');
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new BackendUnavailable('WebGPU: no adapter (requestAdapter() returned null)');
  // `info` is the current field; older browsers have requestAdapterInfo() or nothing.
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const named = [info?.vendor, info?.architecture, info?.device, info?.description]
    .filter((s) => typeof s === 'string' && s !== '')
    .join(' ');
  const fallback =
    (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
    (info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined)?.isFallbackAdapter ===
      true;
  devices.webgpu = {
    device: named === '' ? null : named,
    software: fallback || isSoftwareRenderer(named),
  };
}

/** WebGL's unmasked renderer ("ANGLE (…SwiftShader…)", "llvmpipe"), read on a scratch context. */
function webglRenderer(): void {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    const name = gl && ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : null;
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
    devices.webgl = { device: name, software: isSoftwareRenderer(name) };
  } catch {
    devices.webgl = { device: null, software: false };
  }
}

async function register(tf: Tf, backend: BackendName): Promise<void> {
  switch (backend) {
    case 'webgpu':
      await webgpuAdapterCheck();
      await import('@tensorflow/tfjs-backend-webgpu');
      return;
    case 'webgl':
      webglRenderer();
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
  // setBackend returns false instead of throwing when initialisation fails (docs/ARCHITECTURE.md, "Measured on these machines").
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

/** Bounds on the probe's first and timed sampling step, by what the backend runs on. */
const PROBE_DEADLINE_MS = { cpuSide: 20_000, softwareGpu: 3_000, gpu: 15_000 };
/** WebAssembly first: it is quick to measure, and the yardstick the GPUs must beat. */
const PROBE_ORDER: readonly BackendName[] = ['wasm', 'webgpu', 'webgl'];

export interface MeasuredBackend extends ChosenBackend {
  readonly decision: BackendDecision;
  /** The decision was remembered from an earlier visit with the same browser and GPU. */
  readonly fromMemory: boolean;
}

function fingerprint(started: readonly BackendName[]): string {
  const nav = globalThis.navigator as Navigator | undefined;
  const gpu = (b: BackendName) => (started.includes(b) ? (deviceOf(b).device ?? '?') : '-');
  return [
    nav?.userAgent ?? '',
    `cores=${nav?.hardwareConcurrency ?? 0}`,
    `isolated=${String(globalThis.crossOriginIsolated === true)}`,
    `webgpu=${gpu('webgpu')}`,
    `webgl=${gpu('webgl')}`,
  ].join('|');
}

/**
 * Starts every backend that can, then trains and samples on the fastest by measurement (or by
 * the remembered decision for this browser and GPU). CPU only when nothing else starts.
 */
export async function chooseFastestBackend(
  remembered: BackendDecision | null,
  onAttempt: (attempts: readonly BackendAttempt[]) => void,
  onProbe: (backend: BackendName) => void,
): Promise<MeasuredBackend> {
  const tf = await import('@tensorflow/tfjs-core');
  const attempts: BackendAttempt[] = [];
  const started: BackendName[] = [];
  for (const backend of ['webgpu', 'webgl', 'wasm', 'cpu'] as const) {
    if (backend === 'cpu' && started.length > 0) break;
    const start = performance.now();
    try {
      await withTimeout(tryBackend(tf, backend), ATTEMPT_TIMEOUT_MS, `${backend} start`);
      attempts.push({ backend, ok: true, reason: null, ms: performance.now() - start });
      started.push(backend);
    } catch (error) {
      const reason = describeFailure(backend, error);
      attempts.push({ backend, ok: false, reason, ms: performance.now() - start });
      onAttempt(attempts);
    }
  }
  if (started.length === 0) throw new Error(attempts.map((a) => a.reason).join('; '));
  const print = fingerprint(started);
  const known = rememberedFor(remembered, print, started);
  const probes: BackendProbe[] = [];
  if (!known) {
    // The model code loads only now, so the first forward frame never waits for it.
    const { probeBackend } = await import('./backend-probe');
    for (const backend of PROBE_ORDER.filter((b) => started.includes(b))) {
      onProbe(backend);
      await tf.setBackend(backend);
      const { device, software } = deviceOf(backend);
      const deadline =
        backend === 'wasm'
          ? PROBE_DEADLINE_MS.cpuSide
          : software
            ? PROBE_DEADLINE_MS.softwareGpu
            : PROBE_DEADLINE_MS.gpu;
      const times = await probeBackend(tf, backend, deadline);
      probes.push({ backend, software, device, ...times });
    }
  }
  const decision = known ?? decideBackend(probes, started, print);
  if (!(await tf.setBackend(decision.backend)))
    throw new Error(`${decision.backend} could not be set again`);
  return { tf, backend: decision.backend, attempts, decision, fromMemory: known !== null };
}

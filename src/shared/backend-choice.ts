/**
 * Choosing the tfjs backend by measured speed, not by order: a GPU backend that runs on a
 * software renderer (SwiftShader, llvmpipe — remote desktops, VMs, blocklisted laptops) can be
 * fifty times slower than WebAssembly on the same machine. Pure logic, so it is unit-tested on
 * fake timings and adapter descriptions; the worker measures, the page remembers.
 */
import { isBackendName, type BackendName } from './protocol';

/** What one backend did in the speed probe. */
export interface BackendProbe {
  readonly backend: BackendName;
  /** Median ms of a training step at PROBE_TRAIN_BATCH; null when not measured (see note). */
  readonly trainMs: number | null;
  /** ms of one sampling step (a forward pass) at PROBE_SAMPLE_BATCH; null when not measured. */
  readonly sampleMs: number | null;
  /** The GPU is emulated on the CPU. */
  readonly software: boolean;
  /** The adapter or renderer as the browser names it, when it says. */
  readonly device: string | null;
  /** Why a figure is missing ("a sampling step took over 3 s"). */
  readonly note: string | null;
}

export interface BackendDecision {
  /** The backend that trains and samples. */
  readonly backend: BackendName;
  /** Where sampling alone would be fastest (may differ; one backend runs both). */
  readonly fastestSampler: BackendName | null;
  readonly probes: readonly BackendProbe[];
  /** Browser, cores, isolation and GPU: a change of any of them measures again. */
  readonly fingerprint: string;
  readonly measuredAt: string;
}

export const PROBE_TRAIN_BATCH = 4;
export const PROBE_SAMPLE_BATCH = 16;

const SOFTWARE_RENDERERS =
  /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render|microsoft basic|mesa offscreen/i;

/** Whether an adapter or renderer description names a CPU emulation of a GPU. */
export function isSoftwareRenderer(description: string | null | undefined): boolean {
  return typeof description === 'string' && SOFTWARE_RENDERERS.test(description);
}

/** The fastest trainer wins; without any training figure, the first that started. */
export function decideBackend(
  probes: readonly BackendProbe[],
  started: readonly BackendName[],
  fingerprint: string,
  now: Date = new Date(),
): BackendDecision {
  const fastest = (key: 'trainMs' | 'sampleMs'): BackendName | null => {
    let best: BackendProbe | null = null;
    for (const p of probes) {
      const ms = p[key];
      if (ms === null || !Number.isFinite(ms)) continue;
      const bestMs = best?.[key];
      if (bestMs === undefined || bestMs === null || ms < bestMs) best = p;
    }
    return best?.backend ?? null;
  };
  const backend = fastest('trainMs') ?? started[0];
  if (backend === undefined) throw new Error('no backend started');
  return {
    backend,
    fastestSampler: fastest('sampleMs'),
    probes,
    fingerprint,
    measuredAt: now.toISOString(),
  };
}

const LABELS: Record<BackendName, string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly',
  cpu: 'plain JavaScript (CPU)',
};

export function backendLabel(backend: BackendName): string {
  return LABELS[backend];
}

export function formatSeconds(ms: number): string {
  return ms >= 10_000
    ? `${Math.round(ms / 1000)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${(ms / 1000).toFixed(2)} s`;
}

const RENDERER_NAMES: Record<string, string> = { swiftshader: 'SwiftShader' };

/** The emulator's own name ("SwiftShader"), not the driver's whole description. */
function softwareName(device: string | null): string | null {
  const found = device ? SOFTWARE_RENDERERS.exec(device)?.[0] : undefined;
  if (!found) return null;
  return RENDERER_NAMES[found.toLowerCase()] ?? found;
}

function probeFigure(p: BackendProbe): string {
  if (p.trainMs !== null) return `${formatSeconds(p.trainMs)}/step`;
  return p.note ?? 'not measured';
}

/**
 * One sentence for the header, e.g. "WebGPU here is a software renderer (SwiftShader): a
 * sampling step took over 3 s — training on WebAssembly, 0.21 s/step".
 */
export function describeDecision(d: BackendDecision): string {
  const chosen = d.probes.find((p) => p.backend === d.backend);
  const others = d.probes.filter((p) => p.backend !== d.backend);
  const why = others.map((p) => {
    const emulator = softwareName(p.device);
    const what = p.software
      ? `${LABELS[p.backend]} here is a software renderer${emulator ? ` (${emulator})` : ''}`
      : LABELS[p.backend];
    return `${what}: ${probeFigure(p)}`;
  });
  const mine = chosen?.trainMs != null ? `, ${formatSeconds(chosen.trainMs)}/step` : '';
  const head = `training on ${LABELS[d.backend]}${mine}`;
  const sampler =
    d.fastestSampler && d.fastestSampler !== d.backend
      ? ` (sampling alone would be faster on ${LABELS[d.fastestSampler]})`
      : '';
  return why.length > 0 ? `${why.join('; ')} — ${head}${sampler}` : `${head}${sampler}`;
}

/** A remembered decision applies while the browser, cores, isolation and GPU are the same. */
export function rememberedFor(
  remembered: BackendDecision | null,
  fingerprint: string,
  started: readonly BackendName[],
): BackendDecision | null {
  if (!remembered || remembered.fingerprint !== fingerprint) return null;
  return started.includes(remembered.backend) ? remembered : null;
}

const msOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
const textOrNull = (v: unknown) => v === null || typeof v === 'string';

function isProbe(value: unknown): value is BackendProbe {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    isBackendName(p['backend'] as string) &&
    msOrNull(p['trainMs']) &&
    msOrNull(p['sampleMs']) &&
    typeof p['software'] === 'boolean' &&
    textOrNull(p['device']) &&
    textOrNull(p['note'])
  );
}

/** Checks a decision read back from storage (it may be from an older version, or edited). */
export function parseDecision(value: unknown): BackendDecision | null {
  if (typeof value !== 'object' || value === null) return null;
  const d = value as Record<string, unknown>;
  const ok =
    isBackendName(d['backend'] as string) &&
    (d['fastestSampler'] === null || isBackendName(d['fastestSampler'] as string)) &&
    typeof d['fingerprint'] === 'string' &&
    typeof d['measuredAt'] === 'string' &&
    Array.isArray(d['probes']) &&
    d['probes'].every(isProbe);
  return ok ? (value as BackendDecision) : null;
}

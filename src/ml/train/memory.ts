/**
 * How much tensor memory a training step needs, and the micro-batch that keeps it within a limit.
 * No tfjs here: the page uses it to explain the setting.
 */
import type { PresetName } from '../../shared/train-protocol';

/**
 * Which formulation a step runs, which sets how many activations it keeps: our kernels
 * (ml/kernels: webgpu, wasm, cpu) save about half of what the tfjs-ops formulation (webgl) does.
 */
export type StepPath = 'kernels' | 'ops';

export function stepPathFor(backend: string | null | undefined): StepPath {
  return backend === 'webgpu' || backend === 'wasm' || backend === 'cpu' ? 'kernels' : 'ops';
}

const MiB = 2 ** 20;

/**
 * Peak tensor memory of one training step, measured with tf.profile: a fixed part plus a part per
 * sample in the pass (bytes), rounded up. Our kernels on wasm: tiny 42.6 MiB at 4, 76.2 at 8,
 * 143.3 at 16 (webgpu: 24.3 at 2, 39.5 at 4); small 93.0 at 4, 157.6 at 8. tfjs ops (their
 * setCustomKernels(false) path on wasm, what webgl runs): tiny 84.6 / 160.0 / 310.9, small 174.2 /
 * 320.0.
 */
const STEP_MEMORY: Record<StepPath, Record<PresetName, { fixed: number; perSample: number }>> = {
  kernels: {
    micro: { fixed: 8 * MiB, perSample: 5 * MiB },
    tiny: { fixed: 10 * MiB, perSample: 8.6 * MiB },
    small: { fixed: 30 * MiB, perSample: 16.5 * MiB },
  },
  ops: {
    micro: { fixed: 8 * MiB, perSample: 11 * MiB },
    tiny: { fixed: 10 * MiB, perSample: 19.2 * MiB },
    small: { fixed: 30 * MiB, perSample: 37 * MiB },
  },
};

/**
 * Samples per forward/backward pass that keep a step within `limitMB` (at least 1). Without a
 * path, the costlier one: right whatever the backend turns out to be.
 */
export function microBatchFor(
  preset: PresetName,
  batch: number,
  limitMB: number,
  path: StepPath = 'ops',
): number {
  const m = STEP_MEMORY[path][preset];
  const fits = Math.max(1, Math.floor((limitMB * 1e6 - m.fixed) / m.perSample));
  // As few passes as fit, then as even as possible (64 in 4 passes of 16, not 17+17+17+13).
  const passes = Math.ceil(batch / fits);
  return Math.ceil(batch / passes);
}

/** Estimated peak tensor memory (bytes) of a step done in passes of `microBatch`. */
export function stepMemoryBytes(
  preset: PresetName,
  microBatch: number,
  path: StepPath = 'ops',
): number {
  const m = STEP_MEMORY[path][preset];
  return m.fixed + m.perSample * microBatch;
}

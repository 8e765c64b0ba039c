/**
 * How much tensor memory a training step needs, and the micro-batch that keeps it within a limit.
 * No tfjs here: the page uses it to explain the setting.
 */
import type { PresetName } from '../../shared/train-protocol';

/**
 * Peak tensor memory of one training step, measured with tf.profile on wasm (the same bytes on
 * every backend): a fixed part plus a part per sample in the pass (bytes). tiny: 119 MiB at 4,
 * 229 at 8, 448 at 16; small: 241 at 4, 453 at 8 (rounded up here).
 */
const STEP_MEMORY: Record<PresetName, { fixed: number; perSample: number }> = {
  tiny: { fixed: 12 * 2 ** 20, perSample: 27.6 * 2 ** 20 },
  small: { fixed: 32 * 2 ** 20, perSample: 53 * 2 ** 20 },
};

/** Samples per forward/backward pass that keep a step within `limitMB` (at least 1). */
export function microBatchFor(preset: PresetName, batch: number, limitMB: number): number {
  const m = STEP_MEMORY[preset];
  const fits = Math.max(1, Math.floor((limitMB * 1e6 - m.fixed) / m.perSample));
  // As few passes as fit, then as even as possible (64 in 4 passes of 16, not 17+17+17+13).
  const passes = Math.ceil(batch / fits);
  return Math.ceil(batch / passes);
}

/** Estimated peak tensor memory (bytes) of a step done in passes of `microBatch`. */
export function stepMemoryBytes(preset: PresetName, microBatch: number): number {
  const m = STEP_MEMORY[preset];
  return m.fixed + m.perSample * microBatch;
}

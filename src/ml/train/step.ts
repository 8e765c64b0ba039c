/**
 * One DDPM training step: sample t and ε, noise x0 to x_t, regress the model output on the
 * chosen target, update with clipped Adam, then the EMA.
 *
 * Randomness: every step draws from its own mulberry32 stream seeded by (seed, step number):
 * t, then the label-dropout coins, then one seed for our Box–Muller `gaussian`, whose ε goes up
 * as a tensor. That is backend-independent (cpu and webgpu see the same ε) and a run resumed from
 * a checkpoint at step k continues with exactly the draws of an uninterrupted run.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FilterGradVariant } from '../conv2d';
import { gaussian, mulberry32, randomInt } from '../random';
import type { Prediction } from '../samplers';
import type { Schedule } from '../schedule';
import { NULL_LABEL, type UNetConfig } from '../unet/config';
import { unetForward } from '../unet/model';
import { type InitOptions, type UNetParams, disposeParams, initParams } from '../unet/params';
import { Adam, clipScale, squaredNorm } from './adam';
import { Ema } from './ema';
import { type LrOptions, learningRate, validateLr } from './lr';

export interface TrainerOptions {
  readonly config: UNetConfig;
  readonly schedule: Schedule;
  readonly prediction: Prediction;
  readonly lr: LrOptions;
  /** Global L2 gradient-norm limit; 0 or ∞ turns clipping off. */
  readonly clipNorm: number;
  readonly emaDecay: number;
  /** Probability of replacing a label with NULL_LABEL, for classifier-free guidance. */
  readonly labelDropout: number;
  readonly filterGrad?: FilterGradVariant;
  /**
   * Most samples per forward/backward pass: a larger batch is split into micro-batches whose
   * gradients are summed (the same update, up to float rounding, for a fraction of the memory).
   * Default: the whole batch in one pass.
   */
  readonly microBatch?: number;
  readonly seed: number;
  readonly weightDecay?: number;
  readonly init?: InitOptions;
}

export interface StepResult {
  /** Mean MSE over the batch (NaN or ±∞ when nonFinite). */
  readonly loss: number;
  readonly timesteps: Int32Array;
  readonly perSampleLoss: Float32Array;
  /** Global gradient L2 norm before clipping. */
  readonly gradNorm: number;
  /** Learning rate this step used (or would have used, when skipped). */
  readonly lr: number;
  /** Updates applied so far, this one included; unchanged when skipped. */
  readonly step: number;
  /** Loss or gradient was NaN/∞: nothing was updated, so the caller can restore or carry on. */
  readonly nonFinite: boolean;
}

export interface Trainer {
  step(x0: tf.Tensor4D, labels: Int32Array): Promise<StepResult>;
  readonly params: UNetParams;
  readonly ema: Ema;
  readonly optimizer: Adam;
  readonly options: TrainerOptions;
  dispose(): void;
}

export interface Draws {
  readonly timesteps: Int32Array;
  readonly labels: Int32Array;
  readonly noise: Float32Array;
}

/** Mixes seed and step so neighbouring steps (and seeds) get unrelated streams. */
function stepSeed(seed: number, step: number): number {
  let h = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ Math.imul(step, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The random draws of update number `step` (exported for tests). */
export function drawStep(
  opts: Pick<TrainerOptions, 'seed' | 'schedule' | 'labelDropout'>,
  step: number,
  labels: Int32Array,
  size: number,
): Draws {
  const rng = mulberry32(stepSeed(opts.seed, step));
  const b = labels.length;
  const timesteps = new Int32Array(b);
  for (let i = 0; i < b; i++) timesteps[i] = randomInt(rng, opts.schedule.T);
  const used = new Int32Array(b);
  for (let i = 0; i < b; i++) {
    used[i] = rng() < opts.labelDropout ? NULL_LABEL : (labels[i] ?? NULL_LABEL);
  }
  const noise = gaussian(randomInt(rng, 2 ** 32), size);
  return { timesteps, labels: used, noise };
}

/** Samples [start, end) of a step's draws (noise has `pixels` values per sample). */
function sliceDraws(d: Draws, start: number, end: number, pixels: number): Draws {
  return {
    timesteps: d.timesteps.subarray(start, end),
    labels: d.labels.subarray(start, end),
    noise: d.noise.subarray(start * pixels, end * pixels),
  };
}

/** Per-sample MSE of the model output against the prediction target, [B]. */
function perSampleLoss(
  opts: TrainerOptions,
  params: UNetParams,
  x0: tf.Tensor4D,
  d: Draws,
): tf.Tensor1D {
  const b = x0.shape[0];
  const ab = Array.from(d.timesteps, (t) => opts.schedule.alphasCumprod[t] ?? NaN);
  // Coefficients in float64, rounded to float32 once.
  const sa = tf.tensor4d(Float32Array.from(ab, Math.sqrt), [b, 1, 1, 1]);
  const s1 = tf.tensor4d(
    Float32Array.from(ab, (a) => Math.sqrt(1 - a)),
    [b, 1, 1, 1],
  );
  const eps = tf.tensor4d(d.noise, x0.shape);
  const xt = tf.add(tf.mul(x0, sa), tf.mul(eps, s1)) as tf.Tensor4D;
  let target: tf.Tensor;
  switch (opts.prediction) {
    case 'epsilon':
      target = eps;
      break;
    case 'v':
      target = tf.sub(tf.mul(eps, sa), tf.mul(x0, s1));
      break;
    case 'x0':
      target = x0;
      break;
  }
  const out = unetForward(
    params,
    opts.config,
    xt,
    tf.tensor1d(d.timesteps, 'int32'),
    tf.tensor1d(d.labels, 'int32'),
    opts.filterGrad === undefined ? {} : { filterGrad: opts.filterGrad },
  );
  return tf.mean(tf.squaredDifference(out, target), [1, 2, 3]);
}

function validate(opts: TrainerOptions): void {
  validateLr(opts.lr);
  if (!(opts.labelDropout >= 0 && opts.labelDropout <= 1)) {
    throw new RangeError(`labelDropout must be in [0, 1], got ${opts.labelDropout}`);
  }
  if (!(opts.clipNorm >= 0)) throw new RangeError(`clipNorm must be ≥ 0, got ${opts.clipNorm}`);
  const mb = opts.microBatch;
  if (mb !== undefined && !(Number.isInteger(mb) && mb >= 1)) {
    throw new RangeError(`microBatch must be a whole number ≥ 1, got ${mb}`);
  }
}

export function createTrainer(opts: TrainerOptions): Trainer {
  validate(opts);
  const params = initParams(opts.config, opts.seed, opts.init);
  const optimizer = new Adam(params, { weightDecay: opts.weightDecay ?? 0 });
  const ema = new Ema(params, { decay: opts.emaDecay });
  const vars = [...params.values()];
  const names = [...params.keys()];
  let busy = false;
  let disposed = false;

  async function step(x0: tf.Tensor4D, labels: Int32Array): Promise<StepResult> {
    if (disposed) throw new Error('trainer is disposed');
    // Two overlapping steps would both read the same Adam step count and interleave updates.
    if (busy) throw new Error('trainer.step called while a step is running');
    if (labels.length !== x0.shape[0]) {
      throw new RangeError(`${labels.length} labels for a batch of ${x0.shape[0]}`);
    }
    for (const l of labels) {
      if (!(l >= 0 && l <= NULL_LABEL)) throw new RangeError(`label ${l} outside 0..${NULL_LABEL}`);
    }
    busy = true;
    const owned: tf.Tensor[] = [];
    try {
      const k = optimizer.step + 1;
      const lr = learningRate(k, opts.lr);
      const b = x0.shape[0];
      const pixels = x0.size / b;
      const d = drawStep(opts, k, labels, x0.size);
      const chunk = Math.min(b, opts.microBatch ?? b);
      // Σ over micro-batches of (Σ chunk losses)/B: the batch mean and its gradient.
      let value: tf.Scalar | null = null;
      let flat: tf.Tensor1D | null = null;
      const perSample: tf.Tensor1D[] = [];
      for (let start = 0; start < b; start += chunk) {
        const end = Math.min(b, start + chunk);
        const xs = chunk === b ? x0 : (tf.slice(x0, start, end - start) as tf.Tensor4D);
        let part;
        try {
          part = gradsOf(xs, chunk === b ? d : sliceDraws(d, start, end, pixels), b);
        } finally {
          if (xs !== x0) xs.dispose();
        }
        perSample.push(part.perSample);
        owned.push(part.perSample);
        value = accumulate(value, part.value, owned);
        flat = accumulate(flat, part.flat, owned);
      }
      if (!value || !flat) throw new Error('trainer: empty batch');
      // One read per step: loss, ‖g‖², per-sample losses.
      const stats = tf.tidy(() =>
        tf.concat([tf.reshape(value, [1]), tf.reshape(squaredNorm(flat), [1]), ...perSample]),
      );
      owned.push(stats);
      const data = (await stats.data()) as Float32Array;
      const loss = data[0] ?? NaN;
      const gradNorm = Math.sqrt(data[1] ?? NaN);
      const nonFinite = !Number.isFinite(loss) || !Number.isFinite(gradNorm);
      if (!nonFinite) {
        const updated = optimizer.applyFlat(flat, lr, clipScale(gradNorm, opts.clipNorm));
        owned.push(updated);
        ema.update(updated);
      }
      return {
        loss,
        timesteps: d.timesteps,
        perSampleLoss: data.slice(2),
        gradNorm,
        lr,
        step: optimizer.step,
        nonFinite,
      };
    } finally {
      tf.dispose(owned);
      busy = false;
    }
  }

  /** Loss share (Σ losses / batch), flat gradient and per-sample losses of one micro-batch. */
  function gradsOf(
    x0: tf.Tensor4D,
    d: Draws,
    batch: number,
  ): { value: tf.Scalar; flat: tf.Tensor1D; perSample: tf.Tensor1D } {
    const kept: { perSample?: tf.Tensor1D } = {};
    const owned: tf.Tensor[] = [];
    try {
      const { value, grads } = tf.variableGrads(() => {
        // keep: variableGrads disposes everything f creates except the returned loss.
        const perSample = tf.keep(perSampleLoss(opts, params, x0, d));
        kept.perSample = perSample;
        return tf.div(tf.sum(perSample), tf.scalar(batch));
      }, vars);
      owned.push(...Object.values(grads));
      const perSample = kept.perSample;
      if (!perSample) throw new Error('trainer: loss function did not run');
      const named = new Map(names.map((n, i) => [n, grads[vars[i]?.name ?? ''] as tf.Tensor]));
      try {
        return { value, flat: optimizer.flatten(named), perSample };
      } catch (error) {
        value.dispose();
        throw error;
      }
    } catch (error) {
      // Also frees the kept per-sample loss if variableGrads threw after running f.
      if (kept.perSample) owned.push(kept.perSample);
      throw error;
    } finally {
      tf.dispose(owned);
    }
  }

  return {
    step,
    params,
    ema,
    optimizer,
    options: opts,
    dispose() {
      if (disposed) return;
      disposed = true;
      optimizer.dispose();
      ema.dispose();
      disposeParams(params);
    },
  };
}

/** a + b (both freed, the sum tracked in `owned`), or b when there is no a yet. */
function accumulate<T extends tf.Tensor>(a: T | null, b: T, owned: tf.Tensor[]): T {
  if (!a) {
    owned.push(b);
    return b;
  }
  const sum = tf.add(a, b) as T;
  owned.splice(owned.indexOf(a), 1);
  tf.dispose([a, b]);
  owned.push(sum);
  return sum;
}

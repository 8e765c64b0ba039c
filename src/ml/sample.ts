/**
 * The reverse process, one step at a time, so the worker can stream every step's x_t and x̂0.
 * Model-agnostic: it calls a Denoiser, which is the UNet in the app and an exact oracle in tests.
 * Randomness is ours (seeded Box–Muller uploaded as tensors), so a run is the same on every backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  flowEulerStep,
  flowHeunStep,
  flowScales,
  flowTau,
  flowTimesteps,
  flowX0,
} from './flow-matching';
import { qSample } from './forward';
import {
  deterministicSampler,
  isFlow,
  samplerRefusal,
  type ModelPrediction,
  type SamplerName,
} from './prediction';
import { gaussian, mulberry32, randomInt } from './random';
import {
  ddimStep,
  ddpmStep,
  guidedEpsilon,
  inferenceTimesteps,
  type DdpmVariance,
  type Spacing,
} from './samplers';
import { alphaBarAt, type Schedule } from './schedule';

/**
 * Labels as class ids [B] (NO_LABEL = none), or [B, NO_LABEL + 1] weights over the label
 * embeddings — a mix of two classes is how interpolation walks between them.
 */
export type Labels = tf.Tensor1D | tf.Tensor2D;

/**
 * Model output for x_t at timesteps t with labels: ε, v, x̂0 or the flow velocity per
 * `prediction` (a flow run's t may lie between grid points, as float32).
 */
export type Denoiser = (xt: tf.Tensor4D, t: tf.Tensor1D, labels: Labels) => tf.Tensor4D;

export const NO_LABEL = 10;

export type SamplerSettings =
  | {
      readonly kind: 'ddim';
      readonly steps: number;
      readonly spacing: Spacing;
      readonly eta: number;
    }
  | {
      readonly kind: 'ddpm';
      readonly steps: number;
      readonly spacing: Spacing;
      readonly variance: DdpmVariance;
    }
  /** Flow matching: Euler or Heun from τ = 1 to 0 in even steps (ml/flow-matching.ts). */
  | { readonly kind: 'euler'; readonly steps: number }
  | { readonly kind: 'heun'; readonly steps: number };

/** The settings of a sampler by name; DDPM and DDIM read their spacing, η or variance from `extra`. */
export function samplerOf(
  kind: SamplerName,
  steps: number,
  extra: { readonly spacing: Spacing; readonly eta: number; readonly variance: DdpmVariance },
): SamplerSettings {
  switch (kind) {
    case 'ddim':
      return { kind, steps, spacing: extra.spacing, eta: extra.eta };
    case 'ddpm':
      return { kind, steps, spacing: extra.spacing, variance: extra.variance };
    case 'euler':
    case 'heun':
      return { kind, steps };
  }
}

/**
 * A model's deterministic sampler with `steps` steps: DDIM (trailing, η = 0), or Euler for a
 * flow-matching model. Previews and the time-to-digits bench sample with it.
 */
export function deterministicSamplerOf(
  prediction: ModelPrediction,
  steps: number,
): SamplerSettings {
  return samplerOf(deterministicSampler(prediction), steps, {
    spacing: 'trailing',
    eta: 0,
    variance: 'fixed-small',
  });
}

export interface SampleOptions {
  readonly sampler: SamplerSettings;
  readonly prediction: ModelPrediction;
  /** Clip x̂0 to [−1, 1] in DDPM/DDIM steps (a flow step does not go through x̂0). */
  readonly clip: boolean;
  /** One label per sample, 0–9, or NO_LABEL for unconditional. */
  readonly labels: Int32Array;
  /** Classifier-free guidance scale s in ε̃ = ε_u + s·(ε_c − ε_u); 1 means conditional only. */
  readonly guidance: number;
  readonly seed: number;
  readonly size: number;
  /**
   * Where the run starts instead of pure noise from `seed`: given noise (interpolation), or images
   * x0 noised with the seed's noise to `timesteps[index]`, the first step taken (SDEdit). Index 0 is
   * pure noise, as plain sampling assumes at its first timestep whatever ᾱ is there; index =
   * steps is t = −1, the image itself.
   */
  readonly start?:
    | { readonly kind: 'noise'; readonly x: Float32Array }
    | { readonly kind: 'image'; readonly x0: Float32Array; readonly index: number };
  /** [n·(NO_LABEL+1)] label weights for the conditional pass instead of `labels` (class interpolation). */
  readonly labelWeights?: Float32Array;
  /**
   * Applied to each step's new x inside its tidy (RePaint puts the known region back); `move`
   * counts every step taken, also those repeated after `back`.
   */
  readonly afterStep?: (x: tf.Tensor4D, prevT: number, move: number) => tf.Tensor4D;
}

/** What the sampling job steps through: the plain reverse process, or one that also goes back. */
export interface Stepper {
  readonly done: boolean;
  /** The current x; still owned by the stepper. */
  readonly current: tf.Tensor4D;
  /** Frames a full run shows (steps, plus any repeated ones). */
  readonly total: number;
  step(): SampleStep;
  dispose(): void;
}

export interface SampleStep {
  /** 0-based index of the step just taken, of `total`. */
  readonly index: number;
  readonly total: number;
  readonly t: number;
  readonly prevT: number;
  /** x at prevT (the new state) and the model's x̂0 at t; owned by the caller. */
  readonly x: tf.Tensor4D;
  readonly predX0: tf.Tensor4D;
}

export class ReverseProcess implements Stepper {
  readonly timesteps: readonly number[];
  private x: tf.Tensor4D;
  private index = 0;
  private moves = 0;

  constructor(
    private readonly denoise: Denoiser,
    private readonly schedule: Schedule,
    private readonly opts: SampleOptions,
  ) {
    const refusal = samplerRefusal(opts.prediction, opts.sampler.kind);
    if (refusal) throw new Error(refusal);
    const sampler = opts.sampler;
    this.timesteps =
      sampler.kind === 'euler' || sampler.kind === 'heun'
        ? flowTimesteps(schedule.T, sampler.steps)
        : inferenceTimesteps(schedule.T, sampler.steps, sampler.spacing);
    const n = opts.labels.length;
    const values = n * opts.size * opts.size;
    const start = opts.start;
    let x = start?.kind === 'noise' ? start.x : gaussian(opts.seed, values);
    if (start?.kind === 'image') {
      if (!Number.isInteger(start.index) || start.index < 0 || start.index > sampler.steps)
        throw new RangeError(`start index must be in 0..${sampler.steps}, got ${start.index}`);
      this.index = start.index;
      if (start.index > 0) {
        const eps = x;
        const t = this.levelT(start.index);
        if (this.flow) {
          const { a, s } = flowScales(t, schedule.T);
          x = start.x0.map((v, k) => a * v + s * (eps[k] ?? 0));
        } else x = qSample(start.x0, eps, alphaBarAt(schedule, t));
      }
    }
    if (x.length !== values)
      throw new RangeError(`start has ${x.length} values, expected ${values}`);
    this.x = tf.tensor4d(x, [n, opts.size, opts.size, 1]);
  }

  get done(): boolean {
    return this.index >= this.timesteps.length;
  }

  private get flow(): boolean {
    return isFlow(this.opts.prediction);
  }

  /**
   * x at timestep t (−1: the data) is a·x₀ + s·ε: √ᾱ_t and √(1 − ᾱ_t) for diffusion, 1 − τ and
   * τ for flow matching (RePaint noises its known region to these).
   */
  levelScales(t: number): { a: number; s: number } {
    if (this.flow) return flowScales(t, this.schedule.T);
    const ab = alphaBarAt(this.schedule, t);
    return { a: Math.sqrt(ab), s: Math.sqrt(1 - ab) };
  }

  get total(): number {
    return this.timesteps.length;
  }

  /** Steps taken so far, counting from the first timestep (SDEdit starts part-way). */
  get level(): number {
    return this.index;
  }

  /** The noise level of x before step `level`: the timestep it denoises at (as diffusers' img2img), −1 at the end. */
  levelT(level: number): number {
    return this.timesteps[level] ?? -1;
  }

  /** The current x (x_T before the first step); still owned by the process. */
  get current(): tf.Tensor4D {
    return this.x;
  }

  /** The previous timestep: DDIM steps back T//n arithmetically as diffusers does, DDPM to the next listed t. */
  private prevT(i: number): number {
    const t = this.timesteps[i] ?? 0;
    if (this.opts.sampler.kind === 'ddim')
      return t - Math.floor(this.schedule.T / this.opts.sampler.steps);
    return this.timesteps[i + 1] ?? -1;
  }

  private modelOutput(t: number, x: tf.Tensor4D = this.x): tf.Tensor4D {
    const { labels, guidance, labelWeights } = this.opts;
    const n = labels.length;
    const guided =
      guidance !== 1 && (labelWeights !== undefined || labels.some((l) => l !== NO_LABEL));
    // Diffusion runs stay on the integer grid; a flow run may sit between grid points.
    const dtype = this.flow ? 'float32' : 'int32';
    return tf.tidy(() => {
      const cond: Labels = labelWeights
        ? tf.tensor2d(labelWeights, [n, NO_LABEL + 1])
        : tf.tensor1d(labels, 'int32');
      if (!guided) return this.denoise(x, tf.fill([n], t, dtype) as tf.Tensor1D, cond);
      // Both passes in one batch: [conditional; unconditional].
      const none = new Array<number>(n).fill(NO_LABEL);
      const uncond: Labels =
        cond.rank === 2
          ? tf.cast(tf.oneHot(tf.tensor1d(none, 'int32'), NO_LABEL + 1) as tf.Tensor2D, 'float32')
          : tf.tensor1d(none, 'int32');
      const both = this.denoise(
        tf.concat([x, x]),
        tf.fill([2 * n], t, dtype) as tf.Tensor1D,
        tf.concat<tf.Tensor>([cond, uncond]) as Labels,
      );
      const [withLabel, withoutLabel] = tf.split(both, 2);
      return guidedEpsilon(withoutLabel!, withLabel!, guidance) as tf.Tensor4D;
    });
  }

  /** Noise for step `i`; `salt` gives other streams from the same seed (RePaint's known region). */
  stepNoise(i: number, salt = 0): tf.Tensor4D {
    const n = this.opts.labels.length * this.opts.size * this.opts.size;
    const seed = randomInt(
      mulberry32((this.opts.seed ^ Math.imul(i + 1, 0x9e3779b1) ^ salt) >>> 0),
      2 ** 32,
    );
    return tf.tensor4d(gaussian(seed, n), this.x.shape);
  }

  /**
   * Goes back `levels` steps by the forward process, x_t' = √(ᾱ_t'/ᾱ_t)·x_t + √(1 − ᾱ_t'/ᾱ_t)·z
   * in one jump (RePaint's resampling); the steps are then taken again with fresh noise.
   */
  back(levels: number): void {
    if (!Number.isInteger(levels) || levels < 1 || levels > this.index)
      throw new RangeError(`can go back 1..${this.index} steps, not ${levels}`);
    const to = this.levelT(this.index - levels);
    const from = this.levelT(this.index);
    const z = this.stepNoise(this.moves, 0x5bd1e995);
    let keep: number;
    let fresh: number;
    if (this.flow) {
      // From x = (1−τ)x₀ + τε to (1−τ')x₀ + τ'ε' with τ' > τ: scale by (1−τ')/(1−τ) and add
      // the noise that brings the variance to τ'² (zero at τ' = 1, where only noise is left).
      const [a, b] = [this.levelScales(from), this.levelScales(to)];
      keep = b.a / a.a;
      fresh = Math.sqrt(Math.max(0, b.s * b.s - keep * keep * a.s * a.s));
    } else {
      const ratio = alphaBarAt(this.schedule, to) / alphaBarAt(this.schedule, from);
      keep = Math.sqrt(ratio);
      fresh = Math.sqrt(1 - ratio);
    }
    const x = tf.tidy(() => tf.add(tf.mul(this.x, keep), tf.mul(z, fresh)));
    z.dispose();
    this.x.dispose();
    this.x = x as tf.Tensor4D;
    this.index -= levels;
    this.moves += 1;
  }

  step(): SampleStep {
    if (this.done) throw new Error('the reverse process is finished');
    const i = this.index;
    const move = this.moves;
    const t = this.timesteps[i] ?? 0;
    const prevT = this.prevT(i);
    const { sampler, prediction, clip, afterStep } = this.opts;
    const result = tf.tidy(() => {
      const out = this.modelOutput(t);
      if (sampler.kind === 'euler' || sampler.kind === 'heun') {
        const x = this.flowStep(sampler.kind, t, prevT, out);
        const predX0 = flowX0(this.x, out, flowTau(t, this.schedule.T)) as tf.Tensor4D;
        return { x: afterStep ? afterStep(x, prevT, move) : x, predX0 };
      }
      // The constructor refused a flow model with DDPM/DDIM; this only narrows the type.
      if (isFlow(prediction)) throw new Error(samplerRefusal(prediction, sampler.kind) ?? '');
      // As diffusers: DDPM adds noise whenever t > 0 — also on a last step from t > 0 to −1
      // (trailing spacing), where fixed-small's variance is ~0 and fixed-large's is β'. DDIM's σ
      // is 0 once ᾱ_prev = 1.
      const needsNoise = sampler.kind === 'ddpm' ? t > 0 : prevT >= 0 && sampler.eta > 0;
      const noise = needsNoise ? { noise: this.stepNoise(move) } : {};
      const r =
        sampler.kind === 'ddim'
          ? ddimStep(this.schedule, t, prevT, this.x, out, {
              prediction,
              clip,
              eta: sampler.eta,
              ...noise,
            })
          : ddpmStep(this.schedule, t, prevT, this.x, out, {
              prediction,
              clip,
              variance: sampler.variance,
              ...noise,
            });
      const x = r.prevSample as tf.Tensor4D;
      return { x: afterStep ? afterStep(x, prevT, move) : x, predX0: r.predX0 as tf.Tensor4D };
    });
    this.x.dispose();
    this.x = result.x;
    this.index += 1;
    this.moves += 1;
    // The caller gets its own handle to x so it may dispose it independently.
    return {
      index: i,
      total: this.timesteps.length,
      t,
      prevT,
      x: tf.clone(result.x),
      predX0: result.predX0,
    };
  }

  /** x at prevT from the velocity `v` at t: Euler, or Heun's mean with the velocity at prevT. */
  private flowStep(kind: 'euler' | 'heun', t: number, prevT: number, v: tf.Tensor4D): tf.Tensor4D {
    const T = this.schedule.T;
    const [tau, tauNext] = [flowTau(t, T), flowTau(prevT, T)];
    const euler = flowEulerStep(this.x, v, tau, tauNext) as tf.Tensor4D;
    if (kind === 'euler' || tauNext <= 0) return euler;
    const v2 = this.modelOutput(prevT, euler);
    return flowHeunStep(this.x, v, v2, tau, tauNext) as tf.Tensor4D;
  }

  dispose(): void {
    this.x.dispose();
  }
}

/**
 * Takes every remaining step, hands each to `onStep` (its tensors are disposed after), and
 * returns the final x; the stepper is disposed in any case.
 */
export async function runToEnd(
  stepper: Stepper,
  onStep: (s: SampleStep) => Promise<void> | void = () => undefined,
): Promise<Float32Array> {
  try {
    while (!stepper.done) {
      const s = stepper.step();
      try {
        await onStep(s);
      } finally {
        s.x.dispose();
        s.predX0.dispose();
      }
    }
    return (await stepper.current.data()) as Float32Array;
  } finally {
    stepper.dispose();
  }
}

/** Runs all steps and returns the final images in [−1, 1], [n, size, size, 1]. */
export async function sampleAll(
  denoise: Denoiser,
  schedule: Schedule,
  opts: SampleOptions,
  /**
   * Samples per run (all at once by default). Activations grow with the batch — the wasm heap
   * overflowed at 500 samples with guidance (1,000 per pass) — so long evaluations go in chunks;
   * the chunk starting at sample k draws its noise from seed + k.
   */
  chunk = opts.labels.length,
  /** Called after each chunk with the number of samples done so far. */
  onChunk: (done: number) => void = () => undefined,
): Promise<Float32Array> {
  const n = opts.labels.length;
  const per = opts.size * opts.size;
  const out = new Float32Array(n * per);
  for (let start = 0; start < n; start += Math.max(1, chunk)) {
    const labels = opts.labels.subarray(start, start + Math.max(1, chunk));
    const process = new ReverseProcess(denoise, schedule, {
      ...opts,
      labels,
      seed: opts.seed + start,
    });
    try {
      while (!process.done) {
        const s = process.step();
        s.x.dispose();
        s.predX0.dispose();
        // Yield so the worker can handle a cancel or pause between steps.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      out.set((await process.current.data()) as Float32Array, start * per);
    } finally {
      process.dispose();
    }
    onChunk(start + labels.length);
  }
  return out;
}

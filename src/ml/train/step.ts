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
import { flowMinSnrWeight, flowScales, flowTau } from '../flow-matching';
import type { ModelPrediction } from '../prediction';
import type { Schedule } from '../schedule';
import { NULL_LABEL, type UNetConfig } from '../unet/config';
import { unetForward } from '../unet/model';
import { type InitOptions, type UNetParams, disposeParams, initParams } from '../unet/params';
import { ADAM_KERNEL, hasKernel } from '../kernels/register';
import {
  type ProgramTime,
  type Recording,
  type ReplayInfo,
  type ReplayInputs,
  StepReplay,
} from '../replay';
import { Adam, clipScale, squaredNorm } from './adam';
import { Ema } from './ema';
import { type LrOptions, learningRate, validateLr } from './lr';

export interface TrainerOptions {
  readonly config: UNetConfig;
  readonly schedule: Schedule;
  /** ε, v, x₀, or 'flow': x_τ = (1−τ)x₀ + τε at τ = (t+1)/T, target ε − x₀ (ml/flow-matching.ts). */
  readonly prediction: ModelPrediction;
  readonly lr: LrOptions;
  /** Global L2 gradient-norm limit; 0 or ∞ turns clipping off. */
  readonly clipNorm: number;
  readonly emaDecay: number;
  /**
   * Min-SNR-γ loss weighting (Hang et al. 2023): each sample's loss is scaled so that its weight
   * in x₀ terms is min(SNR_t, γ), which stops the many easy low-noise timesteps from dominating
   * the gradient. Absent or 0: every sample weighs 1 (plain MSE on the target).
   */
  readonly minSnrGamma?: number;
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
  /**
   * On webgpu, record one step's GPU commands and replay them for the next steps (the same
   * programs on the same buffers, ~10× less JavaScript a step; ml/replay).
   * Default true; false sends every step through tfjs.
   */
  readonly replay?: boolean;
}

/** How the recorded-step shortcut has fared (webgpu; all zero elsewhere). */
export type { ReplayInfo } from '../replay';

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
  readonly replay: ReplayInfo;
  /**
   * On webgpu with timestamp queries, while steps are replayed: times each GPU program of the next
   * step (ml/replay; the kernels bench prints it). Null otherwise.
   */
  profileNextStep(): Promise<ProgramTime[]> | null;
  /**
   * The GPU time of the last timed replayed step once its timestamps have arrived (they are read
   * in the background); null where there is none.
   */
  settledGpuMs(): Promise<number | null>;
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

/**
 * The scales of x_t = sa·x₀ + s1·ε per sample, in float64 rounded to float32 once: √ᾱ_t and
 * √(1 − ᾱ_t), or for flow matching 1 − τ and τ (a recorded step replays these as inputs).
 */
export function noiseScales(
  schedule: Schedule,
  timesteps: Int32Array,
  prediction: ModelPrediction,
): { sa: Float32Array; s1: Float32Array } {
  if (prediction === 'flow') {
    const scales = Array.from(timesteps, (t) => flowScales(t, schedule.T));
    return {
      sa: Float32Array.from(scales, ({ a }) => a),
      s1: Float32Array.from(scales, ({ s }) => s),
    };
  }
  const ab = Array.from(timesteps, (t) => schedule.alphasCumprod[t] ?? NaN);
  return {
    sa: Float32Array.from(ab, Math.sqrt),
    s1: Float32Array.from(ab, (a) => Math.sqrt(1 - a)),
  };
}

/**
 * Min-SNR-γ weight of each sample's loss on the `prediction` target. An ε-loss weighs a sample
 * SNR_t in x₀ terms and a v-loss SNR_t + 1, so dividing by those leaves min(SNR_t, γ); a flow
 * velocity loss weighs it 1/τ² (flowMinSnrWeight).
 */
export function minSnrWeights(
  schedule: Schedule,
  timesteps: Int32Array,
  prediction: ModelPrediction,
  gamma: number,
): Float32Array {
  return Float32Array.from(timesteps, (t) => {
    if (prediction === 'flow') return flowMinSnrWeight(flowTau(t, schedule.T), gamma);
    const ab = schedule.alphasCumprod[t] ?? NaN;
    const snr = ab / (1 - ab);
    const clipped = Math.min(snr, gamma);
    switch (prediction) {
      case 'epsilon':
        // min(SNR, γ)/SNR, which is 1 below γ — also at SNR = 0 (zero terminal SNR), where the
        // quotient would be 0/0.
        return snr < gamma ? 1 : clipped / snr;
      case 'v':
        return clipped / (snr + 1);
      case 'x0':
        return clipped;
    }
  });
}

/** What one forward/backward pass reads, per sample along the first axis. */
interface StepInputs {
  readonly x0: tf.Tensor4D;
  readonly eps: tf.Tensor4D;
  readonly sa: tf.Tensor4D;
  readonly s1: tf.Tensor4D;
  readonly t: tf.Tensor1D;
  readonly labels: tf.Tensor1D;
  /** Per-sample loss weights, only with a weighting (a recorded step then replays them too). */
  readonly w?: tf.Tensor1D;
}

function weightsOf(opts: TrainerOptions, d: Draws): Float32Array | null {
  const gamma = opts.minSnrGamma ?? 0;
  return gamma > 0 ? minSnrWeights(opts.schedule, d.timesteps, opts.prediction, gamma) : null;
}

/** The same inputs as typed arrays, as a replayed step writes them (names as in StepInputs). */
function inputValues(x0: Float32Array, d: Draws, opts: TrainerOptions) {
  const w = weightsOf(opts, d);
  return {
    x0,
    eps: d.noise,
    ...noiseScales(opts.schedule, d.timesteps, opts.prediction),
    t: d.timesteps,
    labels: d.labels,
    ...(w ? { w } : {}),
  };
}

function inputTensors(x0: tf.Tensor4D, d: Draws, opts: TrainerOptions): StepInputs {
  const b = x0.shape[0];
  const { sa, s1 } = noiseScales(opts.schedule, d.timesteps, opts.prediction);
  const w = weightsOf(opts, d);
  return {
    x0,
    eps: tf.tensor4d(d.noise, x0.shape),
    sa: tf.tensor4d(sa, [b, 1, 1, 1]),
    s1: tf.tensor4d(s1, [b, 1, 1, 1]),
    t: tf.tensor1d(d.timesteps, 'int32'),
    labels: tf.tensor1d(d.labels, 'int32'),
    ...(w ? { w: tf.tensor1d(w) } : {}),
  };
}

/** Samples [start, start + n) of every input. */
function sliceInputs(inputs: StepInputs, start: number, n: number): StepInputs {
  const cut = <T extends tf.Tensor>(x: T): T => tf.slice(x, start, n) as T;
  return {
    x0: cut(inputs.x0),
    eps: cut(inputs.eps),
    sa: cut(inputs.sa),
    s1: cut(inputs.s1),
    t: cut(inputs.t),
    labels: cut(inputs.labels),
    ...(inputs.w ? { w: cut(inputs.w) } : {}),
  };
}

/** Per-sample MSE of the model output against the prediction target, [B]. */
function perSampleLoss(opts: TrainerOptions, params: UNetParams, inputs: StepInputs): tf.Tensor1D {
  const { x0, eps, sa, s1 } = inputs;
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
    case 'flow':
      // The velocity dx_τ/dτ of x_τ = (1−τ)x₀ + τε.
      target = tf.sub(eps, x0);
      break;
  }
  const out = unetForward(
    params,
    opts.config,
    xt,
    inputs.t,
    inputs.labels,
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
  const gamma = opts.minSnrGamma ?? 0;
  if (!(gamma >= 0)) throw new RangeError(`minSnrGamma must be ≥ 0, got ${gamma}`);
  const mb = opts.microBatch;
  if (mb !== undefined && !(Number.isInteger(mb) && mb >= 1)) {
    throw new RangeError(`microBatch must be a whole number ≥ 1, got ${mb}`);
  }
}

/** Loss, gradient norm and per-sample losses from the step's one read-back. */
function readStats(
  data: Float32Array,
  d: Draws,
  lr: number,
  step: number,
  nonFinite: boolean,
): StepResult {
  return {
    loss: data[0] ?? NaN,
    timesteps: d.timesteps,
    perSampleLoss: data.slice(2),
    gradNorm: Math.sqrt(data[1] ?? NaN),
    lr,
    step,
    nonFinite,
  };
}

function isNonFinite(data: Float32Array): boolean {
  return !Number.isFinite(data[0] ?? NaN) || !Number.isFinite(data[1] ?? NaN);
}

export function createTrainer(opts: TrainerOptions): Trainer {
  validate(opts);
  const params = initParams(opts.config, opts.seed, opts.init);
  const optimizer = new Adam(params, { weightDecay: opts.weightDecay ?? 0 });
  const ema = new Ema(params, { decay: opts.emaDecay });
  const vars = [...params.values()];
  const names = [...params.keys()];
  // Its info says in the Train tab ("through tfjs (…)") when the tfjs version rules recording out.
  const replay = opts.replay === false ? null : StepReplay.for(tf.backend());
  let busy = false;
  let disposed = false;

  /** Everything a step reads and replaces: weights, Adam moments, EMA. */
  function stateTensors(): tf.Variable[] {
    return [...vars, ...optimizer.stateTensors(), ...ema.stateTensors()];
  }

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
    try {
      const k = optimizer.step + 1;
      const lr = learningRate(k, opts.lr);
      const d = drawStep(opts, k, labels, x0.size);
      if (replay?.serves(tf.backend())) return await stepOnRecording(replay, x0, d, lr);
      return await tfjsStep(inputTensors(x0, d, opts), d, lr, null);
    } finally {
      busy = false;
    }
  }

  /** Replays the recorded step when it still fits, else records this one (webgpu). */
  async function stepOnRecording(
    rep: StepReplay,
    x0: tf.Tensor4D,
    d: Draws,
    lr: number,
  ): Promise<StepResult> {
    const shape = x0.shape.join('×');
    const state = stateTensors();
    // Not when new weights were assigned (a restore, a loaded checkpoint) or the batch changed shape.
    if (rep.fits(state, shape)) {
      const x0v = (await x0.data()) as Float32Array;
      return await replayStep(rep, inputValues(x0v, d, opts), lr, d);
    }
    // The tfjs-ops Adam bakes its scalars into the commands; only ours takes them as an input.
    if (!rep.canRecord || !hasKernel(ADAM_KERNEL)) {
      return await tfjsStep(inputTensors(x0, d, opts), d, lr, null);
    }
    // The recording's own copy of x0, which each replay rewrites.
    const x0v = (await x0.data()) as Float32Array;
    // A NaN step changed nothing: not one to replay. A recording that fails its checks still
    // trained its step; only later steps lose the shortcut.
    return await rep.record(
      state,
      shape,
      (rec) => tfjsStep(inputTensors(tf.tensor4d(x0v, x0.shape), d, opts), d, lr, rec),
      (result) => !result.nonFinite,
    );
  }

  async function replayStep(
    rec: StepReplay,
    inputs: ReplayInputs,
    lr: number,
    d: Draws,
  ): Promise<StepResult> {
    const data = await rec.run(0, inputs);
    if (!data) throw new Error('recorded step: nothing read back');
    const nonFinite = isNonFinite(data);
    if (!nonFinite) {
      const scale = clipScale(Math.sqrt(data[1] ?? NaN), opts.clipNorm);
      const share = Float32Array.of(ema.nextShare());
      await rec.run(1, { adam: optimizer.coefficients(lr, scale), ema: share });
      optimizer.markApplied();
      ema.markUpdated();
    }
    return readStats(data, d, lr, optimizer.step, nonFinite);
  }

  /**
   * One step through tfjs: forward and backward per micro-batch, one read-back, the update. With
   * a recording, `inputs` are the recording's (freed here) and the step is recorded in two
   * segments around the read-back.
   */
  async function tfjsStep(
    inputs: StepInputs,
    d: Draws,
    lr: number,
    rec: Recording | null,
  ): Promise<StepResult> {
    const owned: tf.Tensor[] = [inputs.eps, inputs.sa, inputs.s1, inputs.t, inputs.labels];
    if (inputs.w) owned.push(inputs.w);
    if (rec) owned.push(inputs.x0);
    try {
      if (rec) {
        for (const [name, t] of Object.entries(inputs)) rec.input(name, t as tf.Tensor);
        rec.resume();
      }
      const b = inputs.x0.shape[0];
      const chunk = Math.min(b, opts.microBatch ?? b);
      // Σ over micro-batches of (Σ chunk losses)/B: the batch mean and its gradient.
      let value: tf.Scalar | null = null;
      let flat: tf.Tensor1D | null = null;
      const perSample: tf.Tensor1D[] = [];
      for (let start = 0; start < b; start += chunk) {
        const n = Math.min(chunk, b - start);
        const part = chunk === b ? inputs : sliceInputs(inputs, start, n);
        let grads;
        try {
          grads = gradsOf(part, b);
        } finally {
          if (part !== inputs) tf.dispose(Object.values(part));
        }
        perSample.push(grads.perSample);
        owned.push(grads.perSample);
        value = accumulate(value, grads.value, owned);
        flat = accumulate(flat, grads.flat, owned);
      }
      if (!value || !flat) throw new Error('trainer: empty batch');
      // One read per step: loss, ‖g‖², per-sample losses.
      const stats = tf.tidy(() =>
        tf.concat([tf.reshape(value, [1]), tf.reshape(squaredNorm(flat), [1]), ...perSample]),
      );
      owned.push(stats);
      rec?.readback(stats);
      const pending = stats.data();
      rec?.pause();
      const data = (await pending) as Float32Array;
      const nonFinite = isNonFinite(data);
      if (!nonFinite) {
        const scale = clipScale(Math.sqrt(data[1] ?? NaN), opts.clipNorm);
        const coefficients = tf.tensor1d(optimizer.coefficients(lr, scale));
        const share = tf.scalar(ema.nextShare());
        owned.push(coefficients, share);
        if (rec) {
          rec.input('adam', coefficients);
          rec.input('ema', share);
          rec.resume();
        }
        const updated = optimizer.applyFlat(flat, lr, scale, coefficients);
        owned.push(updated);
        ema.update(updated, share);
      }
      return readStats(data, d, lr, optimizer.step, nonFinite);
    } finally {
      tf.dispose(owned);
      // Ends the last segment here: the buffers freed above become the recording's, and nothing
      // that runs after this step returns is recorded.
      rec?.pause();
    }
  }

  /** Loss share (Σ losses / batch), flat gradient and per-sample losses of one micro-batch. */
  function gradsOf(
    inputs: StepInputs,
    batch: number,
  ): { value: tf.Scalar; flat: tf.Tensor1D; perSample: tf.Tensor1D } {
    const kept: { perSample?: tf.Tensor1D } = {};
    const owned: tf.Tensor[] = [];
    try {
      const { value, grads } = tf.variableGrads(() => {
        // keep: variableGrads disposes everything f creates except the returned loss.
        const perSample = tf.keep(perSampleLoss(opts, params, inputs));
        kept.perSample = perSample;
        const weighted = inputs.w ? tf.mul(perSample, inputs.w) : perSample;
        return tf.div(tf.sum(weighted), tf.scalar(batch));
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
    get replay(): ReplayInfo {
      return replay?.info ?? NO_REPLAY;
    },
    profileNextStep() {
      return replay?.profileNext() ?? null;
    },
    async settledGpuMs() {
      return (await replay?.settledGpuMs()) ?? null;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      replay?.dispose();
      optimizer.dispose();
      ema.dispose();
      disposeParams(params);
    },
  };
}

const NO_REPLAY: ReplayInfo = {
  recorded: 0,
  replayed: 0,
  lastFailure: null,
  encodeMs: null,
  counts: null,
  gpuMs: null,
};

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

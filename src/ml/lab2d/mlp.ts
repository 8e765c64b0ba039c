/**
 * The 2-D lab's denoiser: a small MLP on [x, y, sinusoidal embedding of t, one-hot label] with
 * ReLU or SiLU, trained with the project's Adam, with a moving average of its weights to sample. Tiny on purpose: a preset must train in seconds on a
 * CPU, where each tfjs kernel costs about as much as its arithmetic.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dense } from '../dense';
import { gaussian } from '../random';
import { Adam } from '../train/adam';
import { Ema } from '../train/ema';
import { silu } from '../unet/layers';
import type { Batch, Objective } from './objective';

export const TIME_EMBED_DIM = 32;
/** Frequencies 10000^(−i/16) of the sinusoidal time embedding, as the UNet's. */
const FREQS = Float64Array.from({ length: TIME_EMBED_DIM / 2 }, (_, i) =>
  Math.exp((-Math.log(10000) * i) / (TIME_EMBED_DIM / 2)),
);
export type Activation = 'relu' | 'silu';

export interface MlpConfig {
  readonly hidden: number;
  readonly layers: number;
  /** Classes of the data when trained with labels (one-hot of classes + 1, the last "no label"); 0 without. */
  readonly classes: number;
  /**
   * Fourier features of the position: sin and cos of x and y at this many octaves (0: x and y
   * only). They let a small MLP draw sharp structure (a thin ring) it would need many more
   * units for from raw coordinates.
   */
  readonly fourier: number;
  readonly objective: Objective;
  readonly activation: Activation;
}

function posDim(config: MlpConfig): number {
  return 2 + 4 * config.fourier;
}

function inputDim(config: MlpConfig): number {
  return posDim(config) + TIME_EMBED_DIM + (config.classes > 0 ? config.classes + 1 : 0);
}

/** A trainable variable holding `t`'s values; the handle is disposed (the variable keeps the data). */
function variableOf(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t, true);
  t.dispose();
  return v;
}

/** He-normal weights (seeded), zero biases; the output layer starts small so early losses are sane. */
function initParams(config: MlpConfig, seed: number): Map<string, tf.Variable> {
  const params = new Map<string, tf.Variable>();
  const dims = [inputDim(config), ...Array<number>(config.layers).fill(config.hidden), 2];
  for (let l = 0; l + 1 < dims.length; l++) {
    const [fanIn = 1, fanOut = 1] = [dims[l], dims[l + 1]];
    const last = l + 2 === dims.length;
    const std = Math.sqrt(2 / fanIn) * (last ? 0.1 : 1);
    const w = gaussian((seed * 7919 + l * 104_729 + 1) >>> 0, fanIn * fanOut).map((g) => g * std);
    params.set(`l${l}.w`, variableOf(tf.tensor2d(w, [fanIn, fanOut])));
    params.set(`l${l}.b`, variableOf(tf.zeros([fanOut])));
  }
  return params;
}

export class Mlp {
  readonly params: Map<string, tf.Variable>;
  private readonly adam: Adam;
  /** The moving average of the weights (null without one), what sampling should use. */
  private readonly ema: Ema | null;

  /** `emaDecay` 0: no average; otherwise the decay of ml/train/ema.ts (with its warmup). */
  constructor(
    readonly config: MlpConfig,
    seed: number,
    emaDecay = 0,
  ) {
    this.params = initParams(config, seed);
    this.adam = new Adam(this.params);
    this.ema = emaDecay > 0 ? new Ema(this.params, { decay: emaDecay }) : null;
  }

  /**
   * Puts the averaged weights in place of the trained ones, so predict and forward use them
   * (training on from here starts from the average).
   */
  useAverage(): void {
    if (!this.ema) return;
    for (const [name, avg] of this.ema.params()) this.param(name).assign(avg);
  }

  /**
   * The network's input rows, built in plain arrays: embedding and one-hot are inputs, not
   * parameters, so computing them in tfjs would only add kernels (and tape) to every step.
   */
  inputRows(xt: Float32Array, tau: Float32Array, labels: Int32Array | null): tf.Tensor2D {
    const n = tau.length;
    const k = this.config.classes > 0 ? this.config.classes + 1 : 0;
    const dim = inputDim(this.config);
    const pos = posDim(this.config);
    const rows = new Float32Array(n * dim);
    const half = TIME_EMBED_DIM / 2;
    for (let b = 0; b < n; b++) {
      const o = b * dim;
      const [x = 0, y = 0] = [xt[2 * b], xt[2 * b + 1]];
      rows[o] = x;
      rows[o + 1] = y;
      for (let f = 0; f < this.config.fourier; f++) {
        const w = 2 ** f;
        rows[o + 2 + 4 * f] = Math.sin(w * x);
        rows[o + 3 + 4 * f] = Math.cos(w * x);
        rows[o + 4 + 4 * f] = Math.sin(w * y);
        rows[o + 5 + 4 * f] = Math.cos(w * y);
      }
      const e = o + pos;
      const t = tau[b] ?? 0;
      // diffusers' get_timestep_embedding (flip_sin_to_cos): [cos(t·f_i), sin(t·f_i)].
      for (let i = 0; i < half; i++) {
        const arg = t * (FREQS[i] ?? 0);
        rows[e + i] = Math.cos(arg);
        rows[e + half + i] = Math.sin(arg);
      }
      if (k > 0) {
        if (!labels) throw new Error('this model was trained with labels: pass them');
        rows[e + TIME_EMBED_DIM + (labels[b] ?? k - 1)] = 1;
      }
    }
    return tf.tensor2d(rows, [n, dim]);
  }

  /** Network output for input rows (see inputRows). */
  forward(rows: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let h = rows;
      const n = this.config.layers;
      for (let l = 0; l <= n; l++) {
        const w = this.param(`l${l}.w`) as tf.Tensor2D;
        const bias = this.param(`l${l}.b`) as tf.Tensor1D;
        // ReLU fuses into the matMul (one kernel a layer); SiLU costs two more each way.
        h =
          l < n && this.config.activation === 'relu'
            ? (tf.fused.matMul({ a: h, b: w, bias, activation: 'relu' }) as tf.Tensor2D)
            : dense(h, w, bias);
        if (l < n && this.config.activation === 'silu') h = silu(h);
      }
      return h;
    });
  }

  private param(name: string): tf.Variable {
    const p = this.params.get(name);
    if (!p) throw new Error(`missing parameter ${name}`);
    return p;
  }

  /**
   * One Adam step on the batch's mean squared error (each point's error times its weight when
   * the batch has weights), then one EMA update; returns the loss before the step. A non-finite
   * loss skips the update: its gradients would poison Adam's moments for good.
   */
  async step(batch: Batch, lr: number): Promise<number> {
    const size = batch.tau.length;
    const names = [...this.params.keys()];
    const vars = [...this.params.values()];
    const { value, grads } = tf.tidy(() => {
      const rows = this.inputRows(batch.xt, batch.tau, batch.labels);
      const target = tf.tensor2d(batch.target, [size, 2]);
      const weight = batch.weight ? tf.tensor2d(batch.weight, [size, 1]) : null;
      return tf.variableGrads(() => {
        const err = tf.squaredDifference(this.forward(rows), target);
        return tf.mean(weight ? tf.mul(err, weight) : err) as tf.Scalar;
      }, vars);
    });
    try {
      const loss = (await value.data())[0] ?? NaN;
      if (!Number.isFinite(loss)) return loss;
      const named = new Map(names.map((n, i) => [n, grads[vars[i]?.name ?? ''] as tf.Tensor]));
      // No clipping, so no norm to read back: the loss is this step's only read.
      const flat = this.adam.flatten(named);
      const updated = this.adam.applyFlat(flat, lr);
      this.ema?.update(updated);
      tf.dispose([flat, updated]);
      return loss;
    } finally {
      value.dispose();
      tf.dispose(Object.values(grads));
    }
  }

  /** The raw output for plain arrays (interleaved x, y), one time input for all points. */
  predict(xt: Float32Array, tau: number, labels: Int32Array | null): Float32Array {
    const n = xt.length / 2;
    const out = tf.tidy(() =>
      this.forward(this.inputRows(xt, new Float32Array(n).fill(tau), labels)),
    );
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return values;
  }

  dispose(): void {
    tf.dispose([...this.params.values()]);
    this.adam.dispose();
    this.ema?.dispose();
  }
}

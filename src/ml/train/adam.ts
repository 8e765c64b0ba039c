/**
 * Adam over named variables, with its moments kept in one flat buffer each (see flat.ts).
 * Math follows torch.optim.Adam / AdamW exactly so numbers can be checked against a reference:
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,
 *   p ← p·(1 − lr·wd) − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)
 * Weight decay is decoupled (AdamW) and 0 by default.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_KERNEL, hasKernel } from '../kernels/register';
import { FlatLayout } from './flat';

export interface AdamOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  readonly weightDecay?: number;
}

/** Plain arrays keyed by parameter name, for checkpoints. */
export interface AdamState {
  readonly step: number;
  /**
   * Updates the moments have accumulated (t in the bias correction); less than `step` when the
   * moments restarted from zero, as after loading weights without optimizer state. Default: step.
   */
  readonly momentSteps?: number;
  readonly m: ReadonlyMap<string, Float32Array>;
  readonly v: ReadonlyMap<string, Float32Array>;
}

/** torch.nn.utils.clip_grad_norm_'s factor: max / (norm + 1e-6), never above 1. */
export function clipScale(norm: number, maxNorm: number): number {
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) return 1;
  return Math.min(1, maxNorm / (norm + 1e-6));
}

/** Σ g² over a flat gradient, left on the device so the caller can batch it into one read. */
export function squaredNorm(flatGrad: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.square(flatGrad)));
}

export class Adam {
  readonly layout: FlatLayout;
  private readonly vars: ReadonlyMap<string, tf.Variable>;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  /**
   * The parameters as one flat buffer, kept from the last update: the update needs them flat,
   * and packing 151 tensors every step is 151 copies (or Concat programs) of work. `packedIds`
   * are the variables' data ids when `p` last matched them; any assign from outside (a restore,
   * a loaded file) gives a variable a new id, and the next use packs again.
   */
  private readonly p: tf.Variable;
  private packedIds: tf.DataId[] | null = null;
  private t = 0;
  private k = 0;

  constructor(vars: ReadonlyMap<string, tf.Variable>, opts: AdamOptions = {}) {
    this.vars = vars;
    this.layout = new FlatLayout(vars);
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    // Separate zeros: a recorded step (step.ts) needs each state tensor in a buffer of its own.
    // A variable shares its initial tensor's data; dispose the handles so nothing is left behind.
    const [zm, zv] = [tf.zeros([this.layout.size]), tf.zeros([this.layout.size])];
    this.m = tf.variable(zm, false);
    this.v = tf.variable(zv, false);
    const zp = tf.zeros([this.layout.size]);
    this.p = tf.variable(zp, false);
    tf.dispose([zm, zv, zp]);
  }

  private varIds(): tf.DataId[] {
    return [...this.vars.values()].map((v) => v.dataId);
  }

  /** The flat parameters, packed anew only when a variable was assigned from outside. */
  private flatParams(): tf.Variable {
    const ids = this.varIds();
    if (!this.packedIds || ids.some((id, i) => id !== this.packedIds?.[i])) {
      const packed = this.layout.flatten(this.vars);
      this.p.assign(packed);
      packed.dispose();
      this.packedIds = ids;
    }
    return this.p;
  }

  /** Updates applied so far (drives the LR schedule and the per-step random draws). */
  get step(): number {
    return this.t;
  }

  /** Updates since the moments started from zero (t in the bias correction). */
  get momentSteps(): number {
    return this.k;
  }

  /** Concatenates per-variable gradients (keyed by our names) in this optimizer's order. */
  flatten(grads: ReadonlyMap<string, tf.Tensor>): tf.Tensor1D {
    return this.layout.flatten(grads);
  }

  /**
   * The moments and the flat parameters, as tensors (a recorded step keeps them in place); packs
   * the flat parameters first if they are stale, so a recorded step never packs.
   */
  stateTensors(): tf.Variable[] {
    return [this.m, this.v, this.flatParams()];
  }

  /**
   * The next update's per-step scalars [lr/(1−β1ᵗ), 1/√(1−β2ᵗ), 1 − lr·wd, gradScale], as the
   * WGSL update reads them (ml/kernels/adam-webgpu.ts).
   */
  coefficients(lr: number, gradScale = 1): Float32Array {
    const t = this.k + 1;
    return Float32Array.of(
      lr / (1 - this.beta1 ** t),
      1 / Math.sqrt(1 - this.beta2 ** t),
      1 - lr * this.weightDecay,
      gradScale,
    );
  }

  /** Counts an update that was applied by replaying a recorded one (see step.ts). */
  markApplied(): void {
    this.t += 1;
    this.k += 1;
  }

  /**
   * One update from a flat gradient. `gradScale` multiplies the gradient first (the clipping
   * factor, computed by the caller from a norm it has already read back). Returns the updated
   * parameters as one flat tensor (the caller owns it; the EMA reads it without another concat).
   * The update itself runs on the flat buffer, then one split hands the pieces to the variables:
   * a handful of kernels instead of a slice and a subtraction per parameter. `coefficients` may
   * hold this.coefficients(lr, gradScale) already on the device (a recorded step's input).
   */
  applyFlat(
    flatGrad: tf.Tensor1D,
    lr: number,
    gradScale = 1,
    coefficients?: tf.Tensor1D,
  ): tf.Tensor1D {
    if (flatGrad.size !== this.layout.size) {
      throw new Error(`Adam: gradient has ${flatGrad.size} values, need ${this.layout.size}`);
    }
    const { beta1: b1, beta2: b2 } = this;
    const c = this.coefficients(lr, gradScale);
    const [stepSize = NaN, vScale = NaN, decay = NaN] = c;
    const next = tf.tidy(() => {
      const p = this.flatParams();
      let updated: tf.Tensor1D;
      if (hasKernel(ADAM_KERNEL)) {
        // Three programs on webgpu (ml/kernels/adam-webgpu.ts), the same arithmetic as below.
        const attrs = { beta1: b1, beta2: b2, eps: this.eps };
        const inputs = { p, g: flatGrad, m: this.m, v: this.v, c: coefficients ?? tf.tensor1d(c) };
        const [m, v, p2] = tf.engine().runKernel(ADAM_KERNEL, inputs, attrs) as tf.Tensor1D[];
        if (!m || !v || !p2) throw new Error('Adam: kernel returned too few outputs');
        this.m.assign(m);
        this.v.assign(v);
        updated = p2;
      } else {
        const g = gradScale === 1 ? flatGrad : tf.mul(flatGrad, tf.scalar(gradScale));
        const m = tf.add(tf.mul(this.m, tf.scalar(b1)), tf.mul(g, tf.scalar(1 - b1)));
        const v = tf.add(tf.mul(this.v, tf.scalar(b2)), tf.mul(tf.square(g), tf.scalar(1 - b2)));
        this.m.assign(m);
        this.v.assign(v);
        const denom = tf.add(tf.mul(tf.sqrt(v), tf.scalar(vScale)), tf.scalar(this.eps));
        const delta = tf.mul(tf.div(m, denom), tf.scalar(stepSize));
        updated = tf.sub(decay === 1 ? p : tf.mul(p, tf.scalar(decay)), delta) as tf.Tensor1D;
      }
      for (const [name, piece] of this.layout.split(updated)) {
        const variable = this.vars.get(name);
        if (!variable) throw new Error(`Adam: no variable ${name}`);
        variable.assign(piece);
      }
      this.p.assign(updated);
      this.packedIds = this.varIds();
      return updated;
    });
    this.markApplied();
    return next;
  }

  /**
   * Clips to `maxNorm` (global L2 over all gradients; ≤ 0 or ∞ means no clipping), applies, and
   * returns the norm before clipping; a non-finite norm skips the update. Reads the norm back, hence async; the trainer instead folds
   * that read into its single per-step read.
   */
  async apply(grads: ReadonlyMap<string, tf.Tensor>, lr: number, maxNorm = 0): Promise<number> {
    const flat = this.flatten(grads);
    try {
      const sq = squaredNorm(flat);
      const norm = Math.sqrt((await sq.data())[0] ?? NaN);
      sq.dispose();
      // A NaN/∞ gradient would poison m and v for good; leave everything as it was.
      if (Number.isFinite(norm)) this.applyFlat(flat, lr, clipScale(norm, maxNorm)).dispose();
      return norm;
    } finally {
      flat.dispose();
    }
  }

  async getState(): Promise<AdamState> {
    const [m, v] = await Promise.all([this.m.data(), this.v.data()]);
    return {
      step: this.t,
      momentSteps: this.k,
      m: this.layout.view(m as Float32Array),
      v: this.layout.view(v as Float32Array),
    };
  }

  setState(state: AdamState): void {
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new RangeError(`Adam state step must be a non-negative integer, got ${state.step}`);
    }
    const k = state.momentSteps ?? state.step;
    if (!Number.isInteger(k) || k < 0 || k > state.step) {
      throw new RangeError(`Adam momentSteps must be an integer in 0..step, got ${k}`);
    }
    // Pack both before assigning either, so a bad state leaves the optimizer as it was.
    const m = this.layout.pack(state.m);
    const v = this.layout.pack(state.v);
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(m));
      this.v.assign(tf.tensor1d(v));
    });
    this.t = state.step;
    this.k = k;
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.p.dispose();
  }
}

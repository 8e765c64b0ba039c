/**
 * Exponential moving average of the weights, the copy that samples best.
 *
 * Decay follows diffusers' EMAModel with its defaults (use_ema_warmup=False, update_after_step=0,
 * min_decay=0): on the k-th update (k = 1, 2, …) the decay is 0 for k = 1 (the average becomes the
 * weights) and min(decay, k / (k + 9)) after, so early averages are not dominated by the random
 * init. With `warmup: false` it is the plain constant `decay` from the start.
 *   shadow ← shadow − (1 − decay_k)·(shadow − param)
 */
import * as tf from '@tensorflow/tfjs-core';
import { FlatLayout } from './flat';

export interface EmaOptions {
  readonly decay: number;
  readonly warmup?: boolean;
}

export interface EmaState {
  readonly updates: number;
  readonly values: ReadonlyMap<string, Float32Array>;
}

export function emaDecayAt(k: number, decay: number, warmup = true): number {
  if (!warmup) return decay;
  if (k <= 1) return 0;
  return Math.min(decay, k / (k + 9));
}

export class Ema {
  readonly decay: number;
  readonly warmup: boolean;
  private readonly layout: FlatLayout;
  private readonly shadow: tf.Variable;
  private readonly perParam = new Map<string, tf.Variable>();
  private updates = 0;
  private stale = false;

  /** Starts as a copy of `params`. */
  constructor(params: ReadonlyMap<string, tf.Tensor>, opts: EmaOptions) {
    if (!(opts.decay >= 0 && opts.decay < 1)) {
      throw new RangeError(`EMA decay must be in [0, 1), got ${opts.decay}`);
    }
    this.decay = opts.decay;
    this.warmup = opts.warmup ?? true;
    this.layout = new FlatLayout(params);
    const flat = this.layout.flatten(params);
    this.shadow = tf.variable(flat, false);
    flat.dispose();
    tf.tidy(() => {
      for (const [name, piece] of this.layout.split(this.shadow as tf.Tensor1D)) {
        this.perParam.set(name, tf.variable(piece, false));
      }
    });
  }

  get updateCount(): number {
    return this.updates;
  }

  /** The flat average, as a tensor (a recorded step keeps it in place). */
  stateTensors(): tf.Variable[] {
    return [this.shadow];
  }

  /** 1 − decay of the next update: the share the new weights get. */
  nextShare(): number {
    return 1 - emaDecayAt(this.updates + 1, this.decay, this.warmup);
  }

  /** Counts an update that was applied by replaying a recorded one (see step.ts). */
  markUpdated(): void {
    this.updates += 1;
    this.stale = true;
  }

  /**
   * One update from the current weights, by name or already flattened in this layout's order.
   * `share` may hold nextShare() already on the device (a recorded step's input).
   */
  update(params: ReadonlyMap<string, tf.Tensor> | tf.Tensor1D, share?: tf.Scalar): void {
    const s = this.nextShare();
    tf.tidy(() => {
      const p = params instanceof tf.Tensor ? params : this.layout.flatten(params);
      if (p.size !== this.layout.size) {
        throw new Error(`EMA: ${p.size} values, need ${this.layout.size}`);
      }
      const w = share ?? tf.scalar(s);
      this.shadow.assign(tf.sub(this.shadow, tf.mul(tf.sub(this.shadow, p), w)));
    });
    this.markUpdated();
  }

  /**
   * The averaged weights as their own map, ready for unetForward: no swapping with the trained
   * weights. Brought up to date here (one split of the flat buffer) rather than on every update,
   * since training updates far more often than anyone samples. The variables keep their identity;
   * call again after more updates to refresh them.
   */
  params(): ReadonlyMap<string, tf.Variable> {
    if (this.stale) {
      tf.tidy(() => {
        for (const [name, piece] of this.layout.split(this.shadow as tf.Tensor1D)) {
          this.perParam.get(name)?.assign(piece);
        }
      });
      this.stale = false;
    }
    return this.perParam;
  }

  async getState(): Promise<EmaState> {
    const values = (await this.shadow.data()) as Float32Array;
    return { updates: this.updates, values: this.layout.view(values) };
  }

  setState(state: EmaState): void {
    const packed = this.layout.pack(state.values);
    tf.tidy(() => this.shadow.assign(tf.tensor1d(packed)));
    this.updates = state.updates;
    this.stale = true;
  }

  dispose(): void {
    this.shadow.dispose();
    for (const v of this.perParam.values()) v.dispose();
    this.perParam.clear();
  }
}

/**
 * RePaint-style inpainting (Lugmayr et al. 2022): at every step the known region is replaced by
 * the input noised to that step's level, the unknown region comes from the model; resampling
 * goes back a few steps by the forward process and takes them again, so the two regions can agree.
 */
import * as tf from '@tensorflow/tfjs-core';
import { repaintMoves, type Resampling } from './repaint-schedule';
import type { Schedule } from './schedule';
import {
  ReverseProcess,
  type Denoiser,
  type SampleOptions,
  type SampleStep,
  type Stepper,
} from './sample';

/** Salt for the known region's noise, so it is independent of the sampler's own. */
const KNOWN_NOISE = 0x27d4eb2f;

export class Inpainting implements Stepper {
  private readonly process: ReverseProcess;
  private readonly moves: readonly number[];
  private readonly image: tf.Tensor4D;
  private readonly known: tf.Tensor4D;
  private at = 0;
  private lastX0: tf.Tensor4D | null = null;

  /**
   * `image`: the input in model range, one per sample; `known`: 1 where it is kept, 0 where the
   * model paints (same length).
   */
  constructor(
    denoise: Denoiser,
    schedule: Schedule,
    opts: SampleOptions,
    image: Float32Array,
    known: Float32Array,
    resampling: Resampling,
  ) {
    const shape: [number, number, number, number] = [opts.labels.length, opts.size, opts.size, 1];
    if (image.length !== known.length)
      throw new RangeError(`image has ${image.length} values, mask ${known.length}`);
    this.moves = repaintMoves(opts.sampler.steps, resampling);
    this.image = tf.tensor4d(image, shape);
    this.known = tf.tensor4d(known, shape);
    this.process = new ReverseProcess(denoise, schedule, {
      ...opts,
      afterStep: (x, prevT, move) => {
        // √ᾱ and √(1 − ᾱ), or 1 − τ and τ for a flow-matching model.
        const { a, s } = this.process.levelScales(prevT);
        const noised = tf.add(
          tf.mul(this.image, a),
          tf.mul(this.process.stepNoise(move, KNOWN_NOISE), s),
        );
        return tf.add(tf.mul(this.known, noised), tf.mul(tf.sub(1, this.known), x)) as tf.Tensor4D;
      },
    });
  }

  get done(): boolean {
    return this.at >= this.moves.length;
  }

  get current(): tf.Tensor4D {
    return this.process.current;
  }

  /** The timestep of the pure noise the run starts from. */
  get startT(): number {
    return this.process.levelT(0);
  }

  /** Every move is a frame: the steps, and the jumps back. */
  get total(): number {
    return this.moves.length;
  }

  /** Model evaluations a full run makes (one per step down). */
  get modelCalls(): number {
    return this.moves.filter((m) => m > 0).length;
  }

  step(): SampleStep {
    const move = this.moves[this.at];
    if (move === undefined) throw new Error('the inpainting is finished');
    const index = this.at;
    this.at += 1;
    if (move > 0) {
      const s = this.process.step();
      this.lastX0?.dispose();
      this.lastX0 = tf.clone(s.predX0);
      return { ...s, index, total: this.moves.length };
    }
    const t = this.process.levelT(this.process.level);
    this.process.back(-move);
    return {
      index,
      total: this.moves.length,
      t,
      prevT: this.process.levelT(this.process.level),
      x: tf.clone(this.process.current),
      predX0: tf.clone(this.lastX0 ?? this.process.current),
    };
  }

  dispose(): void {
    this.process.dispose();
    this.image.dispose();
    this.known.dispose();
    this.lastX0?.dispose();
  }
}

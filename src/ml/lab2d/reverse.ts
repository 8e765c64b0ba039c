/**
 * Reverse processes on points, recorded step by step: DDPM and DDIM through the image lab's
 * samplers (ml/samplers.ts), flow matching with Euler or Heun (flow.ts). Each returns every
 * intermediate position, frame after frame, so the page can play, step back and draw trails.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gaussian } from '../random';
import { ddimStep, ddpmStep, inferenceTimesteps, type Prediction } from '../samplers';
import type { Schedule } from '../schedule';
import { eulerStep, flowTimes, heunStep, type Velocity } from './flow';
import { diffusionLevel, flowLevel, posteriorMean } from './mixture';

export const METHODS = ['ddpm', 'ddim', 'flow'] as const;
export type Method = (typeof METHODS)[number];
export type FlowSolver = 'euler' | 'heun';

/** A model output for interleaved points at one time (diffusion t, or flow t ∈ [0, 1]). */
export type Predict = (x: Float32Array, time: number) => Float32Array;

export interface Trajectory {
  /** (steps + 1) frames of 2N coordinates; frame 0 is the starting noise. */
  readonly frames: Float32Array;
  /** The time of each frame (diffusion t, −1 at the end; or flow t). */
  readonly times: Float32Array;
}

function record(noise: Float32Array, steps: number): { frames: Float32Array; times: Float32Array } {
  const frames = new Float32Array((steps + 1) * noise.length);
  frames.set(noise, 0);
  return { frames, times: new Float32Array(steps + 1) };
}

/**
 * DDPM (stochastic, fixed-small variance) or DDIM (η = 0, deterministic) over `steps` trailing
 * timesteps, so the first step starts from pure noise at t = T − 1 however few steps there are.
 * x̂₀ is never clipped: 2-D data lives well outside [−1, 1].
 */
export function runDiffusion(
  sampler: 'ddpm' | 'ddim',
  schedule: Schedule,
  steps: number,
  prediction: Prediction,
  noise: Float32Array,
  seed: number,
  predict: Predict,
): Trajectory {
  const n = noise.length / 2;
  const ts = inferenceTimesteps(schedule.T, steps, 'trailing');
  const { frames, times } = record(noise, steps);
  let x = noise;
  times[0] = ts[0] ?? 0;
  ts.forEach((t, k) => {
    const prevT = ts[k + 1] ?? -1;
    x = tf.tidy(() => {
      const xt = tf.tensor2d(x, [n, 2]);
      const out = tf.tensor2d(predict(x, t), [n, 2]);
      const z = tf.tensor2d(gaussian((seed * 7919 + k * 104_729 + 3) >>> 0, 2 * n), [n, 2]);
      const { prevSample } =
        sampler === 'ddpm'
          ? ddpmStep(schedule, t, prevT, xt, out, {
              prediction,
              clip: false,
              variance: 'fixed-small',
              noise: z,
            })
          : ddimStep(schedule, t, prevT, xt, out, { prediction, clip: false, eta: 0 });
      return prevSample.dataSync() as Float32Array;
    });
    frames.set(x, (k + 1) * 2 * n);
    times[k + 1] = prevT;
  });
  return { frames, times };
}

/** Flow matching from t = 1 to 0 in `steps` equal steps; `predict` returns the velocity. */
export function runFlow(
  solver: FlowSolver,
  steps: number,
  noise: Float32Array,
  predict: Predict,
): Trajectory {
  const { frames, times } = record(noise, steps);
  const ts = flowTimes(steps);
  const velocity: Velocity = predict;
  let x = noise;
  times[0] = 1;
  for (let k = 0; k < steps; k++) {
    const [t = 1, tNext = 0] = [ts[k], ts[k + 1]];
    x =
      solver === 'heun' ? heunStep(x, t, tNext, velocity) : eulerStep(x, t, tNext, velocity(x, t));
    frames.set(x, (k + 1) * noise.length);
    times[k + 1] = tNext;
  }
  return { frames, times };
}

/** u + s·(c − u), elementwise: classifier-free guidance on any output that is affine in x̂₀. */
export function guide(uncond: Float32Array, cond: Float32Array, scale: number): Float32Array {
  return uncond.map((u, k) => u + scale * ((cond[k] ?? 0) - u));
}

export interface IdealOptions {
  readonly data: Float32Array;
  readonly labels: Uint8Array;
  /** Class to guide toward (−1: none) and the guidance scale. */
  readonly guideClass: number;
  readonly scale: number;
}

/** x̂₀ of the ideal denoiser, guided when asked (the conditional one uses only that class's points). */
function idealX0(
  opts: IdealOptions,
  level: { a: number; s: number },
  x: Float32Array,
): Float32Array {
  const u = posteriorMean(opts.data, level, x);
  if (opts.guideClass < 0) return u;
  const c = posteriorMean(opts.data, level, x, opts.labels, opts.guideClass);
  return guide(u, c, opts.scale);
}

/** The ideal denoiser as an x₀-prediction model for DDPM / DDIM. */
export function idealDiffusion(opts: IdealOptions, schedule: Schedule): Predict {
  return (x, t) => idealX0(opts, diffusionLevel(schedule, t), x);
}

/** The ideal velocity E[ε − x₀ | x_t] = (x_t − x̂₀)/t for flow matching. */
export function idealFlow(opts: IdealOptions): Predict {
  return (x, t) => {
    const x0 = idealX0(opts, flowLevel(t), x);
    return x.map((xi, k) => (xi - (x0[k] ?? 0)) / t);
  };
}

/**
 * DDPM / DDIM reverse steps, transcribing diffusers' DDPMScheduler.step and DDIMScheduler.step
 * (docs/ARCHITECTURE.md, "Diffusion math"). Scalar coefficients are computed in float64 from the schedule and only then
 * handed to tfjs, so float32 tensors never see a long product of alphas.
 */
import * as tf from '@tensorflow/tfjs-core';
import { alphaBarAt, type Schedule } from './schedule';

export type Prediction = 'epsilon' | 'v' | 'x0';
export type Spacing = 'leading' | 'trailing' | 'linspace';
export type DdpmVariance = 'fixed-small' | 'fixed-large';

export interface StepResult {
  prevSample: tf.Tensor;
  predX0: tf.Tensor;
}

export interface DdpmOptions {
  prediction: Prediction;
  clip: boolean;
  variance: DdpmVariance;
  noise?: tf.Tensor;
}

export interface DdimOptions {
  prediction: Prediction;
  clip: boolean;
  eta: number;
  noise?: tf.Tensor;
}

// numpy's round (used by diffusers for spacings) rounds halves to even; Math.round would turn
// e.g. linspace(0, 9, 3) = [0, 4.5, 9] into 5 instead of 4.
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Descending inference timesteps for `n` of `T` steps, as diffusers' `set_timesteps`. */
export function inferenceTimesteps(T: number, n: number, spacing: Spacing): number[] {
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`T must be a positive integer, got ${T}`);
  if (!Number.isInteger(n) || n < 1 || n > T) {
    throw new RangeError(`steps must be an integer in 1..${T}, got ${n}`);
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  switch (spacing) {
    case 'leading': {
      const ratio = Math.floor(T / n);
      return idx.map((i) => i * ratio).reverse();
    }
    case 'trailing': {
      // np.arange(T, 0, -T/n) fills T + i·delta with delta = (T − T/n) − T, which can differ from
      // −T/n in the last bit and flip exact halves (T=7, n=6). It can also yield n+1 values, a
      // trailing −1 that diffusers would then step to; we keep exactly n.
      const delta = T - T / n - T;
      return idx.map((i) => roundHalfEven(T + i * delta) - 1);
    }
    case 'linspace': {
      if (n === 1) return [0];
      const step = (T - 1) / (n - 1);
      // numpy pins the endpoint exactly rather than trusting (n−1)·step.
      return idx.map((i) => (i === n - 1 ? T - 1 : roundHalfEven(i * step))).reverse();
    }
    default: {
      const never: never = spacing;
      throw new Error(`unknown spacing: ${String(never)}`);
    }
  }
}

/** The step after `timesteps[index]`, or −1 after the last (DDPMScheduler.previous_timestep). */
export function prevTimestep(timesteps: readonly number[], index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= timesteps.length) {
    throw new RangeError(`index ${index} outside 0..${timesteps.length - 1}`);
  }
  return timesteps[index + 1] ?? -1;
}

function checkT(schedule: Schedule, t: number): number {
  if (!Number.isInteger(t) || t < 0 || t >= schedule.T) {
    throw new RangeError(`t=${t} outside 0..${schedule.T - 1}`);
  }
  return alphaBarAt(schedule, t);
}

function alphaBars(schedule: Schedule, t: number, prevT: number): { a: number; aPrev: number } {
  const a = checkT(schedule, t);
  if (!Number.isInteger(prevT) || prevT >= t) {
    throw new RangeError(`prevT must be an integer below t=${t}, got ${prevT}`);
  }
  return { a, aPrev: alphaBarAt(schedule, prevT) };
}

/** a·x + b·y with float64 coefficients. */
function lin(a: number, x: tf.Tensor, b: number, y: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(x, tf.scalar(a)), tf.mul(y, tf.scalar(b)));
}

/** diffusers' EulerDiscreteScheduler sets ᾱ_{T−1} to this instead of 0 under zero terminal SNR. */
export const EPSILON_ALPHA_BAR_FLOOR = 2 ** -24;

/** x̂0 implied by the model output, before any clipping. */
export function predictX0(
  schedule: Schedule,
  t: number,
  xt: tf.Tensor,
  modelOut: tf.Tensor,
  prediction: Prediction,
): tf.Tensor {
  const a = checkT(schedule, t);
  return tf.tidy(() => {
    switch (prediction) {
      case 'epsilon': {
        if (a >= EPSILON_ALPHA_BAR_FLOOR)
          return lin(1 / Math.sqrt(a), xt, -Math.sqrt(1 - a) / Math.sqrt(a), modelOut);
        // With zero terminal SNR, ᾱ = 0 at T−1 and x̂0 = (x_t − ε̂)/0 is undefined: from pure
        // noise an ε-model cannot tell the digit. Like diffusers' Euler scheduler we put ᾱ a hair
        // above 0, and keep the guess within the data's range, so the step stays finite and the
        // next x_t is an ordinary noisy image (the UI recommends v or x₀ with this schedule).
        const s = Math.sqrt(EPSILON_ALPHA_BAR_FLOOR);
        return tf.clipByValue(lin(1 / s, xt, -Math.sqrt(1 - a) / s, modelOut), -1, 1);
      }
      case 'v':
        return lin(Math.sqrt(a), xt, -Math.sqrt(1 - a), modelOut);
      case 'x0':
        return tf.clone(modelOut);
    }
  });
}

/** ε̂ implied by the model output; always from the unclipped x̂0 (use_clipped_model_output=False). */
export function predictEpsilon(
  schedule: Schedule,
  t: number,
  xt: tf.Tensor,
  modelOut: tf.Tensor,
  prediction: Prediction,
): tf.Tensor {
  const a = checkT(schedule, t);
  return tf.tidy(() => {
    switch (prediction) {
      case 'epsilon':
        return tf.clone(modelOut);
      case 'v':
        return lin(Math.sqrt(a), modelOut, Math.sqrt(1 - a), xt);
      case 'x0':
        return lin(1 / Math.sqrt(1 - a), xt, -Math.sqrt(a) / Math.sqrt(1 - a), modelOut);
    }
  });
}

function clippedX0(
  schedule: Schedule,
  t: number,
  xt: tf.Tensor,
  modelOut: tf.Tensor,
  prediction: Prediction,
  clip: boolean,
): tf.Tensor {
  const x0 = predictX0(schedule, t, xt, modelOut, prediction);
  return clip ? tf.clipByValue(x0, -1, 1) : x0;
}

/** One DDPMScheduler.step from t to an arbitrary earlier prevT (−1 after the last step). */
export function ddpmStep(
  schedule: Schedule,
  t: number,
  prevT: number,
  xt: tf.Tensor,
  modelOut: tf.Tensor,
  opts: DdpmOptions,
): StepResult {
  const { a, aPrev } = alphaBars(schedule, t, prevT);
  // Callers own the randomness so runs stay reproducible from a seed.
  if (t > 0 && opts.noise === undefined) throw new Error(`ddpmStep at t=${t} needs a noise tensor`);
  const alphaT = a / aPrev;
  const betaT = 1 - alphaT;
  const coefX0 = (Math.sqrt(aPrev) * betaT) / (1 - a);
  const coefXt = (Math.sqrt(alphaT) * (1 - aPrev)) / (1 - a);
  // diffusers clamps the posterior variance so that prevT = −1 with t > 0 cannot yield 0 · NaN.
  const variance =
    opts.variance === 'fixed-large' ? betaT : Math.max(((1 - aPrev) / (1 - a)) * betaT, 1e-20);
  return tf.tidy(() => {
    const predX0 = clippedX0(schedule, t, xt, modelOut, opts.prediction, opts.clip);
    const mean = lin(coefX0, predX0, coefXt, xt);
    const prevSample =
      t > 0 && opts.noise !== undefined
        ? tf.add(mean, tf.mul(opts.noise, tf.scalar(Math.sqrt(variance))))
        : mean;
    return { prevSample, predX0 };
  });
}

/** One DDIMScheduler.step; η = 0 is deterministic, η = 1 matches DDPM's fixed-small posterior. */
export function ddimStep(
  schedule: Schedule,
  t: number,
  prevT: number,
  xt: tf.Tensor,
  modelOut: tf.Tensor,
  opts: DdimOptions,
): StepResult {
  const { a, aPrev } = alphaBars(schedule, t, prevT);
  // η > 1 would make √(1−ᾱ_prev−σ²) imaginary.
  if (!(opts.eta >= 0 && opts.eta <= 1))
    throw new RangeError(`eta must be in [0, 1], got ${opts.eta}`);
  const sigma = opts.eta * Math.sqrt(((1 - aPrev) / (1 - a)) * (1 - a / aPrev));
  if (sigma > 0 && opts.noise === undefined) {
    throw new Error(`ddimStep with eta=${opts.eta} at t=${t} needs a noise tensor`);
  }
  // At η = 1 the radicand is ≥ 0 analytically; guard against float rounding below zero.
  const dirCoef = Math.sqrt(Math.max(1 - aPrev - sigma * sigma, 0));
  return tf.tidy(() => {
    const predX0 = clippedX0(schedule, t, xt, modelOut, opts.prediction, opts.clip);
    const eps = predictEpsilon(schedule, t, xt, modelOut, opts.prediction);
    const mean = lin(Math.sqrt(aPrev), predX0, dirCoef, eps);
    const prevSample =
      sigma > 0 && opts.noise !== undefined
        ? tf.add(mean, tf.mul(opts.noise, tf.scalar(sigma)))
        : mean;
    return { prevSample, predX0 };
  });
}

/** Classifier-free guidance: ε_u + s·(ε_c − ε_u). */
export function guidedEpsilon(uncond: tf.Tensor, cond: tf.Tensor, scale: number): tf.Tensor {
  return tf.tidy(() => tf.add(uncond, tf.mul(tf.sub(cond, uncond), tf.scalar(scale))));
}

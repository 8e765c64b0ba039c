/**
 * Flow matching (rectified flow) for the image lab, on the diffusion lab's integer timestep grid:
 * step t of T is flow time τ = (t + 1)/T, and x_τ = (1 − τ)·x₀ + τ·ε runs from nearly clean at
 * t = 0 to pure noise at t = T − 1. The network regresses the velocity ε − x₀ and reads t as its
 * timestep input, so the UNet, the batch draws and the recorded WebGPU step (which only replays
 * its inputs) are those of diffusion training; only the two scales and the target differ.
 * Sampling integrates dx/dτ = v from τ = 1 down to 0 with Euler or Heun, feeding the network the
 * continuous grid position τ·T − 1 between grid points (its sinusoidal embedding takes floats).
 * The 2-D lab's ml/lab2d/flow.ts is the same method on points, in plain arrays.
 */
import * as tf from '@tensorflow/tfjs-core';
/** Flow time of grid step t (−1, after the last step, is τ = 0: the data). */
export function flowTau(t: number, T: number): number {
  return (t + 1) / T;
}

/**
 * The scales of x_τ = a·x₀ + s·ε at grid step t: a = 1 − τ, s = τ (the flow's √ᾱ and √(1 − ᾱ)).
 * In float64; (T − t − 1)/T rather than 1 − τ so that a is exact where it can be.
 */
export function flowScales(t: number, T: number): { a: number; s: number } {
  return { a: (T - t - 1) / T, s: (t + 1) / T };
}

/**
 * The grid positions an n-step flow run evaluates the network at: τ = 1, 1 − 1/n, …, 1/n as
 * τ·T − 1 (T − 1 first; whole numbers where n divides T). The step after the last lands on −1, τ = 0.
 */
export function flowTimesteps(T: number, n: number): number[] {
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`T must be a positive integer, got ${T}`);
  if (!Number.isInteger(n) || n < 1 || n > T) {
    throw new RangeError(`steps must be an integer in 1..${T}, got ${n}`);
  }
  return Array.from({ length: n }, (_, i) => (T * (n - i)) / n - 1);
}

/**
 * Min-SNR-γ weight of a velocity loss at flow time τ. SNR = (1 − τ)²/τ², and x̂₀ = x_τ − τ·v̂
 * makes ‖v̂ − v‖² = ‖x̂₀ − x₀‖²/τ², so weighing the velocity loss by min(SNR, γ)·τ² =
 * min((1 − τ)², γ·τ²) weighs each sample min(SNR, γ) in x₀ terms, as for the diffusion targets.
 */
export function flowMinSnrWeight(tau: number, gamma: number): number {
  return Math.min((1 - tau) ** 2, gamma * tau * tau);
}

/** x̂₀ implied by a velocity v̂ at flow time τ: x_τ − τ·v̂. */
export function flowX0(x: tf.Tensor, v: tf.Tensor, tau: number): tf.Tensor {
  return tf.tidy(() => tf.sub(x, tf.mul(v, tf.scalar(tau))));
}

/** One Euler step from τ to τNext < τ: x + (τNext − τ)·v, against the velocity toward the data. */
export function flowEulerStep(x: tf.Tensor, v: tf.Tensor, tau: number, tauNext: number): tf.Tensor {
  return tf.tidy(() => tf.add(x, tf.mul(v, tf.scalar(tauNext - tau))));
}

/**
 * Heun's correction: the Euler step again with the mean of the velocity at τ (v1) and the one
 * the network gave at the Euler prediction's τNext (v2). A step landing on τ = 0 stays Euler, as
 * in EDM's sampler and the 2-D lab: the caller does not ask for v2 there.
 */
export function flowHeunStep(
  x: tf.Tensor,
  v1: tf.Tensor,
  v2: tf.Tensor,
  tau: number,
  tauNext: number,
): tf.Tensor {
  return tf.tidy(() => flowEulerStep(x, tf.mul(tf.add(v1, v2), tf.scalar(0.5)), tau, tauNext));
}

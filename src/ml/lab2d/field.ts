/**
 * The vector fields the lab draws as arrows, both pointing where a particle moves while sampling:
 * for diffusion the score ∇log p_t = −ε̂/s (s = √(1−ᾱ_t)); for flow matching −v, the direction
 * of travel from t = 1 toward t = 0.
 */
import type { Prediction } from '../samplers';
import type { NoiseLevel } from './mixture';

/** ε̂ implied by a model output at level (a, s) (a² + s² = 1 for diffusion). */
export function epsilonFromOutput(
  prediction: Prediction,
  level: NoiseLevel,
  x: Float32Array,
  out: Float32Array,
): Float32Array {
  const { a, s } = level;
  return out.map((o, k) => {
    const xk = x[k] ?? 0;
    if (prediction === 'epsilon') return o;
    if (prediction === 'v') return a * o + s * xk;
    return (xk - a * o) / s;
  });
}

/** The score −ε̂/s. */
export function scoreFromEpsilon(level: NoiseLevel, eps: Float32Array): Float32Array {
  return eps.map((e) => -e / level.s);
}

/** −v: where a flow-matching particle heads next. */
export function travelFromVelocity(v: Float32Array): Float32Array {
  return v.map((e) => -e);
}

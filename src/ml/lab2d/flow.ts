/**
 * Flow matching (rectified flow) on points: x_t = (1−t)·x₀ + t·ε for t ∈ [0, 1], regressed onto
 * the velocity ε − x₀; sampling integrates dx/dt = v(x, t) from t = 1 (noise) down to 0 (data).
 */

/** x_t and the velocity target for one batch (all arrays interleaved x, y; t per point). */
export function flowTargets(
  x0: Float32Array,
  eps: Float32Array,
  t: Float32Array,
): { xt: Float32Array; target: Float32Array } {
  const xt = new Float32Array(x0.length);
  const target = new Float32Array(x0.length);
  for (let k = 0; k < x0.length; k++) {
    const tk = t[k >> 1] ?? 0;
    const a = x0[k] ?? 0;
    const e = eps[k] ?? 0;
    xt[k] = (1 - tk) * a + tk * e;
    target[k] = e - a;
  }
  return { xt, target };
}

/** x + (tNext − t)·v: one Euler step (tNext < t, so it moves against the velocity). */
export function eulerStep(
  x: Float32Array,
  t: number,
  tNext: number,
  v: Float32Array,
): Float32Array {
  const h = tNext - t;
  return x.map((xi, k) => xi + h * (v[k] ?? 0));
}

export type Velocity = (x: Float32Array, t: number) => Float32Array;

/**
 * Heun's method: an Euler predictor, then the average of the velocities at both ends. The step
 * that lands on t = 0 stays Euler (as in EDM's sampler): the velocity there, (x − x̂₀)/t for the
 * ideal field, divides by zero.
 */
export function heunStep(
  x: Float32Array,
  t: number,
  tNext: number,
  velocity: Velocity,
): Float32Array {
  const v1 = velocity(x, t);
  const predicted = eulerStep(x, t, tNext, v1);
  if (tNext <= 0) return predicted;
  const v2 = velocity(predicted, tNext);
  return eulerStep(
    x,
    t,
    tNext,
    v1.map((a, k) => 0.5 * (a + (v2[k] ?? 0))),
  );
}

/** n + 1 times from 1 down to 0, evenly spaced. */
export function flowTimes(n: number): number[] {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`steps must be a positive integer, got ${n}`);
  return Array.from({ length: n + 1 }, (_, i) => 1 - i / n);
}

/**
 * Kernel Inception Distance on classifier features (docs/ARCHITECTURE.md, "Sample quality"): the unbiased estimator of the
 * squared MMD with the polynomial kernel k(a, b) = (a·b/d + 1)³ (Bińkowski et al. 2018):
 *
 *   MMD²_u = mean_{i≠j} k(xᵢ, xⱼ) + mean_{i≠j} k(yᵢ, yⱼ) − 2·mean_{i,j} k(xᵢ, yⱼ)
 *
 * Unbiased, so it is 0 in expectation for equal distributions and can come out slightly negative.
 * Pure JS in float64 over Float32Array rows: n ≈ 1000 × d = 64 is a few tens of ms.
 */
import { mulberry32, randomInt } from '../random';

function rows(features: Float32Array, d: number, what: string): number {
  if (!(d > 0) || !Number.isInteger(d)) throw new RangeError(`kid: feature width ${d}`);
  const n = features.length / d;
  if (!Number.isInteger(n))
    throw new RangeError(`kid: ${what} has ${features.length} values, not n·${d}`);
  return n;
}

/** Σ_{i, j} k(aᵢ, bⱼ), or Σ_{i≠j} when `a` and `b` are the same array (`same`). */
function kernelSum(
  a: Float32Array,
  na: number,
  b: Float32Array,
  nb: number,
  d: number,
  same: boolean,
): number {
  let total = 0;
  const ai = new Float64Array(d);
  for (let i = 0; i < na; i++) {
    for (let t = 0; t < d; t++) ai[t] = a[i * d + t] ?? 0;
    // Off-diagonal pairs of a symmetric matrix: sum j > i and double it.
    for (let j = same ? i + 1 : 0; j < nb; j++) {
      let dot = 0;
      const base = j * d;
      for (let t = 0; t < d; t++) dot += (ai[t] ?? 0) * (b[base + t] ?? 0);
      const k = dot / d + 1;
      total += k * k * k;
    }
  }
  return same ? 2 * total : total;
}

/**
 * Unbiased KID (MMD² with the cubic polynomial kernel) between features x [nx·d] and y [ny·d]
 * (row-major), nx, ny ≥ 2.
 */
export function kid(x: Float32Array, y: Float32Array, d: number): number {
  const nx = rows(x, d, 'x');
  const ny = rows(y, d, 'y');
  if (nx < 2 || ny < 2)
    throw new RangeError(`kid: needs at least 2 samples each (got ${nx}, ${ny})`);
  const kxx = kernelSum(x, nx, x, nx, d, true) / (nx * (nx - 1));
  const kyy = kernelSum(y, ny, y, ny, d, true) / (ny * (ny - 1));
  const kxy = kernelSum(x, nx, y, ny, d, false) / (nx * ny);
  return kxx + kyy - 2 * kxy;
}

/** Rows `ids` of features [n·d], as a new array. */
export function pickRows(features: Float32Array, d: number, ids: readonly number[]): Float32Array {
  const out = new Float32Array(ids.length * d);
  ids.forEach((id, k) => out.set(features.subarray(id * d, (id + 1) * d), k * d));
  return out;
}

/**
 * The real-vs-real floor: KID between two disjoint random halves of real features [n·d] (at most
 * `perSide` rows each). A generated set's KID is read against this number — the noise level of
 * the estimator at that sample size.
 */
export function realFloor(real: Float32Array, d: number, seed = 0, perSide = Infinity): number {
  const n = rows(real, d, 'real');
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [order[i], order[j]] = [order[j] ?? j, order[i] ?? i];
  }
  const half = Math.min(Math.floor(n / 2), perSide);
  return kid(
    pickRows(real, d, order.slice(0, half)),
    pickRows(real, d, order.slice(half, 2 * half)),
    d,
  );
}

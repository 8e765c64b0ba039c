/**
 * Exact quantities for a finite data set {x_i}. Noising a point set as x_t = a·x₀ + s·ε makes
 * x_t a mixture of N equal Gaussians N(a·x_i, s²I), so its density and the posterior mean
 * E[x₀ | x_t] (the ideal denoiser, the best any network can do in squared error) have closed
 * forms. Diffusion uses a = √ᾱ_t, s = √(1−ᾱ_t); flow matching a = 1−t, s = t.
 */
import { alphaBarAt, type Schedule } from '../schedule';

export interface NoiseLevel {
  /** How much of x₀ is left. */
  readonly a: number;
  /** The standard deviation of the added noise. */
  readonly s: number;
}

export function diffusionLevel(schedule: Schedule, t: number): NoiseLevel {
  const ab = alphaBarAt(schedule, t);
  return { a: Math.sqrt(ab), s: Math.sqrt(1 - ab) };
}

export function flowLevel(t: number): NoiseLevel {
  return { a: 1 - t, s: t };
}

/** p_t(x, y) = (1/N) Σ_i N((x, y); a·x_i, s²I). */
export function mixtureDensity(
  data: Float32Array,
  level: NoiseLevel,
  x: number,
  y: number,
): number {
  const n = data.length / 2;
  const { a, s } = level;
  const inv = 1 / (2 * s * s);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const dx = x - a * (data[2 * i] ?? 0);
    const dy = y - a * (data[2 * i + 1] ?? 0);
    sum += Math.exp(-(dx * dx + dy * dy) * inv);
  }
  return sum / (n * 2 * Math.PI * s * s);
}

/** The square the plot shows, in plot units. */
export interface Bounds {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

/** Pixel centres along one axis, from `lo` to `hi`. */
function centres(lo: number, hi: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = lo + ((k + 0.5) * (hi - lo)) / n;
  return out;
}

/**
 * The exact density at every pixel centre of a w × h grid (row 0 at yMax, as a canvas draws).
 * Each component factorises in x and y, so the grid is Σ_i gx_i ⊗ gy_i: N·(w + h) exponentials
 * and one N-long sum per pixel instead of N exponentials per pixel; components that are
 * negligible (beyond 6 s) along a row are skipped.
 */
export function densityGrid(
  data: Float32Array,
  level: NoiseLevel,
  bounds: Bounds,
  w: number,
  h: number,
): Float32Array {
  const n = data.length / 2;
  const { a, s } = level;
  const xs = centres(bounds.xMin, bounds.xMax, w);
  const ys = centres(bounds.yMax, bounds.yMin, h);
  const inv = 1 / (2 * s * s);
  const norm = 1 / (n * 2 * Math.PI * s * s);
  const gx = new Float64Array(w);
  const out = new Float64Array(w * h);
  const cut = 6 * s;
  for (let i = 0; i < n; i++) {
    const mx = a * (data[2 * i] ?? 0);
    const my = a * (data[2 * i + 1] ?? 0);
    for (let c = 0; c < w; c++) {
      const d = (xs[c] ?? 0) - mx;
      gx[c] = Math.abs(d) > cut ? 0 : Math.exp(-d * d * inv);
    }
    for (let r = 0; r < h; r++) {
      const d = (ys[r] ?? 0) - my;
      if (Math.abs(d) > cut) continue;
      const g = Math.exp(-d * d * inv) * norm;
      const row = r * w;
      for (let c = 0; c < w; c++) out[row + c] = (out[row + c] ?? 0) + g * (gx[c] ?? 0);
    }
  }
  return Float32Array.from(out);
}

/**
 * E[x₀ | x_t] for each query point, over the data points (or only those of class `onlyClass`
 * when it is ≥ 0 and `labels` is given): Σ w_i x_i with w_i ∝ exp(−|x_t − a·x_i|²/2s²),
 * softmax-normalised from the largest log-weight so tiny s does not underflow every weight.
 */
export function posteriorMean(
  data: Float32Array,
  level: NoiseLevel,
  query: Float32Array,
  labels?: Uint8Array,
  onlyClass = -1,
): Float32Array {
  const n = data.length / 2;
  const q = query.length / 2;
  const { a, s } = level;
  const inv = 1 / (2 * s * s);
  const out = new Float32Array(query.length);
  const logW = new Float64Array(n);
  const counts = (i: number) => onlyClass < 0 || !labels || labels[i] === onlyClass;
  for (let j = 0; j < q; j++) {
    const x = query[2 * j] ?? 0;
    const y = query[2 * j + 1] ?? 0;
    let best = -Infinity;
    for (let i = 0; i < n; i++) {
      if (!counts(i)) continue;
      const dx = x - a * (data[2 * i] ?? 0);
      const dy = y - a * (data[2 * i + 1] ?? 0);
      const lw = -(dx * dx + dy * dy) * inv;
      logW[i] = lw;
      if (lw > best) best = lw;
    }
    let sw = 0;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      if (!counts(i)) continue;
      const wi = Math.exp((logW[i] ?? -Infinity) - best);
      sw += wi;
      sx += wi * (data[2 * i] ?? 0);
      sy += wi * (data[2 * i + 1] ?? 0);
    }
    out[2 * j] = sw > 0 ? sx / sw : 0;
    out[2 * j + 1] = sw > 0 ? sy / sw : 0;
  }
  return out;
}

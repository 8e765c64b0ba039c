/**
 * GroupNorm forward and backward, optionally through a following SiLU, as plain loops over NHWC
 * float32 arrays: the kernels for backends whose tensors live in CPU memory (wasm, cpu). A few
 * passes in place of the ~27 elementwise and reduction kernels of the tfjs-ops version; sums are
 * accumulated in float64. Math.exp costs ~27 ns per value on this project's machine, ~15× the
 * whole wasm Sigmoid kernel (XNNPACK, SIMD), so callers on wasm run the sigmoid as a tfjs kernel
 * and hand σ to the backward (`sig`); `act` here is the complete but slow path.
 */

export interface GroupNormDims {
  /** Batch. */
  readonly b: number;
  /** Pixels per sample (H·W). */
  readonly hw: number;
  readonly c: number;
  readonly groups: number;
}

function checkDims({ b, hw, c, groups }: GroupNormDims, size: number): number {
  if (c % groups !== 0) throw new RangeError(`groupNorm: ${c} channels, ${groups} groups`);
  if (b * hw * c !== size) throw new RangeError(`groupNorm: ${size} values for ${b}×${hw}×${c}`);
  return c / groups;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * y = xhat·γ + β (then SiLU when `act`), xhat = (x − mean)·rstd per (sample, group).
 * `stats` [B, G, 2] receives (mean, rstd = 1/√(var + eps)) for each (sample, group).
 */
export function groupNormForward(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  dims: GroupNormDims,
  eps: number,
  act: boolean,
  y: Float32Array,
  stats: Float32Array,
): void {
  const { b, hw, c, groups } = dims;
  const cg = checkDims(dims, x.length);
  const n = hw * cg;
  for (let s = 0; s < b; s++) {
    for (let g = 0; g < groups; g++) {
      const c0 = g * cg;
      let sum = 0;
      for (let p = 0; p < hw; p++) {
        const base = (s * hw + p) * c + c0;
        for (let j = 0; j < cg; j++) sum += x[base + j]!;
      }
      const mu = sum / n;
      let sq = 0;
      for (let p = 0; p < hw; p++) {
        const base = (s * hw + p) * c + c0;
        for (let j = 0; j < cg; j++) {
          const d = x[base + j]! - mu;
          sq += d * d;
        }
      }
      const r = 1 / Math.sqrt(sq / n + eps);
      stats[2 * (s * groups + g)] = mu;
      stats[2 * (s * groups + g) + 1] = r;
      for (let p = 0; p < hw; p++) {
        const base = (s * hw + p) * c + c0;
        for (let j = 0; j < cg; j++) {
          const v = (x[base + j]! - mu) * r * gamma[c0 + j]! + beta[c0 + j]!;
          y[base + j] = act ? v * sigmoid(v) : v;
        }
      }
    }
  }
}

export interface GroupNormGrads {
  /** [B, H, W, C]. */
  readonly dx: Float32Array;
  /** [C]. */
  readonly dGamma: Float32Array;
  readonly dBeta: Float32Array;
}

/**
 * With xhat = (x − mean)·rstd and v = xhat·γ + β, through SiLU when `act` (σ(v) taken from `sig`
 * when given, else recomputed):
 *   dv = dy·σ(v)·(1 + v·(1 − σ(v))),  dγ = Σ dv·xhat,  dβ = Σ dv,
 *   dx = rstd·(dxhat − mean(dxhat) − xhat·mean(dxhat·xhat)),  dxhat = dv·γ.
 */
export function groupNormBackward(
  dy: Float32Array,
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  stats: Float32Array,
  act: boolean,
  sig: Float32Array | null,
  dims: GroupNormDims,
  out: GroupNormGrads,
): void {
  const { b, hw, c, groups } = dims;
  const cg = checkDims(dims, x.length);
  const n = hw * cg;
  const { dx } = out;
  const dGamma = new Float64Array(c);
  const dBeta = new Float64Array(c);
  for (let s = 0; s < b; s++) {
    for (let g = 0; g < groups; g++) {
      const c0 = g * cg;
      const mu = stats[2 * (s * groups + g)]!;
      const r = stats[2 * (s * groups + g) + 1]!;
      let s1 = 0;
      let s2 = 0;
      // First pass: dxhat into dx, and the sums the second pass needs.
      for (let p = 0; p < hw; p++) {
        const base = (s * hw + p) * c + c0;
        for (let j = 0; j < cg; j++) {
          const i = base + j;
          const k = c0 + j;
          const xhat = (x[i]! - mu) * r;
          let dv = dy[i]!;
          if (act) {
            const v = xhat * gamma[k]! + beta[k]!;
            const sg = sig ? sig[i]! : sigmoid(v);
            dv *= sg * (1 + v * (1 - sg));
          }
          dGamma[k] = dGamma[k]! + dv * xhat;
          dBeta[k] = dBeta[k]! + dv;
          const dxhat = dv * gamma[k]!;
          dx[i] = dxhat;
          s1 += dxhat;
          s2 += dxhat * xhat;
        }
      }
      const m1 = s1 / n;
      const m2 = s2 / n;
      for (let p = 0; p < hw; p++) {
        const base = (s * hw + p) * c + c0;
        for (let j = 0; j < cg; j++) {
          const i = base + j;
          dx[i] = r * (dx[i]! - m1 - (x[i]! - mu) * r * m2);
        }
      }
    }
  }
  out.dGamma.set(dGamma);
  out.dBeta.set(dBeta);
}

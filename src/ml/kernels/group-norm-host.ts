/**
 * GroupNorm forward and backward (the backward also through a following SiLU) as plain loops over
 * NHWC float32 arrays: the kernels for backends whose tensors live in CPU memory (wasm, cpu). A
 * few passes in place of the ~27 elementwise and reduction kernels of the tfjs-ops version; sums
 * are accumulated in float64. The sigmoid itself stays a tfjs kernel: Math.exp costs ~27 ns per
 * value on this project's machine, ~15× the whole wasm Sigmoid kernel (XNNPACK, SIMD).
 */

export interface GroupNormDims {
  /** Batch. */
  readonly b: number;
  /** Pixels per sample (H·W). */
  readonly hw: number;
  readonly c: number;
  readonly groups: number;
}

export interface GroupNormForward {
  /** Output xhat·γ + β, [B, H, W, C]. */
  readonly y: Float32Array;
  /** Per (sample, group) mean and 1/√(var + eps), [B, G]. */
  readonly mean: Float32Array;
  readonly rstd: Float32Array;
}

function checkDims({ b, hw, c, groups }: GroupNormDims, size: number): number {
  if (c % groups !== 0) throw new RangeError(`groupNorm: ${c} channels, ${groups} groups`);
  if (b * hw * c !== size) throw new RangeError(`groupNorm: ${size} values for ${b}×${hw}×${c}`);
  return c / groups;
}

export function groupNormForward(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  dims: GroupNormDims,
  eps: number,
  out: GroupNormForward,
): void {
  const { b, hw, c, groups } = dims;
  const cg = checkDims(dims, x.length);
  const n = hw * cg;
  const { y, mean, rstd } = out;
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
      mean[s * groups + g] = mu;
      rstd[s * groups + g] = r;
      for (let p = 0; p < hw; p++) {
        const base = (s * hw + p) * c + c0;
        for (let j = 0; j < cg; j++) {
          y[base + j] = (x[base + j]! - mu) * r * gamma[c0 + j]! + beta[c0 + j]!;
        }
      }
    }
  }
}

export interface GroupNormBackward {
  /** [B, H, W, C]. */
  readonly dx: Float32Array;
  /** [C]. */
  readonly dGamma: Float32Array;
  readonly dBeta: Float32Array;
}

/**
 * With xhat = (x − mean)·rstd and v = xhat·γ + β, then SiLU when `sig` (σ(v), saved by the
 * forward) is given:
 *   dv = dy·σ(v)·(1 + v·(1 − σ(v))),  dγ = Σ dv·xhat,  dβ = Σ dv,
 *   dx = rstd·(dxhat − mean(dxhat) − xhat·mean(dxhat·xhat)),  dxhat = dv·γ.
 */
export function groupNormBackward(
  dy: Float32Array,
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  sig: Float32Array | null,
  dims: GroupNormDims,
  out: GroupNormBackward,
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
      const mu = mean[s * groups + g]!;
      const r = rstd[s * groups + g]!;
      let s1 = 0;
      let s2 = 0;
      // First pass: dxhat into dx, and the sums the second pass needs.
      for (let p = 0; p < hw; p++) {
        const base = (s * hw + p) * c + c0;
        for (let j = 0; j < cg; j++) {
          const i = base + j;
          const xhat = (x[i]! - mu) * r;
          let dv = dy[i]!;
          if (sig) {
            const v = xhat * gamma[c0 + j]! + beta[c0 + j]!;
            const sg = sig[i]!;
            dv *= sg * (1 + v * (1 - sg));
          }
          const k = c0 + j;
          dGamma[k] = dGamma[k]! + dv * xhat;
          dBeta[k] = dBeta[k]! + dv;
          const dxhat = dv * gamma[c0 + j]!;
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

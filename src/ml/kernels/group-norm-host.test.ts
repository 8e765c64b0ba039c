import { describe, expect, it } from 'vitest';
import { groupNormBackward, groupNormForward } from './group-norm-host';

const dims = { b: 2, hw: 6, c: 4, groups: 2 };
const n = dims.b * dims.hw * dims.c;
const wave = (k: number, f: number): Float32Array =>
  Float32Array.from({ length: k }, (_, i) => Math.sin(i * f) * 2 + 0.3);
const x = wave(n, 0.7);
const dy = wave(n, 1.3);
const gamma = Float32Array.from([1, -0.5, 2, 0.25]);
const beta = Float32Array.from([0, 0.5, -1, 0.1]);

function forward(act: boolean): { y: Float32Array; stats: Float32Array } {
  const y = new Float32Array(n);
  const stats = new Float32Array(dims.b * dims.groups * 2);
  groupNormForward(x, gamma, beta, dims, 1e-5, act, y, stats);
  return { y, stats };
}

function backward(stats: Float32Array, act: boolean, sig: Float32Array | null) {
  const out = { dx: new Float32Array(n), dGamma: new Float32Array(4), dBeta: new Float32Array(4) };
  groupNormBackward(dy, x, gamma, beta, stats, act, sig, dims, out);
  return out;
}

describe('groupNorm host loops', () => {
  it('normalises each (sample, group) to mean 0 and variance 1 before the affine', () => {
    const { stats } = forward(false);
    const ones = Float32Array.from([1, 1, 1, 1]);
    const zeros = new Float32Array(4);
    const y = new Float32Array(n);
    groupNormForward(x, ones, zeros, dims, 0, false, y, new Float32Array(stats.length));
    for (let s = 0; s < dims.b; s++) {
      for (let g = 0; g < dims.groups; g++) {
        const vals: number[] = [];
        for (let p = 0; p < dims.hw; p++)
          for (let j = 0; j < 2; j++) vals.push(y[(s * dims.hw + p) * 4 + g * 2 + j]!);
        const mean = vals.reduce((a, v) => a + v, 0) / vals.length;
        const variance = vals.reduce((a, v) => a + (v - mean) ** 2, 0) / vals.length;
        expect(Math.abs(mean)).toBeLessThan(1e-6);
        expect(Math.abs(variance - 1)).toBeLessThan(1e-5);
      }
    }
  });

  it('applies SiLU in the forward when asked, the same as SiLU of the plain output', () => {
    const plain = forward(false).y;
    const fused = forward(true).y;
    plain.forEach((v, i) =>
      expect(Math.abs(fused[i]! - v / (1 + Math.exp(-v)))).toBeLessThan(1e-6),
    );
  });

  it('gives the same SiLU gradients with σ handed in or recomputed', () => {
    const { y, stats } = forward(false);
    const sig = y.map((v) => 1 / (1 + Math.exp(-v)));
    const given = backward(stats, true, sig);
    const recomputed = backward(stats, true, null);
    for (const key of ['dx', 'dGamma', 'dBeta'] as const) {
      given[key].forEach((v, i) => expect(Math.abs(v - recomputed[key][i]!)).toBeLessThan(1e-6));
    }
  });

  it('rejects sizes that do not match the dimensions', () => {
    expect(() =>
      groupNormForward(
        x.subarray(1),
        gamma,
        beta,
        dims,
        1e-5,
        false,
        new Float32Array(n),
        new Float32Array(8),
      ),
    ).toThrow(RangeError);
  });
});

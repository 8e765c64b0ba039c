import { describe, expect, it } from 'vitest';
import { gaussian } from '../random';
import { kid, pickRows, realFloor } from './kid';

function feats(n: number, d: number, f: (i: number, t: number) => number): Float32Array {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) out[i * d + t] = f(i, t);
  return out;
}

/** n samples of a d-dim standard normal, scaled and shifted. */
function normal(seed: number, n: number, d: number, shift = 0, scale = 1): Float32Array {
  return gaussian(seed, n * d).map((v) => v * scale + shift);
}

describe('KID (unbiased MMD², cubic polynomial kernel)', () => {
  it('matches a numpy reference', () => {
    // numpy, float64 on the float32 values:
    //   k = lambda a, b: (a @ b.T / d + 1) ** 3
    //   (Kxx.sum() − tr Kxx)/(n(n−1)) + (Kyy.sum() − tr Kyy)/(m(m−1)) − 2·Kxy.mean()
    const x = feats(7, 4, (i, t) => Math.sin(i * 1.3 + t * 0.7));
    const y = feats(5, 4, (i, t) => Math.cos(i * 0.9 - t * 0.4) * 1.2 + 1.0);
    expect(kid(x, y, 4)).toBeCloseTo(17.95886980065591, 10);
    expect(kid(y, x, 4)).toBeCloseTo(17.95886980065591, 10);
    // Hand-checkable: d = 1, x = {0, 1}, y = {0, 2}.
    // Kxx off-diag = (0·1 + 1)³ = 1, Kyy off-diag = 1, Kxy = {1, 1, 1, 27} → mean 7.5.
    expect(kid(Float32Array.of(0, 1), Float32Array.of(0, 2), 1)).toBeCloseTo(1 + 1 - 15, 12);
  });

  it('is ≈ 0 for samples of one distribution and clearly positive for a shifted one', () => {
    const d = 16;
    const a = normal(1, 400, d);
    const b = normal(2, 400, d);
    const same = kid(a, b, d);
    const shifted = kid(a, normal(3, 400, d, 0.5), d);
    const scaled = kid(a, normal(4, 400, d, 0, 1.5), d);
    expect(Math.abs(same)).toBeLessThan(0.02);
    expect(shifted).toBeGreaterThan(20 * Math.abs(same));
    expect(scaled).toBeGreaterThan(20 * Math.abs(same));
    // Bigger shift, bigger distance.
    expect(kid(a, normal(5, 400, d, 1), d)).toBeGreaterThan(shifted);
  });

  it('gives a real-vs-real floor near 0 from disjoint halves', () => {
    const d = 8;
    const real = normal(7, 600, d);
    const floor = realFloor(real, d, 1);
    expect(Math.abs(floor)).toBeLessThan(0.05);
    expect(realFloor(real, d, 1)).toBe(floor);
    expect(realFloor(real, d, 1, 50)).not.toBe(floor);
  });

  it('picks rows and rejects bad shapes', () => {
    const f = feats(3, 2, (i, t) => i * 10 + t);
    expect(Array.from(pickRows(f, 2, [2, 0]))).toEqual([20, 21, 0, 1]);
    expect(() => kid(new Float32Array(5), new Float32Array(4), 2)).toThrow(/not n·2/);
    expect(() => kid(new Float32Array(2), new Float32Array(4), 2)).toThrow(/at least 2/);
  });
});

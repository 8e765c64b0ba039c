import { describe, expect, it } from 'vitest';
import { makeSchedule } from '../schedule';
import { densityGrid, diffusionLevel, flowLevel, mixtureDensity, posteriorMean } from './mixture';

const DATA = Float32Array.of(0.5, 1, -1, 0.25, 1.5, -0.75);
const LEVEL = { a: 0.8, s: 0.6 };

/** Riemann sum of f over [−lim, lim]² with step h. */
function integrate(f: (x: number, y: number) => number, lim = 7, h = 0.05): number {
  let sum = 0;
  for (let x = -lim + h / 2; x < lim; x += h)
    for (let y = -lim + h / 2; y < lim; y += h) sum += f(x, y);
  return sum * h * h;
}

describe('the exact noised density', () => {
  it('integrates to 1, with mean a·mean(x_i) and E|x|² = a²·mean|x_i|² + 2s²', () => {
    const p = (x: number, y: number) => mixtureDensity(DATA, LEVEL, x, y);
    expect(integrate(p)).toBeCloseTo(1, 5);
    expect(integrate((x, y) => x * p(x, y))).toBeCloseTo((0.8 * (0.5 - 1 + 1.5)) / 3, 5);
    expect(integrate((x, y) => y * p(x, y))).toBeCloseTo((0.8 * (1 + 0.25 - 0.75)) / 3, 5);
    const m2 = (0.25 + 1 + 1 + 0.0625 + 2.25 + 0.5625) / 3;
    expect(integrate((x, y) => (x * x + y * y) * p(x, y))).toBeCloseTo(0.64 * m2 + 2 * 0.36, 4);
  });

  it('matches the brute-force sum of 2-D Gaussian pdfs at a point', () => {
    const [x, y] = [0.3, -0.2];
    let brute = 0;
    for (let i = 0; i < 3; i++) {
      const mx = 0.8 * (DATA[2 * i] ?? 0);
      const my = 0.8 * (DATA[2 * i + 1] ?? 0);
      const g = (d: number) => Math.exp(-(d * d) / (2 * 0.36)) / Math.sqrt(2 * Math.PI * 0.36);
      brute += (g(x - mx) * g(y - my)) / 3;
    }
    expect(mixtureDensity(DATA, LEVEL, x, y)).toBeCloseTo(brute, 12);
  });

  it('fills the heatmap grid with the density at each pixel centre (row 0 at the top)', () => {
    const bounds = { xMin: -2, xMax: 2, yMin: -1, yMax: 3 };
    const grid = densityGrid(DATA, LEVEL, bounds, 8, 5);
    for (const [r, c] of [
      [0, 0],
      [2, 3],
      [4, 7],
      [1, 5],
    ] as const) {
      const x = -2 + ((c + 0.5) * 4) / 8;
      const y = 3 - ((r + 0.5) * 4) / 5;
      expect(grid[r * 8 + c]).toBeCloseTo(mixtureDensity(DATA, LEVEL, x, y), 6);
    }
  });

  it('uses √ᾱ, √(1−ᾱ) for diffusion and 1−t, t for flow matching', () => {
    const s = makeSchedule('linear', 1000);
    const ab = s.alphasCumprod[400] ?? 0;
    expect(diffusionLevel(s, 400)).toEqual({ a: Math.sqrt(ab), s: Math.sqrt(1 - ab) });
    expect(flowLevel(0.25)).toEqual({ a: 0.75, s: 0.25 });
  });
});

describe('the ideal denoiser E[x₀ | x_t]', () => {
  it('matches Bayes by brute force', () => {
    const q = Float32Array.of(0.3, -0.2, 1.2, 0.9);
    const got = posteriorMean(DATA, LEVEL, q);
    for (let j = 0; j < 2; j++) {
      let [sw, sx, sy] = [0, 0, 0];
      for (let i = 0; i < 3; i++) {
        const dx = (q[2 * j] ?? 0) - 0.8 * (DATA[2 * i] ?? 0);
        const dy = (q[2 * j + 1] ?? 0) - 0.8 * (DATA[2 * i + 1] ?? 0);
        const w = Math.exp(-(dx * dx + dy * dy) / (2 * 0.36));
        [sw, sx, sy] = [sw + w, sx + w * (DATA[2 * i] ?? 0), sy + w * (DATA[2 * i + 1] ?? 0)];
      }
      expect(got[2 * j]).toBeCloseTo(sx / sw, 6);
      expect(got[2 * j + 1]).toBeCloseTo(sy / sw, 6);
    }
  });

  it("agrees with Tweedie's formula (x + s²∇log p)/a, the gradient by finite differences", () => {
    const [x, y, h] = [0.4, 0.1, 1e-5];
    const logp = (u: number, v: number) => Math.log(mixtureDensity(DATA, LEVEL, u, v));
    const gx = (logp(x + h, y) - logp(x - h, y)) / (2 * h);
    const gy = (logp(x, y + h) - logp(x, y - h)) / (2 * h);
    const got = posteriorMean(DATA, LEVEL, Float32Array.of(x, y));
    expect(got[0]).toBeCloseTo((x + 0.36 * gx) / 0.8, 5);
    expect(got[1]).toBeCloseTo((y + 0.36 * gy) / 0.8, 5);
  });

  it('returns the nearest data point when almost no noise is left, without underflow', () => {
    const got = posteriorMean(DATA, { a: 1, s: 1e-4 }, Float32Array.of(1.4, -0.7, 30, 30));
    expect(Array.from(got.subarray(0, 2))).toEqual([1.5, -0.75]);
    expect(Array.from(got.subarray(2))).toEqual([0.5, 1]);
  });

  it('uses only the asked class when given one', () => {
    const labels = Uint8Array.of(0, 1, 1);
    const got = posteriorMean(DATA, { a: 1, s: 1e-3 }, Float32Array.of(0.5, 1), labels, 1);
    expect(Array.from(got)).toEqual([-1, 0.25]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  SCHEDULE_KINDS,
  alphaBarAt,
  evenlySpacedTimesteps,
  makeSchedule,
  timestepStats,
} from './schedule';

// Reference values computed with numpy float64 using diffusers' formulas (docs/ARCHITECTURE.md, "Diffusion math").
describe('makeSchedule reference values', () => {
  it('linear, T=1000', () => {
    const s = makeSchedule('linear', 1000);
    expect(s.betas[0]).toBeCloseTo(1e-4, 12);
    expect(s.betas[999]).toBeCloseTo(0.02, 12);
    expect(s.betas[500]).toBeCloseTo(0.01005996, 8);
    expect(s.alphasCumprod[500]).toBeCloseTo(0.0777966584, 9);
    expect(s.alphasCumprod[999]).toBeCloseTo(4.035829765e-5, 12);
  });
  it('cosine, T=1000 (s = 0.008, β capped at 0.999)', () => {
    const s = makeSchedule('cosine', 1000);
    expect(s.alphasCumprod[500]).toBeCloseTo(0.492285172, 8);
    expect(s.betas[0]).toBeCloseTo(4.128422482e-5, 12);
    expect(s.betas[999]).toBe(0.999);
    expect(s.alphasCumprod[999]).toBeCloseTo(2.428766907e-9, 15);
  });
  it('scaled-linear and sigmoid, T=1000', () => {
    const sl = makeSchedule('scaled-linear', 1000);
    expect(sl.betas[500]).toBeCloseTo(0.005742071068, 11);
    expect(sl.alphasCumprod[500]).toBeCloseTo(0.3312745795, 9);
    const sg = makeSchedule('sigmoid', 1000);
    expect(sg.betas[500]).toBeCloseTo(0.01007987979, 10);
    expect(sg.alphasCumprod[500]).toBeCloseTo(0.2988876278, 9);
  });
  it('short schedules, T=10', () => {
    expect(makeSchedule('linear', 10).alphasCumprod[9]).toBeCloseTo(0.9037394162, 9);
    const cos = makeSchedule('cosine', 10).alphasCumprod;
    expect(cos[0]).toBeCloseTo(0.972092737, 8);
    expect(cos[4]).toBeCloseTo(0.49384359, 8);
    expect(cos[9]).toBeCloseTo(2.40917241e-5, 12);
  });
});

describe('schedule identities', () => {
  for (const kind of SCHEDULE_KINDS) {
    for (const T of [10, 37, 1000]) {
      it(`${kind}, T=${T}: α = 1 − β, ᾱ = Πα, ᾱ decreasing in (0, 1)`, () => {
        const s = makeSchedule(kind, T);
        expect(s.betas).toHaveLength(T);
        expect(s.alphas).toHaveLength(T);
        expect(s.alphasCumprod).toHaveLength(T);
        let prod = 1;
        for (let t = 0; t < T; t++) {
          const beta = s.betas[t]!;
          expect(beta).toBeGreaterThan(0);
          expect(beta).toBeLessThanOrEqual(0.999);
          expect(s.alphas[t]).toBeCloseTo(1 - beta, 15);
          prod *= s.alphas[t]!;
          expect(s.alphasCumprod[t]).toBeCloseTo(prod, 15);
          if (t > 0) expect(s.alphasCumprod[t]!).toBeLessThan(s.alphasCumprod[t - 1]!);
        }
      });
    }
  }
  it('rejects a non-integer T', () => {
    expect(() => makeSchedule('linear', 0)).toThrow(RangeError);
    expect(() => makeSchedule('linear', 2.5)).toThrow(RangeError);
  });
});

describe('timestep helpers', () => {
  it('ᾱ_prev = 1 before t = 0', () => {
    expect(alphaBarAt(makeSchedule('linear', 10), -1)).toBe(1);
    expect(() => alphaBarAt(makeSchedule('linear', 10), 10)).toThrow(RangeError);
  });
  it('stats: √ᾱ² + √(1−ᾱ)² = 1 and SNR = ᾱ/(1−ᾱ)', () => {
    const stats = timestepStats(makeSchedule('cosine', 1000), 500);
    expect(stats.sqrtAlphaBar ** 2 + stats.sqrtOneMinusAlphaBar ** 2).toBeCloseTo(1, 14);
    expect(stats.snr).toBeCloseTo(0.492285172 / (1 - 0.492285172), 7);
    expect(stats.logSnr).toBeCloseTo(Math.log(stats.snr), 14);
  });
  it('evenly spaced strip covers 0..T−1', () => {
    expect(evenlySpacedTimesteps(1000, 8)).toEqual([0, 143, 285, 428, 571, 714, 856, 999]);
    expect(evenlySpacedTimesteps(10, 8)).toEqual([0, 1, 3, 4, 5, 6, 8, 9]);
  });
});

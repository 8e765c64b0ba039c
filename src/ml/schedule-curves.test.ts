import { describe, expect, it } from 'vitest';
import { makeSchedule } from './schedule';
import { scheduleCurves } from './schedule-curves';

describe('scheduleCurves', () => {
  it('down-samples to ≤ maxPoints (+ the last t) with exact values', () => {
    const { alphaBar, logSnr } = scheduleCurves(['linear', 'cosine'], 1000, 200);
    expect(alphaBar.length).toBeLessThanOrEqual(201);
    expect(alphaBar[0]!.t).toBe(0);
    expect(alphaBar.at(-1)!.t).toBe(999);
    const at500 = alphaBar.find((p) => p.t === 500)!;
    expect(at500['linear']).toBeCloseTo(0.0777966584, 9);
    expect(at500['cosine']).toBeCloseTo(0.492285172, 8);
    const lin = makeSchedule('linear', 1000).alphasCumprod[999]!;
    expect(logSnr.at(-1)!['linear']).toBeCloseTo(Math.log(lin / (1 - lin)), 10);
  });
  it('zero terminal SNR: the schedule in use ends at ᾱ = 0 with no −∞ point, the other does not', () => {
    const { alphaBar, logSnr } = scheduleCurves(['linear', 'cosine'], 50, 200, true);
    expect(alphaBar.at(-1)!['linear']).toBe(0);
    expect(alphaBar.at(-1)!['cosine']).toBeGreaterThan(0);
    expect(logSnr.at(-1)!['linear']).toBeUndefined();
    expect(Number.isFinite(logSnr.at(-2)!['linear'])).toBe(true);
  });
  it('keeps every timestep when T is small', () => {
    expect(scheduleCurves(['sigmoid'], 10).alphaBar.map((p) => p.t)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });
});

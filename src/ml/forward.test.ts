import { describe, expect, it } from 'vitest';
import { hstack, modelToPixels, pixelsToModel, qSample, qSampleAt } from './forward';
import { gaussian, mulberry32 } from './random';
import { makeSchedule } from './schedule';

describe('forward process', () => {
  it('maps pixels to [−1, 1] and back', () => {
    const px = new Uint8Array([0, 128, 255]);
    expect(Array.from(pixelsToModel(px))).toEqual([-1, expect.closeTo(0.00392, 4), 1]);
    expect(modelToPixels(pixelsToModel(px))).toEqual(px);
    expect(Array.from(modelToPixels(new Float32Array([-3, 3])))).toEqual([0, 255]);
  });

  it('x_t = √ᾱ x0 + √(1−ᾱ) ε', () => {
    const x0 = new Float32Array([1, -1, 0.5]);
    const eps = new Float32Array([0.2, 0.4, -2]);
    const out = qSample(x0, eps, 0.64);
    expect(out[0]).toBeCloseTo(0.8 + 0.6 * 0.2, 6);
    expect(out[1]).toBeCloseTo(-0.8 + 0.6 * 0.4, 6);
    expect(out[2]).toBeCloseTo(0.4 - 1.2, 6);
  });

  it('t = 0 keeps x0, t = T−1 is almost pure noise (linear, T = 1000)', () => {
    const s = makeSchedule('linear', 1000);
    const x0 = pixelsToModel(new Uint8Array(784).map((_, i) => (i % 7) * 40));
    const eps = gaussian(1, 784);
    const start = qSampleAt(s, 0, x0, eps);
    const end = qSampleAt(s, 999, x0, eps);
    for (let i = 0; i < 784; i++) {
      expect(Math.abs(start[i]! - x0[i]!)).toBeLessThan(0.05);
      expect(Math.abs(end[i]! - eps[i]!)).toBeLessThan(0.02);
    }
  });

  it('seeded noise is standard normal and repeatable', () => {
    const a = gaussian(42, 20_000);
    expect(gaussian(42, 20_000)).toEqual(a);
    expect(gaussian(43, 16)).not.toEqual(a.subarray(0, 16));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(variance).toBeGreaterThan(0.96);
    expect(variance).toBeLessThan(1.04);
    expect(gaussian(1, 5)).toHaveLength(5);
    const u = mulberry32(7);
    for (let i = 0; i < 1000; i++) {
      const v = u();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });

  it('hstack lays images side by side with black gaps', () => {
    const a = new Uint8Array([1, 2, 3, 4]);
    const b = new Uint8Array([5, 6, 7, 8]);
    expect(Array.from(hstack([a, b], 2, 1))).toEqual([1, 2, 0, 5, 6, 3, 4, 0, 7, 8]);
  });
});

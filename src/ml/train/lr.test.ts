import { describe, expect, it } from 'vitest';
import { learningRate } from './lr';

const O = { peak: 1e-3, warmup: 10, total: 110, floor: 1e-5 };

describe('learningRate', () => {
  it('ramps linearly over the warmup, from the first update', () => {
    expect(learningRate(0, O)).toBe(0);
    expect(learningRate(1, O)).toBeCloseTo(1e-4, 12);
    expect(learningRate(5, O)).toBeCloseTo(5e-4, 12);
    expect(learningRate(10, O)).toBeCloseTo(1e-3, 12);
  });

  it('follows half a cosine down to the floor, then stays there', () => {
    // Halfway through the decay: floor + (peak − floor)/2.
    expect(learningRate(60, O)).toBeCloseTo(1e-5 + (1e-3 - 1e-5) / 2, 12);
    // A quarter of the way: floor + (peak − floor)·(1 + cos(π/4))/2.
    expect(learningRate(35, O)).toBeCloseTo(1e-5 + (1e-3 - 1e-5) * 0.8535533905932737, 12);
    expect(learningRate(110, O)).toBeCloseTo(1e-5, 12);
    expect(learningRate(1000, O)).toBe(1e-5);
  });

  it('is monotone: up during warmup, down after', () => {
    const lrs = Array.from({ length: 120 }, (_, i) => learningRate(i, O));
    for (let i = 1; i <= 10; i++) expect(lrs[i]).toBeGreaterThan(lrs[i - 1] ?? Infinity);
    for (let i = 11; i < 120; i++) expect(lrs[i]).toBeLessThanOrEqual(lrs[i - 1] ?? -Infinity);
  });

  it('handles no warmup and a zero-length decay', () => {
    expect(learningRate(1, { ...O, warmup: 0 })).toBeCloseTo(0.0009997981354499536, 15);
    expect(learningRate(10, { ...O, total: 10 })).toBe(1e-3);
    expect(learningRate(11, { ...O, total: 10 })).toBe(1e-5);
  });

  it('rejects nonsense options', () => {
    expect(() => learningRate(1, { ...O, peak: 0 })).toThrow(RangeError);
    expect(() => learningRate(1, { ...O, floor: 2e-3 })).toThrow(RangeError);
    expect(() => learningRate(1, { ...O, total: 5 })).toThrow(RangeError);
  });
});

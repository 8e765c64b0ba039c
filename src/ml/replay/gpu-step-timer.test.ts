import { describe, expect, it } from 'vitest';
import { stepMs } from './gpu-step-timer';

const ns = (...values: number[]): BigUint64Array => BigUint64Array.from(values.map(BigInt));

describe('stepMs (a step GPU time from its segments’ timestamps)', () => {
  it('sums each segment’s end − begin, in ms', () => {
    expect(stepMs(ns(1_000_000, 3_500_000))).toBe(2.5);
    // The gap between segments (the CPU reading the loss back) is not GPU time.
    expect(stepMs(ns(1_000_000, 3_000_000, 9_000_000, 9_250_000))).toBe(2.25);
  });

  it('is 0 for a segment the device timed as instant (browsers round timestamps)', () => {
    expect(stepMs(ns(5_000_000, 5_000_000))).toBe(0);
  });

  it('is null when a timestamp is missing or a segment runs backwards', () => {
    expect(stepMs(ns(0, 0, 1_000, 2_000))).toBeNull();
    expect(stepMs(ns(2_000, 1_000))).toBeNull();
  });
});

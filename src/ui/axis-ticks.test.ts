import { describe, expect, it } from 'vitest';
import { roundTicks } from './axis-ticks';

describe('roundTicks', () => {
  it('picks round steps inside the data range', () => {
    expect(roundTicks(137, 11000)).toEqual([2000, 4000, 6000, 8000, 10000]);
    expect(roundTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(roundTicks(1, 7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps decimal steps exact', () => {
    expect(roundTicks(0.1, 0.9, 4)).toEqual([0.2, 0.4, 0.6, 0.8]);
  });

  it('keeps whole-number axes whole', () => {
    expect(roundTicks(1, 3)).toEqual([1, 1.5, 2, 2.5, 3]);
    expect(roundTicks(1, 3, 5, true)).toEqual([1, 2, 3]);
  });

  it('copes with one point and with nothing', () => {
    expect(roundTicks(5, 5)).toEqual([5]);
    expect(roundTicks(Infinity, -Infinity)).toEqual([]);
  });
});

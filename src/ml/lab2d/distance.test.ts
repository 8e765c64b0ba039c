import { describe, expect, it } from 'vitest';
import { energyDistance } from './distance';

describe('energy distance', () => {
  it('is 0 for the same cloud and 2|d| for two single points d apart', () => {
    const a = Float32Array.of(0, 0, 1, 2, -1, 0.5);
    expect(energyDistance(a, a)).toBeCloseTo(0, 12);
    expect(energyDistance(Float32Array.of(0, 0), Float32Array.of(3, 4))).toBe(10);
  });

  it('matches a hand computation for two 2-point clouds', () => {
    // A = {(0,0), (2,0)}, B = {(0,1), (2,1)}: E|A−B| = (1 + √5)/2, E|A−A'| = E|B−B'| = 1.
    const d = energyDistance(Float32Array.of(0, 0, 2, 0), Float32Array.of(0, 1, 2, 1));
    expect(d).toBeCloseTo(1 + Math.sqrt(5) - 2, 12);
  });
});

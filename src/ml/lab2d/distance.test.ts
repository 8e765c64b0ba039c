import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random';
import { energyDistance, energyDistanceFloor } from './distance';

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

  it('floor: E|X−X′|·(1/n + 1/m), the mean energy distance of two samples of one distribution', () => {
    // Two points 2 apart: E|X−X'| over the pairs i ≠ j is 2, so the floor at n = 3, m = 6 is 1.
    expect(energyDistanceFloor(Float32Array.of(0, 0, 2, 0), 3, 6)).toBeCloseTo(1, 12);
    // Monte Carlo: X uniform on {(0,0), (1,0)} has E|X−X'| = 1/2; samples of 4 and 8 points
    // average (1/2)(1/4 + 1/8) = 0.1875.
    const rng = mulberry32(5);
    const draw = (n: number) =>
      Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 && rng() < 0.5 ? 1 : 0));
    let sum = 0;
    const runs = 20_000;
    for (let r = 0; r < runs; r++) sum += energyDistance(draw(4), draw(8));
    expect(sum / runs).toBeCloseTo(0.1875, 2);
    expect(energyDistanceFloor(Float32Array.of(0, 0, 1, 0, 0, 0, 1, 0), 4, 8)).toBeCloseTo(
      (2 / 3) * 0.375,
      12,
    );
  });
});

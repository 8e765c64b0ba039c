import { describe, expect, it } from 'vitest';
import { eulerStep, flowTargets, flowTimes, heunStep } from './flow';

describe('flow matching', () => {
  it('interpolates x_t = (1−t)x₀ + tε with target ε − x₀', () => {
    const { xt, target } = flowTargets(
      Float32Array.of(1, 2, -1, 0),
      Float32Array.of(0.5, -0.5, 2, 1),
      Float32Array.of(0.25, 1),
    );
    // Point 0 at t = 0.25: 0.75·(1, 2) + 0.25·(0.5, −0.5) = (0.875, 1.375); point 1 at t = 1 is ε.
    expect(Array.from(xt)).toEqual([0.875, 1.375, 2, 1]);
    expect(Array.from(target)).toEqual([-0.5, -2.5, 3, 1]);
  });

  it('takes an Euler step x + (t_next − t)·v', () => {
    const x = eulerStep(Float32Array.of(1, -2), 1, 0.75, Float32Array.of(2, 4));
    expect(Array.from(x)).toEqual([0.5, -3]);
  });

  it("takes a Heun step: the average of the velocities at both ends of Euler's step", () => {
    // v(x, t) = x·t. From x = 1 at t = 1 to t = 0.5: v1 = 1, Euler → 0.5, v2 = 0.25,
    // Heun → 1 − 0.5·(1 + 0.25)/2 = 0.6875.
    const v = (x: Float32Array, t: number) => x.map((e) => e * t);
    expect(Array.from(heunStep(Float32Array.of(1, 2), 1, 0.5, v))).toEqual([0.6875, 1.375]);
    // The step that lands on t = 0 is Euler's: 1 − 0.5·0.5 = 0.75.
    expect(Array.from(heunStep(Float32Array.of(1), 0.5, 0, v))).toEqual([0.75]);
  });

  it('spaces n + 1 times from 1 to 0', () => {
    expect(flowTimes(4)).toEqual([1, 0.75, 0.5, 0.25, 0]);
    expect(() => flowTimes(0)).toThrow(RangeError);
  });
});

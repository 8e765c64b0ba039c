import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { classInterpolation, seedInterpolation, slerp } from './interpolate';
import { ReverseProcess, runToEnd, type SampleOptions } from './sample';
import { makeSchedule } from './schedule';
import { standInDenoiser } from './stand-in-denoiser';

const schedule = makeSchedule('linear', 1000);
const SIZE = 4;
const PER = SIZE * SIZE;

const base: SampleOptions = {
  sampler: { kind: 'ddim', steps: 10, spacing: 'trailing', eta: 0 },
  prediction: 'epsilon',
  clip: false,
  labels: new Int32Array([4]),
  guidance: 2,
  seed: 3,
  size: SIZE,
};

const sample = (opts: SampleOptions) =>
  runToEnd(new ReverseProcess(standInDenoiser, schedule, opts));

const frame = (x: Float32Array, k: number) => Array.from(x.subarray(k * PER, (k + 1) * PER));

describe('interpolation', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('slerp: exact endpoints; between orthogonal unit vectors the midpoint is (a+b)/√2', () => {
    const a = new Float32Array([1, 0, 0]);
    const b = new Float32Array([0, 1, 0]);
    expect(Array.from(slerp(a, b, 0))).toEqual([1, 0, 0]);
    expect(Array.from(slerp(a, b, 1))).toEqual([0, 1, 0]);
    const mid = slerp(a, b, 0.5);
    expect(mid[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(mid[1]).toBeCloseTo(Math.SQRT1_2, 6);
    // A third of the way: angle π/6 from a.
    const third = slerp(a, b, 1 / 3);
    expect(third[0]).toBeCloseTo(Math.cos(Math.PI / 6), 6);
    expect(third[1]).toBeCloseTo(Math.sin(Math.PI / 6), 6);
    // Parallel vectors fall back to the straight line.
    expect(Array.from(slerp(a, new Float32Array([2, 0, 0]), 0.5))).toEqual([1.5, 0, 0]);
  });

  it('between two seeds: the end frames are the two plain samples', async () => {
    const opts = seedInterpolation(base, 3, 9, 5);
    const walk = await sample(opts);
    expect(frame(walk, 0)).toEqual(Array.from(await sample({ ...base, seed: 3 })));
    expect(frame(walk, 4)).toEqual(Array.from(await sample({ ...base, seed: 9 })));
    expect(frame(walk, 2)).not.toEqual(frame(walk, 0));
  });

  it('between two classes at one seed: the end frames are the two plain samples', async () => {
    const opts = classInterpolation(base, 2, 7, 4);
    const walk = await sample(opts);
    const a = await sample({ ...base, labels: new Int32Array([2]) });
    const b = await sample({ ...base, labels: new Int32Array([7]) });
    frame(walk, 0).forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 6));
    frame(walk, 3).forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6));
    expect(frame(walk, 1)).not.toEqual(frame(walk, 0));
    expect(() => classInterpolation(base, 2, 12, 4)).toThrow(/0–9/);
    expect(() => seedInterpolation(base, 1, 2, 1)).toThrow(/frames/);
  });
});

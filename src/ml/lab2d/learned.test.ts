import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { labelsInProportion, learnedPredict } from './learned';
import { Mlp } from './mlp';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('unguided sampling of a conditional model', () => {
  it('draws particle labels in the data’s proportions, reproducibly', () => {
    const data = Int32Array.from({ length: 400 }, (_, i) => (i % 4 === 3 ? 1 : 0));
    const a = labelsInProportion(data, 4000, 9);
    expect(Array.from(a).every((c) => c === 0 || c === 1)).toBe(true);
    const share = a.reduce((n, c) => n + c, 0) / a.length;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.28);
    expect(labelsInProportion(data, 4000, 9)).toEqual(a);
  });

  it('gives each particle its own label, and the "no label" class without them', () => {
    const m = new Mlp(
      { hidden: 8, layers: 1, classes: 2, objective: 'epsilon', activation: 'silu', fourier: 1 },
      3,
    );
    const x = Float32Array.of(0.3, -0.2, 0.3, -0.2);
    const labels = Int32Array.of(0, 1);
    const out = learnedPredict(m, 1000, -1, 1, labels)(x, 400);
    expect(out).toEqual(m.predict(x, 400, labels));
    expect(learnedPredict(m, 1000, -1, 1)(x, 400)).toEqual(m.predict(x, 400, Int32Array.of(2, 2)));
    // Same position and time, different labels: different predictions.
    expect(out[0]).not.toBeCloseTo(out[2] ?? 0, 6);
    m.dispose();
  });
});

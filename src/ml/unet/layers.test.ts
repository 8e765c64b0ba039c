import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GROUP_NORM_EPS, groupNorm, silu, timestepEmbedding } from './layers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs((actual[i] ?? NaN) - (expected[i] ?? NaN))).toBeLessThan(tol);
  }
}

describe('groupNorm', () => {
  it('matches a hand computation per sample and group, then the per-channel affine', () => {
    // [B=2, H=1, W=2, C=4], 2 groups of 2 channels: each (sample, group) has 4 values.
    const x = [1, 2, 3, 4, 5, 6, 7, 8, -1, 0, 2, 2, 4, -3, 0, 10];
    const gamma = [1, 2, 0.5, -1];
    const beta = [0, 1, -1, 0.5];
    const expected = new Array<number>(16);
    for (let b = 0; b < 2; b++) {
      for (let g = 0; g < 2; g++) {
        const idx: number[] = [];
        for (let w = 0; w < 2; w++) for (let c = 0; c < 2; c++) idx.push(b * 8 + w * 4 + g * 2 + c);
        const vals = idx.map((i) => x[i] ?? NaN);
        const mean = vals.reduce((s, v) => s + v, 0) / 4;
        const variance = vals.reduce((s, v) => s + (v - mean) ** 2, 0) / 4;
        for (const i of idx) {
          const c = i % 4;
          expected[i] =
            (((x[i] ?? NaN) - mean) / Math.sqrt(variance + GROUP_NORM_EPS)) * (gamma[c] ?? NaN) +
            (beta[c] ?? NaN);
        }
      }
    }
    const before = tf.memory().numTensors;
    const out = tf.tidy(() =>
      groupNorm(tf.tensor4d(x, [2, 1, 2, 4]), tf.tensor1d(gamma), tf.tensor1d(beta), 2),
    );
    expect(out.shape).toEqual([2, 1, 2, 4]);
    expectAllClose(out.dataSync(), expected, 1e-5);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a group count that does not divide the channels', () => {
    const x = tf.zeros([1, 2, 2, 6]) as tf.Tensor4D;
    expect(() => groupNorm(x, tf.ones([6]), tf.zeros([6]), 4)).toThrow(RangeError);
    tf.dispose(x);
  });
});

describe('silu', () => {
  it('is x·sigmoid(x)', () => {
    const out = tf.tidy(() => silu(tf.tensor1d([-2, 0, 1, 3])));
    expectAllClose(
      out.dataSync(),
      [-2, 0, 1, 3].map((v) => v / (1 + Math.exp(-v))),
      1e-6,
    );
    out.dispose();
  });
});

describe('timestepEmbedding', () => {
  it('matches diffusers get_timestep_embedding(flip_sin_to_cos=True, shift=0), numpy float64', () => {
    // numpy transcription of diffusers' get_timestep_embedding, t = [0, 1, 17.5, 999], dim 8.
    const expected = [
      [1, 1, 1, 1, 0, 0, 0, 0],
      [
        0.54030230587, 0.99500416528, 0.99995000042, 0.9999995, 0.84147098481, 0.099833416647,
        0.0099998333342, 0.00099999983333,
      ],
      [
        0.21943996321, -0.17824605565, 0.9847265389, 0.99984687891, -0.97562600547, 0.98398594687,
        0.17410813759, 0.017499106785,
      ],
      [
        0.99964985298, 0.8074586577, -0.84446969629, 0.54114350656, -0.026460752737, -0.58992416132,
        -0.53560333461, 0.84093026186,
      ],
    ];
    const out = tf.tidy(() => timestepEmbedding(tf.tensor1d([0, 1, 17.5, 999]), 8));
    expect(out.shape).toEqual([4, 8]);
    // float32 t·f at t = 999 carries ~6e-5 absolute phase error.
    expectAllClose(out.dataSync(), expected.flat(), 2e-4);
    out.dispose();
  });

  it('accepts int32 timesteps', () => {
    const out = tf.tidy(() => timestepEmbedding(tf.tensor1d([1, 17], 'int32'), 8));
    const ref = tf.tidy(() => timestepEmbedding(tf.tensor1d([1, 17]), 8));
    expect(Array.from(out.dataSync())).toEqual(Array.from(ref.dataSync()));
    tf.dispose([out, ref]);
  });
});

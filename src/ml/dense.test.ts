import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { channelSum } from './channel-sum';
import { dense } from './dense';

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.max(tf.abs(tf.sub(a, b)));
  const v = (await d.data())[0] ?? NaN;
  d.dispose();
  return v;
}

describe('dense', () => {
  it('gives matMul + bias and its gradients (x, W, b) as tfjs autodiff does', async () => {
    await tf.setBackend('cpu');
    for (const [b, cin, cout] of [
      [1, 3, 4],
      [5, 8, 2],
      [7, 16, 12],
    ] as const) {
      const x = tf.randomNormal([b, cin], 0, 1, 'float32', 1) as tf.Tensor2D;
      const w = tf.randomNormal([cin, cout], 0, 1, 'float32', 2) as tf.Tensor2D;
      const bias = tf.randomNormal([cout], 0, 1, 'float32', 3) as tf.Tensor1D;
      const r = tf.randomNormal([b, cout], 0, 1, 'float32', 4);
      const ours = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
        tf.sum(tf.mul(dense(xi as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D), r)),
      )([x, w, bias]);
      const ref = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
        tf.sum(tf.mul(tf.add(tf.matMul(xi, wi), bi), r)),
      )([x, w, bias]);
      const value = dense(x, w, bias);
      const refValue = tf.add(tf.matMul(x, w), bias);
      expect(await maxAbsDiff(value, refValue)).toBeLessThan(1e-5);
      for (let i = 0; i < 3; i++) {
        expect(ours[i]?.shape).toEqual(ref[i]?.shape);
        expect(await maxAbsDiff(ours[i] as tf.Tensor, ref[i] as tf.Tensor)).toBeLessThan(1e-4);
      }
      tf.dispose([x, w, bias, r, value, refValue, ...ours, ...ref]);
    }
  });
});

describe('channelSum', () => {
  it('sums every axis but the last', async () => {
    await tf.setBackend('cpu');
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3]);
    const s = channelSum(x);
    expect(Array.from(await s.data())).toEqual([22, 26, 30]);
    tf.dispose([x, s]);
  });
});

/**
 * x·W + b for [B, Cin] × [Cin, Cout], forward as one fused kernel, with its gradient written out
 * so the bias gradient can use our one-program channel sum on webgpu (channel-sum.ts) instead of
 * the fused-matMul gradient's Sum over axis 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import { channelSum } from './channel-sum';

const affine = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
  const save = args[3] as tf.GradSaveFunc;
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x, b: w, bias: b }),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, sw, false, true), tf.matMul(sx, dy2, true, false), channelSum(dy2)];
    },
  };
});

export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return affine(x, w, b) as tf.Tensor2D;
}

/**
 * Σ over every axis but the last, the bias gradient of a conv ([B, H, W, C]) or a dense layer
 * ([B, C]): one program on webgpu (ml/kernels/channel-sum-webgpu.ts), where tfjs' Sum over
 * leading axes is a Transpose and a Reduce; tf.sum elsewhere.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CHANNEL_SUM_KERNEL, hasKernel } from './kernels/register';

export function channelSum(x: tf.Tensor): tf.Tensor1D {
  if (hasKernel(CHANNEL_SUM_KERNEL)) {
    return tf.engine().runKernel(CHANNEL_SUM_KERNEL, { x }) as tf.Tensor1D;
  }
  return tf.sum(x, [...x.shape.keys()].slice(0, -1)) as tf.Tensor1D;
}

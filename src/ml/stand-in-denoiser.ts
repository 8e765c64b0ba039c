/**
 * For tests: a deterministic stand-in for the UNet that depends on x_t, t and the label (class ids
 * or label weights, read as the weighted class number), so runs that differ in any of them differ.
 */
import * as tf from '@tensorflow/tfjs-core';
import { NO_LABEL, type Denoiser } from './sample';

export const standInDenoiser: Denoiser = (xt, t, labels) =>
  tf.tidy(() => {
    const classes =
      labels.rank === 2
        ? tf.matMul(labels as tf.Tensor2D, tf.reshape(tf.range(0, NO_LABEL + 1), [-1, 1]))
        : tf.cast(labels, 'float32');
    const tt = tf.reshape(tf.cast(t, 'float32'), [-1, 1, 1, 1]);
    const ll = tf.reshape(classes, [-1, 1, 1, 1]);
    return tf.add(tf.mul(xt, 0.5), tf.mul(tf.add(tt, tf.mul(ll, 7)), 1e-3)) as tf.Tensor4D;
  });

/**
 * UNet building blocks in plain tfjs-core ops (no tfjs-layers), so they run on every backend,
 * and convs go through our conv2d whose filter gradient also works on wasm (docs/ARCHITECTURE.md, "Measured on these machines").
 */
import * as tf from '@tensorflow/tfjs-core';
import { type ConvStride, type FilterGradVariant, conv2d } from '../conv2d';
import { dense as affine } from '../dense';
import { groupNorm } from './group-norm';
import type { ParamsLike } from './params';

export { GROUP_NORM_EPS, groupNorm } from './group-norm';

export interface ForwardOptions {
  /** How conv filter gradients are computed; the best choice depends on the backend. */
  readonly filterGrad?: FilterGradVariant;
}

export function param(params: ParamsLike, name: string): tf.Tensor {
  const p = params.get(name);
  if (!p) throw new Error(`missing parameter ${name}`);
  return p;
}

export function silu<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, tf.sigmoid(x));
}

/**
 * Sinusoidal embedding of (possibly fractional) timesteps, diffusers' get_timestep_embedding with
 * flip_sin_to_cos=True, downscale_freq_shift=0 (UNet2DModel's defaults): for i < dim/2,
 * f_i = 10000^(−i/(dim/2)) and the row is [cos(t·f), sin(t·f)].
 */
export function timestepEmbedding(t: tf.Tensor1D, dim: number, maxPeriod = 10000): tf.Tensor2D {
  if (dim % 2 !== 0) throw new RangeError(`timestep embedding dim must be even, got ${dim}`);
  const half = dim / 2;
  // Frequencies in float64, so only the product t·f is rounded to float32.
  const freqs = Float32Array.from({ length: half }, (_, i) =>
    Math.exp((-Math.log(maxPeriod) * i) / half),
  );
  return tf.tidy(() => {
    const tf32 = t.dtype === 'float32' ? t : tf.cast(t, 'float32');
    const args = tf.mul(tf.reshape(tf32, [-1, 1]), tf.tensor2d(freqs, [1, half]));
    return tf.concat([tf.cos(args), tf.sin(args)], 1) as tf.Tensor2D;
  });
}

export function dense(x: tf.Tensor2D, params: ParamsLike, name: string): tf.Tensor2D {
  const w = param(params, `${name}.w`) as tf.Tensor2D;
  return affine(x, w, param(params, `${name}.b`) as tf.Tensor1D);
}

export function convLayer(
  x: tf.Tensor4D,
  params: ParamsLike,
  name: string,
  stride: ConvStride,
  opts: ForwardOptions,
): tf.Tensor4D {
  const w = param(params, `${name}.w`) as tf.Tensor4D;
  const bias = param(params, `${name}.b`) as tf.Tensor1D;
  return conv2d(x, w, stride, { ...opts, bias });
}

export function normAct(
  x: tf.Tensor4D,
  params: ParamsLike,
  name: string,
  groups: number,
): tf.Tensor4D {
  return groupNorm(x, param(params, `${name}.gamma`), param(params, `${name}.beta`), groups, {
    silu: true,
  });
}

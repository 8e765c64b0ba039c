/**
 * Residual, resampling and attention blocks (diffusers' ResnetBlock2D, Downsample2D with a conv,
 * Upsample2D nearest + conv, and a single-head Attention with GroupNorm).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ResSpec } from './layout';
import { type ForwardOptions, convLayer, dense, groupNorm, normAct, param } from './layers';
import type { ParamsLike } from './params';

export interface BlockContext {
  readonly params: ParamsLike;
  readonly groups: number;
  readonly opts: ForwardOptions;
}

/**
 * GN → SiLU → conv3×3 → + projected embedding → GN → SiLU → conv3×3, plus the input (through a
 * 1×1 conv when the width changes). `embAct` is SiLU(time + label embedding), [B, E]: diffusers
 * applies that SiLU inside every block; doing it once is the same math with fewer kernels.
 */
export function resBlock(
  ctx: BlockContext,
  x: tf.Tensor4D,
  embAct: tf.Tensor2D,
  spec: ResSpec,
): tf.Tensor4D {
  const { params, groups, opts } = ctx;
  const n = spec.name;
  const [b] = x.shape;
  let h = convLayer(normAct(x, params, `${n}.norm1`, groups), params, `${n}.conv1`, 1, opts);
  h = tf.add(h, tf.reshape(dense(embAct, params, `${n}.emb`), [b, 1, 1, spec.cout]));
  h = convLayer(normAct(h, params, `${n}.norm2`, groups), params, `${n}.conv2`, 1, opts);
  const skip = spec.cin === spec.cout ? x : convLayer(x, params, `${n}.skip`, 1, opts);
  return tf.add(skip, h);
}

/** Stride-2 3×3 conv; TF 'same' padding takes 28 → 14 → 7. */
export function downsample(ctx: BlockContext, x: tf.Tensor4D, name: string): tf.Tensor4D {
  return convLayer(x, ctx.params, name, 2, ctx.opts);
}

/** Nearest ×2 then 3×3 conv: no checkerboard artefacts, unlike a transposed conv. */
export function upsample(ctx: BlockContext, x: tf.Tensor4D, name: string): tf.Tensor4D {
  const [, h, w] = x.shape;
  const up = tf.image.resizeNearestNeighbor(x, [2 * h, 2 * w]);
  return convLayer(up, ctx.params, name, 1, ctx.opts);
}

/**
 * Single-head self-attention over all H·W positions with a residual connection. Used only at
 * 7×7 (49 tokens), where it is cheap and lets distant strokes agree.
 */
export function selfAttention(ctx: BlockContext, x: tf.Tensor4D, name: string): tf.Tensor4D {
  const { params, groups } = ctx;
  const [b, h, w, c] = x.shape;
  const n = h * w;
  const normed = groupNorm(
    x,
    param(params, `${name}.norm.gamma`),
    param(params, `${name}.norm.beta`),
    groups,
  );
  // One fused q|k|v projection: one matMul instead of three.
  const qkv = tf.reshape(dense(tf.reshape(normed, [b * n, c]), params, `${name}.qkv`), [
    b,
    n,
    3 * c,
  ]);
  const [q, k, v] = tf.split(qkv, 3, 2) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
  const scores = tf.mul(tf.matMul(q, k, false, true), tf.scalar(1 / Math.sqrt(c)));
  const attended = tf.matMul(tf.softmax(scores), v);
  const out = dense(tf.reshape(attended, [b * n, c]), params, `${name}.out`);
  return tf.add(x, tf.reshape(out, [b, h, w, c]));
}

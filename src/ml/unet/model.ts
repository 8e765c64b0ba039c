/**
 * The conditional UNet forward pass: a pure function of parameters and inputs, so the same code
 * serves training (under tf.variableGrads), EMA sampling and checkpoint evaluation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type BlockContext, downsample, resBlock, selfAttention, upsample } from './blocks';
import { NULL_LABEL, type UNetConfig } from './config';
import {
  type ForwardOptions,
  convLayer,
  dense,
  normAct,
  param,
  silu,
  timestepEmbedding,
} from './layers';
import { unetLayout } from './layout';
import type { ParamsLike } from './params';

function checkInputs(xt: tf.Tensor4D, t: tf.Tensor1D, label: tf.Tensor1D | tf.Tensor2D): void {
  const [b, h, w, c] = xt.shape;
  // Two stride-2 levels must come back to the same size for the skip concats.
  if (h % 4 !== 0 || w % 4 !== 0 || c !== 1) {
    throw new RangeError(
      `unetForward: xt must be [B, H, W, 1] with H, W divisible by 4, got ${xt.shape}`,
    );
  }
  if (t.shape[0] !== b || label.shape[0] !== b) {
    throw new RangeError(
      `unetForward: batch ${b}, but t has ${t.shape[0]}, label ${label.shape[0]}`,
    );
  }
}

/**
 * SiLU(MLP(sinusoid(t)) + table[label]), [B, E]. The label lookup is a one-hot matMul rather than
 * tf.gather: gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks. A 2-D label
 * is already a row of weights over the table (a mix of classes, for interpolating between them).
 */
function conditioning(
  params: ParamsLike,
  config: UNetConfig,
  t: tf.Tensor1D,
  label: tf.Tensor1D | tf.Tensor2D,
): tf.Tensor2D {
  const c0 = config.channels[0] ?? 0;
  const temb = dense(silu(dense(timestepEmbedding(t, c0), params, 'temb.fc1')), params, 'temb.fc2');
  const weights =
    label.rank === 2
      ? (label as tf.Tensor2D)
      : tf.oneHot(label.dtype === 'int32' ? label : tf.cast(label, 'int32'), NULL_LABEL + 1);
  const lemb = tf.matMul(weights, param(params, 'label.table'));
  return silu(tf.add(temb, lemb));
}

/**
 * Predicts ε, v or x0 (whatever it was trained for) for noisy images `xt` [B, H, W, 1] at
 * timesteps `t` (0..T−1, int or float) with class `label` (0..9, or 10 = no label; or [B, 11] weights).
 */
export function unetForward(
  params: ParamsLike,
  config: UNetConfig,
  xt: tf.Tensor4D,
  t: tf.Tensor1D,
  label: tf.Tensor1D | tf.Tensor2D,
  opts: ForwardOptions = {},
): tf.Tensor4D {
  checkInputs(xt, t, label);
  const layout = unetLayout(config);
  const ctx: BlockContext = { params, groups: config.groups, opts };
  return tf.tidy(() => {
    const embAct = conditioning(params, config, t, label);
    let h = convLayer(xt, params, 'convIn', 1, opts);
    const skips: tf.Tensor4D[] = [h];
    for (const level of layout.down) {
      for (const spec of level.res) {
        h = resBlock(ctx, h, embAct, spec);
        skips.push(h);
      }
      if (level.resample) {
        h = downsample(ctx, h, level.resample.name);
        skips.push(h);
      }
    }
    const { res0, attn, res1 } = layout.mid;
    h = resBlock(ctx, h, embAct, res0);
    if (attn !== undefined) h = selfAttention(ctx, h, attn);
    h = resBlock(ctx, h, embAct, res1);
    for (const level of layout.up) {
      for (const spec of level.res) {
        const skip = skips.pop();
        if (!skip) throw new Error('unetForward: skip stack underflow');
        h = resBlock(ctx, tf.concat([h, skip], 3), embAct, spec);
      }
      if (level.resample) h = upsample(ctx, h, level.resample.name);
    }
    return convLayer(normAct(h, params, 'out.norm', config.groups), params, 'out.conv', 1, opts);
  });
}

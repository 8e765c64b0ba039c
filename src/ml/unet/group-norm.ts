/**
 * GroupNorm (optionally followed by SiLU) over NHWC with a hand-written gradient. Left to autodiff,
 * GroupNorm + SiLU costs ~95 kernels forward and backward (every broadcast op's gradient adds a
 * Sum, a Reshape, Casts and clones), and a tiny UNet step runs 24 of them; the closed form in tfjs
 * ops needs about half, and our own kernels (ml/kernels) 2 forward + 4 backward on WebGPU
 * (docs/ARCHITECTURE.md, "Measured on these machines": dispatch, not math, dominates a tfjs step).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  GROUP_NORM_GRAD_KERNEL,
  GROUP_NORM_KERNEL,
  hasKernel,
  isHostBackend,
} from '../kernels/register';

/** PyTorch's GroupNorm default, which diffusers' UNet2DModel keeps (norm_eps=1e-5). */
export const GROUP_NORM_EPS = 1e-5;

type NormFn = (x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor4D;

/**
 * Backward of y = xhat·γ + β (then SiLU when `act`), per (sample, group):
 *   dŷ = dy·σ(y)·(1 + y·(1 − σ(y))) through SiLU,  dγ = Σ dŷ·xhat,  dβ = Σ dŷ,
 *   dx = rstd·(dxhat − mean(dxhat) − xhat·mean(dxhat·xhat)) with dxhat = dŷ·γ.
 */
function makeNorm(groups: number, eps: number, act: boolean): NormFn {
  const wrapped = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, gamma, beta, save] = args as [tf.Tensor4D, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [b, h, w, c] = x.shape;
    // [B, H·W, G, C/G]: statistics over axes 1 and 3.
    const grouped = [b, h * w, groups, c / groups];
    const xg = tf.reshape(x, grouped);
    const centred = tf.sub(xg, tf.mean(xg, [1, 3], true));
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), [1, 3], true), eps));
    const xhat = tf.reshape(tf.mul(centred, rstd), x.shape);
    const y = tf.add(tf.mul(xhat, gamma), beta);
    const sig = act ? tf.sigmoid(y) : null;
    save(sig ? [xhat, rstd, gamma, y, sig] : [xhat, rstd, gamma]);
    return {
      value: sig ? tf.mul(y, sig) : y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sr, sg, sy, ss] = saved as [
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
          tf.Tensor?,
          tf.Tensor?,
        ];
        let dAffine = dy;
        if (sy && ss) {
          // σ·(1 + y·(1 − σ)) = σ·(1 + y − y·σ)
          const ys = tf.mul(sy, ss);
          dAffine = tf.mul(dy, tf.mul(ss, tf.add(tf.sub(sy, ys), 1)));
        }
        const dGamma = tf.reshape(tf.sum(tf.mul(dAffine, sx), [0, 1, 2]), sg.shape);
        const dBeta = tf.reshape(tf.sum(dAffine, [0, 1, 2]), sg.shape);
        const dxhat = tf.reshape(tf.mul(dAffine, sg), grouped);
        const xg2 = tf.reshape(sx, grouped);
        const inner = tf.sub(
          tf.sub(dxhat, tf.mean(dxhat, [1, 3], true)),
          tf.mul(xg2, tf.mean(tf.mul(dxhat, xg2), [1, 3], true)),
        );
        return [tf.reshape(tf.mul(inner, sr), sx.shape), dGamma, dBeta];
      },
    };
  });
  return (x, gamma, beta) => wrapped(x, gamma, beta) as tf.Tensor4D;
}

/**
 * The same op through our own kernels (ml/kernels): one for the norm, its affine and (on webgpu)
 * the SiLU, one for the whole backward. On CPU-memory backends the SiLU's sigmoid runs as a tfjs
 * kernel (cheaper than Math.exp; see group-norm-host.ts) and its σ is kept for the backward.
 */
function makeKernelNorm(groups: number, eps: number, act: boolean, hostSigmoid: boolean): NormFn {
  const sepSigmoid = act && hostSigmoid;
  const fwdAttrs = { groups, eps, act: act && !sepSigmoid } as unknown as tf.NamedAttrMap;
  const gradAttrs = { groups, eps, act } as unknown as tf.NamedAttrMap;
  const wrapped = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, gamma, beta, save] = args as [tf.Tensor4D, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, stats] = tf
      .engine()
      .runKernel(GROUP_NORM_KERNEL, { x, gamma, beta }, fwdAttrs) as tf.Tensor[];
    if (!y || !stats) throw new Error(`${GROUP_NORM_KERNEL}: too few outputs`);
    const sig = sepSigmoid ? tf.sigmoid(y) : null;
    save(sig ? [x, gamma, beta, stats, sig] : [x, gamma, beta, stats]);
    return {
      value: sig ? tf.mul(y, sig) : y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sg, sb, ss, sSig] = saved;
        const inputs: tf.NamedTensorMap = {
          dy,
          x: sx!,
          gamma: sg!,
          beta: sb!,
          stats: ss!,
          ...(sSig ? { sig: sSig } : {}),
        };
        return tf.engine().runKernel(GROUP_NORM_GRAD_KERNEL, inputs, gradAttrs) as tf.Tensor[];
      },
    };
  });
  return (x, gamma, beta) => wrapped(x, gamma, beta) as tf.Tensor4D;
}

// One wrapper per (path, groups, eps, act): building a customGrad closure per call would cost more.
const norms = new Map<string, NormFn>();

/**
 * GroupNorm over NHWC: statistics per sample and group, over H, W and the group's channels,
 * then a per-channel affine, then SiLU when `silu` is set. tfjs has no such op.
 */
export function groupNorm(
  x: tf.Tensor4D,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  groups: number,
  opts: {
    readonly silu?: boolean;
    readonly eps?: number;
    /** false: the tfjs-ops formulation even where our kernels exist (tests compare the two). */
    readonly kernels?: boolean;
  } = {},
): tf.Tensor4D {
  const c = x.shape[3];
  if (c % groups !== 0) throw new RangeError(`groupNorm: ${c} channels, ${groups} groups`);
  const eps = opts.eps ?? GROUP_NORM_EPS;
  const act = opts.silu ?? false;
  // Decided per call: training can move to another backend (WebGPU lost → WebGL).
  const kernels =
    opts.kernels !== false && hasKernel(GROUP_NORM_KERNEL) && hasKernel(GROUP_NORM_GRAD_KERNEL);
  const host = kernels && isHostBackend();
  const key = `${kernels}/${host}/${groups}/${eps}/${act}`;
  let fn = norms.get(key);
  if (!fn) {
    fn = kernels ? makeKernelNorm(groups, eps, act, host) : makeNorm(groups, eps, act);
    norms.set(key, fn);
  }
  return fn(x, gamma, beta);
}

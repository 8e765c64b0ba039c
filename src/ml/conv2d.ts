/**
 * NHWC 'same'-padded conv2d whose filter gradient avoids tfjs' Conv2DBackpropFilter kernel.
 *
 * Why (docs/ARCHITECTURE.md, "Measured on these machines"): the wasm backend has no Conv2DBackpropFilter kernel at all, so stock tfjs
 * cannot train convs there, and on webgpu that kernel is ~270× slower than the forward conv. The
 * filter gradient is a plain GEMM over im2col patches, dW[k·k·Cin, Cout] = patchesᵀ · dy, which
 * needs only pad, (strided) slice, concat, reshape, matMul and sum — ops every backend has.
 */
import * as tf from '@tensorflow/tfjs-core';
import { channelSum } from './channel-sum';
import {
  FLIP_FILTER_KERNEL,
  IM2COL_KERNEL,
  hasFastTransposedConv,
  hasKernel,
} from './kernels/register';

/**
 * How dW is computed. The best choice differs by device, so it is left to the caller:
 * - 'matmul2d': one 2-D matMul [n, k·k·Cin]ᵀ · [n, Cout] (n = B·Ho·Wo); the backend picks its own
 *   reduction strategy. Best or close to it on webgpu (docs/ARCHITECTURE.md, "Measured on these machines"), hence the default.
 * - 'splitK': batched matMul over S = batch, [S, n/S, k·k·Cin]ᵀ · [S, n/S, Cout], then a sum over
 *   S. Best on a real GPU at large batch; slow where a Sum over axis 0 is slow (SwiftShader).
 * - 'matmul2dT': the same GEMM as 'matmul2d' written as (dyᵀ · patches)ᵀ with explicit transposes.
 *   The wasm backend hands a matMul to XNNPACK only when it is unbatched and neither operand is
 *   transposed, and otherwise runs a naive loop, so on wasm this is 2–5× faster than 'matmul2d'
 *   (and 'splitK', which is batched). The big patches go in as XNNPACK's packed right operand.
 * - 'depthwise': the patches from one depthwise conv with one-hot taps instead of pad + k·k slices +
 *   concat, then the 'matmul2dT' GEMM: a handful of kernels instead of a dozen. On this project's
 *   CPU machine (b8, five shapes of the UNet) 2.4–12× faster than 'matmul2dT' on wasm and 53× faster
 *   than stock on cpu for 28² 32→32, hence the default on wasm and cpu.
 * - 'stock': tfjs' own Conv2DBackpropFilter kernel, for comparison; throws on wasm.
 */
export type FilterGradVariant = 'matmul2d' | 'splitK' | 'matmul2dT' | 'depthwise' | 'stock';
export const FILTER_GRAD_VARIANTS: readonly FilterGradVariant[] = [
  'matmul2d',
  'splitK',
  'matmul2dT',
  'depthwise',
  'stock',
];

export type ConvStride = 1 | 2;

export interface Conv2dOptions {
  readonly filterGrad?: FilterGradVariant;
  /** Per-output-channel bias [Cout], added inside the conv kernel. */
  readonly bias?: tf.Tensor1D;
}

interface SamePad {
  readonly out: number;
  readonly before: number;
  readonly after: number;
}

/** TF 'same' padding; on stride 2 with even size it pads 0 before and 1 after. */
function samePad(size: number, k: number, stride: number): SamePad {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  const before = Math.floor(total / 2);
  return { out, before, after: total - before };
}

/**
 * Patches [B, Ho, Wo, kh·kw·Cin], channel index (i·kw + j)·Cin + c, which is exactly the row-major
 * order of a [kh, kw, Cin, Cout] filter, so the GEMM result reshapes to dW with no transpose.
 */
function im2col(x: tf.Tensor4D, kh: number, kw: number, stride: ConvStride): tf.Tensor4D {
  if (kh * kw > 1 && hasKernel(IM2COL_KERNEL)) {
    // One gather kernel (ml/kernels/im2col.ts) where the backend has it.
    return tf.engine().runKernel(IM2COL_KERNEL, { x }, { kh, kw, stride }) as tf.Tensor4D;
  }
  return im2colOps(x, kh, kw, stride);
}

function im2colOps(x: tf.Tensor4D, kh: number, kw: number, stride: ConvStride): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const ph = samePad(h, kh, stride);
  const pw = samePad(w, kw, stride);
  const padded =
    ph.before + ph.after + pw.before + pw.after > 0
      ? tf.pad(x, [
          [0, 0],
          [ph.before, ph.after],
          [pw.before, pw.after],
          [0, 0],
        ])
      : x;
  const taps: tf.Tensor4D[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      taps.push(
        stride === 1
          ? tf.slice(padded, [0, i, j, 0], [b, ph.out, pw.out, c])
          : (tf.stridedSlice(
              padded,
              [0, i, j, 0],
              [b, i + (ph.out - 1) * stride + 1, j + (pw.out - 1) * stride + 1, c],
              [1, stride, stride, 1],
            ) as tf.Tensor4D),
      );
    }
  }
  const [only] = taps;
  return taps.length === 1 && only ? only : tf.concat(taps, 3);
}

/**
 * Filter gradient of `conv2d(x, W, strides)` ('same' padding, NHWC, dilation 1) given the
 * upstream gradient `dy` [B, Ho, Wo, Cout]. Exported on its own so it can be benchmarked.
 */
/** [kh, kw, cin, kh·kw] one-hot taps: a depthwise conv with it lays out every patch of x. */
const tapFilters = new Map<string, Float32Array>();
function tapFilter(kh: number, kw: number, cin: number): tf.Tensor4D {
  const key = `${kh}x${kw}x${cin}`;
  let values = tapFilters.get(key);
  if (!values) {
    const taps = kh * kw;
    values = new Float32Array(kh * kw * cin * taps);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        for (let c = 0; c < cin; c++) values[((i * kw + j) * cin + c) * taps + i * kw + j] = 1;
      }
    }
    tapFilters.set(key, values);
  }
  return tf.tensor4d(values, [kh, kw, cin, kh * kw]);
}

/**
 * dW with the patches from ONE depthwise conv (channel multiplier kh·kw, one-hot taps, same
 * stride and padding as the forward conv) instead of pad + kh·kw slices + concat: a few kernels
 * instead of a dozen. Patch channels come out as cin·taps + tap, so the product is reordered to
 * [kh, kw, cin, cout] at the end.
 */
function depthwiseFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  shape: [number, number, number, number],
  strides: ConvStride,
): tf.Tensor4D {
  const [kh, kw, cin, cout] = shape;
  return tf.tidy(() => {
    const patches = tf.depthwiseConv2d(x, tapFilter(kh, kw, cin), strides, 'same');
    const n = dy.shape[0] * dy.shape[1] * dy.shape[2];
    // (dyᵀ · patches): unbatched and untransposed, which wasm hands to XNNPACK.
    const g = tf.matMul(
      tf.transpose(tf.reshape(dy, [n, cout])),
      tf.reshape(patches, [n, cin * kh * kw]),
    );
    return tf.reshape(tf.transpose(tf.reshape(g, [cout, cin, kh * kw]), [2, 1, 0]), shape);
  });
}

export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  strides: ConvStride,
  variant: FilterGradVariant = 'matmul2d',
): tf.Tensor4D {
  const [kh, kw, cin, cout] = filterShape;
  const [b, h, w, xc] = x.shape;
  const ho = Math.ceil(h / strides);
  const wo = Math.ceil(w / strides);
  const [db, dh, dw, dc] = dy.shape;
  if (xc !== cin || db !== b || dh !== ho || dw !== wo || dc !== cout) {
    throw new Error(
      `conv2dFilterGrad: x ${x.shape} / dy ${dy.shape} do not fit filter ${filterShape}, stride ${strides}`,
    );
  }
  const shape: [number, number, number, number] = [kh, kw, cin, cout];
  if (variant === 'stock') {
    // conv2DBackpropFilter is not a public op, so call its kernel the way that op does.
    return tf
      .engine()
      .runKernel(
        tf.Conv2DBackpropFilter,
        { x, dy },
        { strides: [strides, strides], pad: 'same', dataFormat: 'NHWC', filterShape: shape },
      );
  }
  if (variant === 'depthwise') return depthwiseFilterGrad(x, dy, shape, strides);
  return tf.tidy(() => {
    const patches = im2col(x, kh, kw, strides);
    const k = kh * kw * cin;
    let grad: tf.Tensor;
    if (variant === 'splitK') {
      grad = tf.sum(
        tf.matMul(tf.reshape(patches, [b, ho * wo, k]), tf.reshape(dy, [b, ho * wo, cout]), true),
        0,
      );
    } else if (variant === 'matmul2dT') {
      const dyT = tf.transpose(tf.reshape(dy, [b * ho * wo, cout]));
      grad = tf.transpose(tf.matMul(dyT, tf.reshape(patches, [b * ho * wo, k])));
    } else {
      grad = tf.matMul(
        tf.reshape(patches, [b * ho * wo, k]),
        tf.reshape(dy, [b * ho * wo, cout]),
        true,
      );
    }
    return tf.reshape(grad, shape);
  });
}

/** The filter reversed in space with in/out channels swapped: one host loop on wasm and cpu. */
function flipFilter(filter: tf.Tensor4D): tf.Tensor4D {
  if (hasKernel(FLIP_FILTER_KERNEL)) {
    return tf.engine().runKernel(FLIP_FILTER_KERNEL, { filter }) as tf.Tensor4D;
  }
  return tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
}

/**
 * dx. For stride 1 and an odd kernel, 'same' pads symmetrically, so the transposed convolution is a
 * plain convolution with the kernel flipped in space and its channels swapped; the forward conv
 * kernel is much faster than Conv2DBackpropInput on wasm (~7 ms against ~42 ms for
 * [8,28,28,32]→32). Otherwise, and on webgpu where the transposed conv is as fast as the conv and
 * the flip would cost two more programs, the stock transposed convolution.
 */
function inputGrad(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  dy: tf.Tensor4D,
  strides: ConvStride,
): tf.Tensor4D {
  const k = filter.shape[0];
  if (strides === 1 && k % 2 === 1 && filter.shape[1] === k && !hasFastTransposedConv()) {
    return tf.tidy(() => tf.conv2d(dy, flipFilter(filter), 1, 'same'));
  }
  return tf.conv2dTranspose(dy, filter, x.shape, strides, 'same');
}

// One customGrad wrapper per (stride, variant, bias): the closure is all that differs, and reusing
// it avoids rebuilding it on every layer call.
type ConvFn = (x: tf.Tensor4D, filter: tf.Tensor4D, bias?: tf.Tensor1D) => tf.Tensor4D;
const customConvs = new Map<string, ConvFn>();

/** tf.conv2d, or FusedConv2D when there is a bias: one kernel instead of a conv and an add. */
function forwardConv(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: ConvStride,
  bias: tf.Tensor1D | undefined,
): tf.Tensor4D {
  if (!bias) return tf.conv2d(x, filter, strides, 'same');
  return tf.fused.conv2d({ x, filter, strides, pad: 'same', bias });
}

function customConv(
  strides: ConvStride,
  variant: Exclude<FilterGradVariant, 'stock'>,
  withBias: boolean,
): ConvFn {
  const key = `${strides}/${variant}/${withBias}`;
  const cached = customConvs.get(key);
  if (cached) return cached;
  const wrapped = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor4D;
    const filter = args[1] as tf.Tensor4D;
    const bias = withBias ? (args[2] as tf.Tensor1D) : undefined;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    save([x, filter]);
    return {
      value: forwardConv(x, filter, strides, bias),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sf] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dy4 = dy as tf.Tensor4D;
        const grads: tf.Tensor[] = [
          inputGrad(sx, sf, dy4, strides),
          conv2dFilterGrad(sx, dy4, sf.shape, strides, variant),
        ];
        if (withBias) grads.push(channelSum(dy4));
        return grads;
      },
    };
  });
  const fn: ConvFn = (x, filter, bias) =>
    (withBias && bias ? wrapped(x, filter, bias) : wrapped(x, filter)) as tf.Tensor4D;
  customConvs.set(key, fn);
  return fn;
}

/**
 * NHWC conv2d with TF 'same' padding and dilation 1, for any kernel size, plus a per-channel
 * `bias` when given (fused into the conv kernel). The forward is tf.conv2d / tf.fused.conv2d;
 * dx goes through `inputGrad`; dW through `conv2dFilterGrad` with the chosen variant.
 */
export function conv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: ConvStride,
  opts: Conv2dOptions = {},
): tf.Tensor4D {
  const variant = opts.filterGrad ?? 'matmul2d';
  const { bias } = opts;
  if (variant === 'stock') return forwardConv(x, filter, strides, bias);
  return customConv(strides, variant, bias !== undefined)(x, filter, bias);
}

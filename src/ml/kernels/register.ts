/**
 * Our own tfjs kernels, registered on first use for the backend in use: loops over CPU memory on
 * wasm and cpu, WGSL programs on webgpu. `ml/` imports no backend package, so backends are reached
 * through the few methods each has (duck typing; webgpu's through ml/replay/tfjs-internals.ts,
 * which hands out nothing on a tfjs version it was not written for). A backend without an
 * implementation here (webgl, or webgpu on such a version) keeps the tfjs-ops formulation (see
 * hasKernel).
 *
 * DPGroupNorm: x [B,H,W,C], gamma, beta [C] → y [B,H,W,C] (SiLU applied when attr act), stats
 *   [B,G,2] = (mean, 1/√(var + eps)).
 * DPGroupNormGrad: dy, x, gamma, beta, stats, and optionally sig = σ(xhat·γ + β) → dx, dγ, dβ.
 * DPPackFlat / DPUnpackFlat (webgpu only): buffer copies instead of Concat / SplitV programs.
 * DPFlipFilter (wasm, cpu): filter [kh,kw,cin,cout] → reversed in space, [kh,kw,cout,cin].
 * DPChannelSum (webgpu only): x [..., C] → Σ over all other axes, [C].
 * DPAdam (webgpu only): flat p, g, m, v and the step's scalars → m', v', p' (adam-webgpu.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { groupNormBackward, groupNormForward } from './group-norm-host';
import {
  applyProgram,
  gradAffineProgram,
  gradInputProgram,
  gradStatsProgram,
  statsProgram,
  uniformsFor,
} from './group-norm-webgpu';
import { flipFilterHost } from './flip-filter-host';
import { HOST_IO, type HostIO } from './host-io';
import { geometry, im2colHost, im2colProgram, im2colUniforms, patchShape } from './im2col';
import { type AdamAttrs, adamPrograms, adamUniforms } from './adam-webgpu';
import { channelSumProgram, channelSumUniforms } from './channel-sum-webgpu';
import { packCopy, unpackCopy } from './flat-copy-webgpu';
import { type Program, inputsFor } from './webgpu-program';
import { type ProgramRunner, bufferCopies, programRunner } from '../replay/tfjs-internals';

export const GROUP_NORM_KERNEL = 'DPGroupNorm';
export const GROUP_NORM_GRAD_KERNEL = 'DPGroupNormGrad';
/** x [B,H,W,Cin] → patches [B,Ho,Wo,kh·kw·Cin] of a 'same' conv; attrs kh, kw, stride. */
export const IM2COL_KERNEL = 'DPIm2Col';
/** Inputs '0'…'n-1' (float32, any shapes) → one flat [Σ sizes] tensor, in input order. */
export const PACK_FLAT_KERNEL = 'DPPackFlat';
/** x (flat float32) → 1-D pieces of attr `sizes`, in order. */
export const UNPACK_FLAT_KERNEL = 'DPUnpackFlat';
/** filter [kh,kw,cin,cout] → [kh,kw,cout,cin], reversed in kh and kw (a conv's input gradient). */
export const FLIP_FILTER_KERNEL = 'DPFlipFilter';
/** x [..., C] → [C], the sum over every other axis (a conv's bias gradient). */
export const CHANNEL_SUM_KERNEL = 'DPChannelSum';
/** Flat p, g, m, v, c (Adam.coefficients: the step's scalars), attrs AdamAttrs → [m', v', p']. */
export const ADAM_KERNEL = 'DPAdam';

interface Im2ColAttrs {
  readonly kh: number;
  readonly kw: number;
  readonly stride: number;
}

function im2colGeometry(x: tf.TensorInfo, attrs: tf.NamedAttrMap | undefined) {
  const { kh, kw, stride } = attrs as unknown as Im2ColAttrs;
  return geometry(x.shape, kh, kw, stride);
}

export interface GroupNormAttrs {
  readonly groups: number;
  readonly eps: number;
  /** SiLU after the affine. */
  readonly act: boolean;
}

function dimsOf(x: tf.TensorInfo, groups: number) {
  const [b = 0, h = 0, w = 0, c = 0] = x.shape;
  return { b, hw: h * w, c, groups };
}

function attrsOf(attrs: tf.NamedAttrMap | undefined): GroupNormAttrs {
  const a = attrs as unknown as GroupNormAttrs;
  return { groups: a.groups, eps: a.eps, act: a.act };
}

function named(inputs: tf.NamedTensorInfoMap, names: readonly string[], kernel: string) {
  return names.map((n) => {
    const t = inputs[n];
    if (!t) throw new Error(`${kernel}: missing input ${n}`);
    return t;
  });
}

function registerHost(backendName: string, io: (backend: unknown) => HostIO): void {
  tf.registerKernel({
    kernelName: FLIP_FILTER_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const [f] = named(inputs, ['filter'], FLIP_FILTER_KERNEL) as [tf.TensorInfo];
      const [kh = 0, kw = 0, cin = 0, cout = 0] = f.shape;
      const [out] = io(backend).run([f], [[kh, kw, cout, cin]], ([fv], [o]) =>
        flipFilterHost(fv!, [kh, kw, cin, cout], o!),
      );
      return out!;
    },
  });
  tf.registerKernel({
    kernelName: IM2COL_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const [x] = named(inputs, ['x'], IM2COL_KERNEL) as [tf.TensorInfo];
      const g = im2colGeometry(x, attrs);
      const [patches] = io(backend).run([x], [patchShape(g)], ([xv], [out]) =>
        im2colHost(xv!, g, out!),
      );
      return patches!;
    },
  });
  tf.registerKernel({
    kernelName: GROUP_NORM_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const [x, gamma, beta] = named(inputs, ['x', 'gamma', 'beta'], GROUP_NORM_KERNEL);
      const { groups, eps, act } = attrsOf(attrs);
      const dims = dimsOf(x!, groups);
      return io(backend).run(
        [x!, gamma!, beta!],
        [[...x!.shape], [dims.b, groups, 2]],
        ([xv, gv, bv], [y, stats]) => groupNormForward(xv!, gv!, bv!, dims, eps, act, y!, stats!),
      );
    },
  });
  tf.registerKernel({
    kernelName: GROUP_NORM_GRAD_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const names = ['dy', 'x', 'gamma', 'beta', 'stats'];
      const ins = named(inputs, names, GROUP_NORM_GRAD_KERNEL);
      const { sig } = inputs;
      const [, x, gamma] = ins;
      const { groups, act } = attrsOf(attrs);
      const dims = dimsOf(x!, groups);
      return io(backend).run(
        sig ? [...ins, sig] : ins,
        [[...x!.shape], [...gamma!.shape], [...gamma!.shape]],
        ([dyv, xv, gv, bv, sv, sigv], [dx, dGamma, dBeta]) =>
          groupNormBackward(dyv!, xv!, gv!, bv!, sv!, act, sigv ?? null, dims, {
            dx: dx!,
            dGamma: dGamma!,
            dBeta: dBeta!,
          }),
      );
    },
  });
}

function registerWebGPUCopies(): void {
  if (!bufferCopies(tf.backend())) return;
  const gpu = (backend: unknown) => {
    const b = bufferCopies(backend);
    if (!b) throw new Error('webgpu backend without buffer copies');
    return b;
  };
  tf.registerKernel({
    kernelName: PACK_FLAT_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const parts = Object.keys(inputs).map((_, i) => inputs[String(i)]);
      if (parts.some((p) => !p)) throw new Error(`${PACK_FLAT_KERNEL}: inputs must be '0'…'n-1'`);
      return packCopy(gpu(backend), parts as tf.TensorInfo[]);
    },
  });
  tf.registerKernel({
    kernelName: UNPACK_FLAT_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const [x] = named(inputs, ['x'], UNPACK_FLAT_KERNEL) as [tf.TensorInfo];
      const { sizes } = attrs as unknown as { sizes: number[] };
      return unpackCopy(gpu(backend), x, sizes);
    },
  });
}

/**
 * tfjs-backend-webgpu's flag for its naive transposed conv (one thread per input pixel, the default)
 * over the matmul-tiled program it also has. The tiled one matches a conv with the flipped filter
 * to the bit on the UNet's stride-1 shapes and within 1e-6 on stride 2 (src/node/webgpu-kernels-check.ts),
 * runs as fast as that conv on SwiftShader, and saves the flip's Reverse and Transpose programs.
 */
const NAIVE_TRANSPOSED_CONV_FLAG = 'WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE';

/** `backend` as a runner of our programs (a kernel runs only where registerWebGPU found one). */
function runner(backend: unknown): ProgramRunner {
  const gpu = programRunner(backend);
  if (!gpu) throw new Error('webgpu backend cannot run our programs');
  return gpu;
}

function registerWebGPU(): void {
  if (!programRunner(tf.backend())) return;
  registerWebGPUCopies();
  tf.env().set(NAIVE_TRANSPOSED_CONV_FLAG, false);
  tf.registerKernel({
    kernelName: ADAM_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const [p, g, m, v, c] = named(inputs, ['p', 'g', 'm', 'v', 'c'], ADAM_KERNEL) as [
        tf.TensorInfo,
        tf.TensorInfo,
        tf.TensorInfo,
        tf.TensorInfo,
        tf.TensorInfo,
      ];
      const gpu = runner(backend);
      const u = adamUniforms(attrs as unknown as AdamAttrs);
      const [mProgram, vProgram, pProgram] = adamPrograms(p.shape[0] ?? 0);
      const m2 = gpu.runWebGPUProgram(mProgram, [g, m, c], 'float32', u);
      const v2 = gpu.runWebGPUProgram(vProgram, [g, v, c], 'float32', u);
      const p2 = gpu.runWebGPUProgram(pProgram, [p, m2, v2, c], 'float32', u);
      return [m2, v2, p2];
    },
  });
  tf.registerKernel({
    kernelName: CHANNEL_SUM_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const [x] = named(inputs, ['x'], CHANNEL_SUM_KERNEL) as [tf.TensorInfo];
      const c = x.shape[x.shape.length - 1] ?? 1;
      const gpu = runner(backend);
      return gpu.runWebGPUProgram(
        channelSumProgram(c),
        [x],
        'float32',
        channelSumUniforms(x.shape),
      );
    },
  });
  tf.registerKernel({
    kernelName: IM2COL_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const [x] = named(inputs, ['x'], IM2COL_KERNEL) as [tf.TensorInfo];
      const g = im2colGeometry(x, attrs);
      const gpu = runner(backend);
      return gpu.runWebGPUProgram(im2colProgram(g), [x], 'float32', im2colUniforms(g));
    },
  });
  tf.registerKernel({
    kernelName: GROUP_NORM_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const gpu = runner(backend);
      const [x, gamma, beta] = named(inputs, ['x', 'gamma', 'beta'], GROUP_NORM_KERNEL);
      const { groups, eps, act } = attrsOf(attrs);
      const dims = dimsOf(x!, groups);
      const u = uniformsFor(dims, eps);
      const stats = gpu.runWebGPUProgram(statsProgram(dims.b, groups), [x!], 'float32', u);
      const y = gpu.runWebGPUProgram(
        applyProgram([...x!.shape], act),
        [x!, stats, gamma!, beta!],
        'float32',
        u,
      );
      return [y, stats];
    },
  });
  tf.registerKernel({
    kernelName: GROUP_NORM_GRAD_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const gpu = runner(backend);
      // σ is recomputed in the shaders, where exp costs nothing next to a dispatch.
      const [dy, x, gamma, beta, stats] = named(
        inputs,
        ['dy', 'x', 'gamma', 'beta', 'stats'],
        GROUP_NORM_GRAD_KERNEL,
      ) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
      const { groups, eps, act } = attrsOf(attrs);
      const dims = dimsOf(x, groups);
      const u = uniformsFor(dims, eps);
      const byName: Record<string, tf.TensorInfo> = { dy, x, gamma, beta, stats };
      const run = (program: Program, uniforms = u): tf.TensorInfo =>
        gpu.runWebGPUProgram(program, inputsFor(program, byName), 'float32', uniforms);
      byName.gstats = run(gradStatsProgram(dims.b, groups, act));
      const dx = run(gradInputProgram([...x.shape], act));
      gpu.disposeData(byName.gstats.dataId);
      const copies = groupNormCopies ? bufferCopies(backend) : null;
      if (copies) {
        // Both sums in one program, then the halves cut apart by copies (no programs).
        const both = run(gradAffineProgram(dims.c, act, true));
        const [dGamma, dBeta] = unpackCopy(copies, both, [dims.c, dims.c]);
        gpu.disposeData(both.dataId);
        return [dx, dGamma!, dBeta!];
      }
      const affine = gradAffineProgram(dims.c, act, false);
      const dGamma = run(affine, uniformsFor(dims, eps, 0));
      const dBeta = run(affine, uniformsFor(dims, eps, 1));
      return [dx, dGamma, dBeta];
    },
  });
}

let enabled = true;
let groupNormCopies = true;

/**
 * Off: the GroupNorm gradient computes dγ and dβ as two programs, as on a webgpu backend without
 * buffer copies (tfjs 4.22 has them, so only the kernel check takes that path).
 */
export function setGroupNormCopies(on: boolean): void {
  groupNormCopies = on;
}

/** Turns our kernels off (false) or back on: the bench compares both paths in one process. */
export function setCustomKernels(on: boolean): void {
  enabled = on;
}

/** Backends whose tensors live in CPU memory, where a SiLU's exp is cheaper as a tfjs kernel. */
export function isHostBackend(): boolean {
  return tf.getBackend() in HOST_IO;
}

/**
 * Whether conv input gradients should use tfjs' transposed conv (one program) rather than a conv
 * with the filter flipped (Reverse + Transpose + conv): true on webgpu with our kernels on, where
 * registering them picked the matmul-tiled transposed conv.
 */
export function hasFastTransposedConv(): boolean {
  if (tf.getBackend() !== 'webgpu' || !hasKernel(GROUP_NORM_KERNEL)) return false;
  return !tf.env().getBool(NAIVE_TRANSPOSED_CONV_FLAG);
}

/**
 * Whether `kernelName` runs on the current backend, registering our implementation for it first
 * when we have one. False means: use the tfjs-ops formulation.
 */
export function hasKernel(kernelName: string): boolean {
  if (!enabled) return false;
  const backendName = tf.getBackend();
  if (tf.getKernel(kernelName, backendName)) return true;
  if (!tf.getKernel(GROUP_NORM_KERNEL, backendName)) {
    const io = HOST_IO[backendName];
    if (io) registerHost(backendName, io);
    else if (backendName === 'webgpu') registerWebGPU();
  }
  return tf.getKernel(kernelName, backendName) !== undefined;
}

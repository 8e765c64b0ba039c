/**
 * Our own tfjs kernels, registered on first use for the backend in use. `ml/` imports no backend
 * package, so the backends are reached through the few methods each one has (duck typing).
 * A backend without an implementation here keeps using the tfjs-ops path (see hasKernel).
 */
import * as tf from '@tensorflow/tfjs-core';
import { groupNormBackward, groupNormForward } from './group-norm-host';

export const GROUP_NORM_KERNEL = 'DPGroupNorm';
export const GROUP_NORM_GRAD_KERNEL = 'DPGroupNormGrad';

export interface GroupNormAttrs {
  readonly groups: number;
  readonly eps: number;
}

/** What a CPU-memory backend offers to read inputs and create outputs. */
interface HostIO {
  /** Creates the outputs, then hands float32 views of inputs and outputs to `compute`. */
  run(
    inputs: tf.TensorInfo[],
    outShapes: number[][],
    compute: (ins: Float32Array[], outs: Float32Array[]) => void,
  ): tf.TensorInfo[];
}

interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

interface CpuLike {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

function wasmIO(backend: WasmLike): HostIO {
  return {
    run(inputs, outShapes, compute) {
      // Outputs first: allocating can grow the wasm heap, which detaches earlier views.
      const outs = outShapes.map((s) => backend.makeOutput(s, 'float32'));
      compute(
        inputs.map((t) => backend.typedArrayFromHeap(t)),
        outs.map((t) => backend.typedArrayFromHeap(t)),
      );
      return outs;
    },
  };
}

function cpuIO(backend: CpuLike): HostIO {
  return {
    run(inputs, outShapes, compute) {
      const ins = inputs.map((t) => {
        const values = backend.data.get(t.dataId).values;
        if (!(values instanceof Float32Array)) throw new Error('expected float32 tensor data');
        return values;
      });
      const outs = outShapes.map((s) => new Float32Array(s.reduce((p, d) => p * d, 1)));
      compute(ins, outs);
      return outs.map((v, i) => backend.makeTensorInfo(outShapes[i] ?? [], 'float32', v));
    },
  };
}

const HOST_IO: Record<string, (backend: unknown) => HostIO> = {
  wasm: (b) => wasmIO(b as WasmLike),
  cpu: (b) => cpuIO(b as CpuLike),
};

function dimsOf(x: tf.TensorInfo, groups: number) {
  const [b = 0, h = 0, w = 0, c = 0] = x.shape;
  return { b, hw: h * w, c, groups };
}

function attrsOf(attrs: tf.NamedAttrMap | undefined): GroupNormAttrs {
  const a = attrs as unknown as GroupNormAttrs;
  return { groups: a.groups, eps: a.eps };
}

function registerHost(backendName: string, io: (backend: unknown) => HostIO): void {
  tf.registerKernel({
    kernelName: GROUP_NORM_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, gamma, beta } = inputs as Record<string, tf.TensorInfo>;
      if (!x || !gamma || !beta) throw new Error(`${GROUP_NORM_KERNEL}: missing inputs`);
      const { groups, eps } = attrsOf(attrs);
      const dims = dimsOf(x, groups);
      return io(backend).run(
        [x, gamma, beta],
        [[...x.shape], [dims.b, groups], [dims.b, groups]],
        ([xv, gv, bv], [y, mean, rstd]) =>
          groupNormForward(xv!, gv!, bv!, dims, eps, { y: y!, mean: mean!, rstd: rstd! }),
      );
    },
  });
  tf.registerKernel({
    kernelName: GROUP_NORM_GRAD_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      // `sig` (σ of the forward's output) is there when a SiLU followed the norm.
      const { dy, x, gamma, beta, mean, rstd, sig } = inputs as Record<string, tf.TensorInfo>;
      if (!dy || !x || !gamma || !beta || !mean || !rstd) {
        throw new Error(`${GROUP_NORM_GRAD_KERNEL}: missing inputs`);
      }
      const { groups } = attrsOf(attrs);
      const dims = dimsOf(x, groups);
      const ins = [dy, x, gamma, beta, mean, rstd, ...(sig ? [sig] : [])];
      return io(backend).run(
        ins,
        [[...x.shape], [...gamma.shape], [...gamma.shape]],
        ([dyv, xv, gv, bv, mv, rv, sv], [dx, dGamma, dBeta]) =>
          groupNormBackward(dyv!, xv!, gv!, bv!, mv!, rv!, sv ?? null, dims, {
            dx: dx!,
            dGamma: dGamma!,
            dBeta: dBeta!,
          }),
      );
    },
  });
}

let enabled = true;

/** Turns our kernels off (false) or back on: the bench compares both paths in one process. */
export function setCustomKernels(on: boolean): void {
  enabled = on;
}

/**
 * Whether `kernelName` runs on the current backend, registering our implementation for it first
 * when we have one. False means: use the tfjs-ops formulation.
 */
export function hasKernel(kernelName: string): boolean {
  if (!enabled) return false;
  const backendName = tf.getBackend();
  if (tf.getKernel(kernelName, backendName)) return true;
  const io = HOST_IO[backendName];
  if (!io) return false;
  if (!tf.getKernel(GROUP_NORM_KERNEL, backendName)) registerHost(backendName, io);
  return tf.getKernel(kernelName, backendName) !== undefined;
}

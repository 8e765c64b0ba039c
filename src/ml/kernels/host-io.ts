/**
 * Reading inputs and creating outputs on the backends whose tensors live in CPU memory (wasm,
 * cpu), reached through the few methods each has (ml/ imports no backend package).
 */
import type * as tf from '@tensorflow/tfjs-core';

/** What a CPU-memory backend offers to read inputs and create outputs. */
export interface HostIO {
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

export const HOST_IO: Record<string, (backend: unknown) => HostIO> = {
  wasm: (b) => wasmIO(b as WasmLike),
  cpu: (b) => cpuIO(b as CpuLike),
};

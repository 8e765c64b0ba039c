/**
 * The shape of a tfjs-backend-webgpu program (its WebGPUProgram, webgpu_program.d.ts) as our
 * kernels fill it in: the backend prepends bindings (one storage buffer per variable name, read
 * as name[i]), the `uniforms` struct and `_start`, which calls `fn main(index : i32)` with the
 * flat invocation index for a 1-D dispatch layout.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** The part of tfjs-backend-webgpu's WebGPUProgram these programs fill in. */
export interface Program {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms: string;
  size: boolean;
  getUserCode: () => string;
}

export type Uniform = { type: 'int32' | 'float32'; data: number[] };

/** Threads per workgroup in all our programs. */
export const WG = 64;
const MAX_GROUPS_PER_DIM = 65535;

/** Workgroup counts for `n` workgroups, as tfjs splits them over x and y. */
export function dispatchFor(n: number): [number, number, number] {
  if (n <= MAX_GROUPS_PER_DIM) return [n, 1, 1];
  const x = Math.ceil(Math.sqrt(n));
  return [x, Math.ceil(n / x), 1];
}

/** The program's inputs, in its variableNames order. */
export function inputsFor(
  program: Program,
  byName: Readonly<Record<string, tf.TensorInfo>>,
): tf.TensorInfo[] {
  return program.variableNames.map((n) => {
    const t = byName[n];
    if (!t) throw new Error(`${program.shaderKey}: no input ${n}`);
    return t;
  });
}

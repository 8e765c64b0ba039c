/**
 * Σ over every axis but the last, x [..., C] → [C], as one WGSL program: the bias gradient of a
 * conv. tfjs' webgpu Sum reduces only the innermost axis, so Sum over [0, 1, 2] of an NHWC
 * tensor is a Transpose program and then a Reduce program; this is one dispatch, one workgroup
 * per channel with a tree sum.
 */
import { type Program, type Uniform, WG, dispatchFor } from './webgpu-program';

export function channelSumProgram(c: number): Program {
  return {
    variableNames: ['x'],
    outputShape: [c],
    shaderKey: 'dp_channel_sum',
    dispatchLayout: { x: [0] },
    dispatch: dispatchFor(c),
    workgroupSize: [WG, 1, 1],
    uniforms: 'rows : i32, c : i32,',
    size: true,
    getUserCode: () => `
  var<workgroup> part : array<f32, ${WG}>;
  fn main(index : i32) {
    let ch = index / ${WG};
    let tid = localId.x;
    var acc = 0.0;
    for (var r = i32(tid); r < uniforms.rows; r = r + ${WG}) {
      acc = acc + x[r * uniforms.c + ch];
    }
    part[tid] = acc;
    for (var width = ${WG / 2}u; width > 0u; width = width / 2u) {
      workgroupBarrier();
      if (tid < width) { part[tid] = part[tid] + part[tid + width]; }
    }
    if (tid == 0u) { setOutputAtIndex(ch, part[0]); }
  }`,
  };
}

export function channelSumUniforms(shape: readonly number[]): Uniform[] {
  const c = shape[shape.length - 1] ?? 1;
  const rows = shape.reduce((a, d) => a * d, 1) / c;
  return [
    { type: 'int32', data: [rows] },
    { type: 'int32', data: [c] },
  ];
}

/**
 * One Adam(W) update over the flat parameter buffer as three WGSL programs (m', v', then p'),
 * instead of ~14 elementwise tfjs programs. Same float32 arithmetic, in the same order, as
 * Adam.applyFlat's tfjs-ops path (src/ml/train/adam.ts):
 *   g ← g·gradScale;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   p ← p·decay − (m / (√v·vScale + ε))·stepSize
 */
import { type Program, type Uniform, WG, dispatchFor } from './webgpu-program';

export interface AdamAttrs {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

const UNIFORMS = 'b1 : f32, c1 : f32, b2 : f32, c2 : f32, eps : f32,';

// The per-step scalars come in a 4-value input `c` (Adam.coefficients), not as uniforms, so a
// recorded step (ml/replay) can rewrite them like any other input.
const STEP_SIZE = 'c[0]';
const V_SCALE = 'c[1]';
const DECAY = 'c[2]';
const GRAD_SCALE = 'c[3]';

function program(name: string, variableNames: string[], n: number, value: string): Program {
  // Only inputs the shader reads: the backend builds the bind group layout from the shader.
  const scaled = variableNames.includes('g') ? `let gs = g[index] * ${GRAD_SCALE};` : '';
  return {
    variableNames,
    outputShape: [n],
    shaderKey: `dp_adam_${name}`,
    dispatchLayout: { x: [0] },
    dispatch: dispatchFor(Math.ceil(n / WG)),
    workgroupSize: [WG, 1, 1],
    uniforms: UNIFORMS,
    size: true,
    getUserCode: () => `
  fn main(index : i32) {
    if (index < uniforms.size) {
      ${scaled}
      setOutputAtIndex(index, ${value});
    }
  }`,
  };
}

/** m', v' and p' programs (inputs as named, c last), in that order; p' reads the new m and v. */
export function adamPrograms(n: number): [Program, Program, Program] {
  return [
    program('m', ['g', 'm', 'c'], n, 'm[index] * uniforms.b1 + gs * uniforms.c1'),
    program('v', ['g', 'v', 'c'], n, 'v[index] * uniforms.b2 + (gs * gs) * uniforms.c2'),
    program(
      'p',
      ['p', 'm', 'v', 'c'],
      n,
      `p[index] * ${DECAY} - (m[index] / (sqrt(v[index]) * ${V_SCALE} + uniforms.eps)) * ${STEP_SIZE}`,
    ),
  ];
}

export function adamUniforms(a: AdamAttrs): Uniform[] {
  return [a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.eps].map((x) => ({
    type: 'float32' as const,
    data: [x],
  }));
}

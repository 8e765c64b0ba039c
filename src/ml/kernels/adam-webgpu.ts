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
  /** lr / (1 − β1ᵗ) */
  readonly stepSize: number;
  /** 1 / √(1 − β2ᵗ) */
  readonly vScale: number;
  /** 1 − lr·weightDecay */
  readonly decay: number;
  readonly gradScale: number;
}

const UNIFORMS =
  'b1 : f32, c1 : f32, b2 : f32, c2 : f32, eps : f32, stepSize : f32, vScale : f32, decay : f32, gradScale : f32,';

function program(name: string, variableNames: string[], n: number, value: string): Program {
  // Only inputs the shader reads: the backend builds the bind group layout from the shader.
  const scaled = variableNames.includes('g') ? 'let gs = g[index] * uniforms.gradScale;' : '';
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

/** m', v' and p' programs, in that order; p' reads the new m and v. */
export function adamPrograms(n: number): [Program, Program, Program] {
  return [
    program('m', ['g', 'm'], n, 'm[index] * uniforms.b1 + gs * uniforms.c1'),
    program('v', ['g', 'v'], n, 'v[index] * uniforms.b2 + (gs * gs) * uniforms.c2'),
    program(
      'p',
      ['p', 'm', 'v'],
      n,
      'p[index] * uniforms.decay - (m[index] / (sqrt(v[index]) * uniforms.vScale + uniforms.eps)) * uniforms.stepSize',
    ),
  ];
}

export function adamUniforms(a: AdamAttrs): Uniform[] {
  return [
    a.beta1,
    1 - a.beta1,
    a.beta2,
    1 - a.beta2,
    a.eps,
    a.stepSize,
    a.vScale,
    a.decay,
    a.gradScale,
  ].map((x) => ({ type: 'float32' as const, data: [x] }));
}

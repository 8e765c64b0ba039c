/**
 * GroupNorm (+ SiLU) as WGSL programs for tfjs' webgpu backend: 2 dispatches forward and 3
 * backward (4 where the backend cannot copy buffers), in place of ~11 and ~16 with tfjs ops
 * (docs/ARCHITECTURE.md, "Measured on these machines": each dispatch costs ~0.2 ms of CPU in tfjs, so the count matters more than the
 * math). Programs follow the backend's WebGPUProgram shape (webgpu_program.d.ts): it prepends the
 * bindings, `uniforms` and `main`.
 *
 * NHWC, flat index i: channel c = i % C, pixel p = (i / C) % HW, sample s = i / (C·HW),
 * group g = c / (C/G). Statistics `stats` are [B, G, 2] = (mean, 1/√(var + eps)).
 * A program lists only the inputs its shader reads: the backend builds its bind group layout from
 * the shader, so an unread input's binding would not exist (variableNames, then inputsFor).
 */
import { type Program, type Uniform, WG, dispatchFor } from './webgpu-program';

// Shared by every program: the layout uniforms and helpers to find an element's statistics.
const UNIFORMS = 'batch : i32, hw : i32, c : i32, groups : i32, cg : i32, eps : f32, which : i32,';
const HELPERS = `
  fn sampleOf(i : i32) -> i32 { return i / (uniforms.c * uniforms.hw); }
  fn channelOf(i : i32) -> i32 { return i % uniforms.c; }
  fn statIndex(i : i32) -> i32 {
    return 2 * (sampleOf(i) * uniforms.groups + channelOf(i) / uniforms.cg);
  }
  fn sigmoidOf(v : f32) -> f32 { return 1.0 / (1.0 + exp(-v)); }
  // Element k (0 ≤ k < HW·C/G) of the (sample, group) pair o.
  fn groupElement(o : i32, k : i32) -> i32 {
    let s = o / uniforms.groups;
    let g = o % uniforms.groups;
    return (s * uniforms.hw + k / uniforms.cg) * uniforms.c + g * uniforms.cg + k % uniforms.cg;
  }
  var<workgroup> partA : array<f32, ${WG}>;
  var<workgroup> partB : array<f32, ${WG}>;
  // Tree sum of partA and partB over the workgroup; the totals end in slot 0.
  fn reduceParts(tid : u32) {
    for (var width = ${WG / 2}u; width > 0u; width = width / 2u) {
      workgroupBarrier();
      if (tid < width) {
        partA[tid] = partA[tid] + partA[tid + width];
        partB[tid] = partB[tid] + partB[tid + width];
      }
    }
    workgroupBarrier();
  }
`;

// dv: the gradient at the affine output v = xhat·γ + β, through SiLU when ACT.
function dvSnippet(act: boolean): string {
  return `
  fn dvAt(i : i32, xhat : f32) -> f32 {
    ${
      act
        ? `let v = xhat * gamma[channelOf(i)] + beta[channelOf(i)];
    let sg = sigmoidOf(v);
    return dy[i] * sg * (1.0 + v * (1.0 - sg));`
        : 'return dy[i];'
    }
  }
  fn xhatAt(i : i32) -> f32 {
    let k = statIndex(i);
    return (x[i] - stats[k]) * stats[k + 1];
  }`;
}

function reduceProgram(
  name: string,
  variableNames: string[],
  outputShape: number[],
  workgroups: number,
  body: string,
): Program {
  return {
    variableNames,
    outputShape,
    shaderKey: name,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: dispatchFor(workgroups),
    workgroupSize: [WG, 1, 1],
    uniforms: UNIFORMS,
    size: true,
    getUserCode: () => body,
  };
}

function elementwiseProgram(
  name: string,
  variableNames: string[],
  outputShape: number[],
  body: string,
): Program {
  const size = outputShape.reduce((p, d) => p * d, 1);
  return {
    variableNames,
    outputShape,
    shaderKey: name,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: dispatchFor(Math.ceil(size / WG)),
    workgroupSize: [WG, 1, 1],
    uniforms: UNIFORMS,
    size: true,
    getUserCode: () => body,
  };
}

/** (mean, rstd) per (sample, group): one workgroup each, two passes over the group. */
export function statsProgram(b: number, groups: number): Program {
  return reduceProgram(
    'dp_gn_stats',
    ['x'],
    [b, groups, 2],
    b * groups,
    `${HELPERS}
  ${main()} {
    let o = index / ${WG};
    let tid = localId.x;
    let n = uniforms.hw * uniforms.cg;
    var sum = 0.0;
    for (var k = i32(tid); k < n; k = k + ${WG}) { sum = sum + x[groupElement(o, k)]; }
    partA[tid] = sum;
    partB[tid] = 0.0;
    reduceParts(tid);
    let mean = partA[0] / f32(n);
    workgroupBarrier();
    var sq = 0.0;
    for (var k = i32(tid); k < n; k = k + ${WG}) {
      let d = x[groupElement(o, k)] - mean;
      sq = sq + d * d;
    }
    partA[tid] = sq;
    reduceParts(tid);
    if (tid == 0u) {
      setOutputAtIndex(2 * o, mean);
      setOutputAtIndex(2 * o + 1, inverseSqrt(partA[0] / f32(n) + uniforms.eps));
    }
  }`,
  );
}

/** y = xhat·γ + β, then SiLU when `act`. */
export function applyProgram(shape: number[], act: boolean): Program {
  return elementwiseProgram(
    `dp_gn_apply_${act}`,
    ['x', 'stats', 'gamma', 'beta'],
    shape,
    `${HELPERS}
  ${main()} {
    if (index < uniforms.size) {
      let k = statIndex(index);
      let c = channelOf(index);
      let v = (x[index] - stats[k]) * stats[k + 1] * gamma[c] + beta[c];
      setOutputAtIndex(index, ${act ? 'v * sigmoidOf(v)' : 'v'});
    }
  }`,
  );
}

/** Σ dxhat and Σ dxhat·xhat per (sample, group), [B, G, 2]. */
export function gradStatsProgram(b: number, groups: number, act: boolean): Program {
  return reduceProgram(
    `dp_gn_grad_stats_${act}`,
    act ? ['dy', 'x', 'stats', 'gamma', 'beta'] : ['dy', 'x', 'stats', 'gamma'],
    [b, groups, 2],
    b * groups,
    `${HELPERS}${dvSnippet(act)}
  ${main()} {
    let o = index / ${WG};
    let tid = localId.x;
    let n = uniforms.hw * uniforms.cg;
    var s1 = 0.0;
    var s2 = 0.0;
    for (var k = i32(tid); k < n; k = k + ${WG}) {
      let i = groupElement(o, k);
      let xhat = xhatAt(i);
      let dxhat = dvAt(i, xhat) * gamma[channelOf(i)];
      s1 = s1 + dxhat;
      s2 = s2 + dxhat * xhat;
    }
    partA[tid] = s1;
    partB[tid] = s2;
    reduceParts(tid);
    if (tid == 0u) {
      setOutputAtIndex(2 * o, partA[0]);
      setOutputAtIndex(2 * o + 1, partB[0]);
    }
  }`,
  );
}

/** dx = rstd·(dxhat − mean(dxhat) − xhat·mean(dxhat·xhat)). */
export function gradInputProgram(shape: number[], act: boolean): Program {
  return elementwiseProgram(
    `dp_gn_grad_x_${act}`,
    act ? ['dy', 'x', 'stats', 'gamma', 'beta', 'gstats'] : ['dy', 'x', 'stats', 'gamma', 'gstats'],
    shape,
    `${HELPERS}${dvSnippet(act)}
  ${main()} {
    if (index < uniforms.size) {
      let k = statIndex(index);
      let n = f32(uniforms.hw * uniforms.cg);
      let xhat = xhatAt(index);
      let dxhat = dvAt(index, xhat) * gamma[channelOf(index)];
      let dx = stats[k + 1] * (dxhat - gstats[k] / n - xhat * gstats[k + 1] / n);
      setOutputAtIndex(index, dx);
    }
  }`,
  );
}

/**
 * Per channel, one workgroup each: with `both`, dγ and dβ as [2, C] (Σ dv·xhat, then Σ dv), which
 * the kernel cuts apart with buffer copies; otherwise one of them, [C], chosen by the uniform
 * which (0: dγ, 1: dβ), for backends without buffer copies.
 */
export function gradAffineProgram(c: number, act: boolean, both: boolean): Program {
  return reduceProgram(
    `dp_gn_grad_affine_${act}_${both}`,
    act ? ['dy', 'x', 'stats', 'gamma', 'beta'] : ['dy', 'x', 'stats'],
    both ? [2, c] : [c],
    c,
    `${HELPERS}${dvSnippet(act)}
  ${main()} {
    let ch = index / ${WG};
    let tid = localId.x;
    let n = uniforms.batch * uniforms.hw;
    var sa = 0.0;
    var sb = 0.0;
    for (var k = i32(tid); k < n; k = k + ${WG}) {
      let i = k * uniforms.c + ch;
      let xhat = xhatAt(i);
      let dv = dvAt(i, xhat);
      sa = sa + dv * xhat;
      sb = sb + dv;
    }
    partA[tid] = sa;
    partB[tid] = sb;
    reduceParts(tid);
    if (tid == 0u) {
      ${
        both
          ? `setOutputAtIndex(ch, partA[0]);
      setOutputAtIndex(uniforms.c + ch, partB[0]);`
          : 'setOutputAtIndex(ch, select(partB[0], partA[0], uniforms.which == 0));'
      }
    }
  }`,
  );
}

/**
 * The entry the backend's `_start` calls with the flat invocation index (its getMainHeaderString
 * for a 1-D dispatch layout).
 */
function main(): string {
  return 'fn main(index : i32)';
}

export function uniformsFor(
  dims: { b: number; hw: number; c: number; groups: number },
  eps: number,
  which = 0,
): Uniform[] {
  return [
    { type: 'int32', data: [dims.b] },
    { type: 'int32', data: [dims.hw] },
    { type: 'int32', data: [dims.c] },
    { type: 'int32', data: [dims.groups] },
    { type: 'int32', data: [dims.c / dims.groups] },
    { type: 'float32', data: [eps] },
    { type: 'int32', data: [which] },
  ];
}

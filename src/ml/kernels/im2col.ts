/**
 * im2col for a 'same'-padded conv: patches [B, Ho, Wo, kh·kw·Cin], channel (i·kw + j)·Cin + c,
 * the row-major order of a [kh, kw, Cin, Cout] filter (see conv2d.ts). One gather instead of a
 * pad, kh·kw (strided) slices and a concat: 1 dispatch on webgpu instead of ~11.
 */
import { type Program, type Uniform, WG, dispatchFor } from './webgpu-program';

export interface Im2ColGeometry {
  readonly b: number;
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly kh: number;
  readonly kw: number;
  readonly stride: number;
  readonly ho: number;
  readonly wo: number;
  /** Zero rows above / columns left of the input (TF 'same'). */
  readonly padTop: number;
  readonly padLeft: number;
}

/** TF 'same' padding; on stride 2 with even size it pads 0 before and 1 after. */
export function geometry(
  shape: readonly number[],
  kh: number,
  kw: number,
  stride: number,
): Im2ColGeometry {
  const [b = 0, h = 0, w = 0, cin = 0] = shape;
  const ho = Math.ceil(h / stride);
  const wo = Math.ceil(w / stride);
  const padTop = Math.floor(Math.max((ho - 1) * stride + kh - h, 0) / 2);
  const padLeft = Math.floor(Math.max((wo - 1) * stride + kw - w, 0) / 2);
  return { b, h, w, cin, kh, kw, stride, ho, wo, padTop, padLeft };
}

export function patchShape(g: Im2ColGeometry): number[] {
  return [g.b, g.ho, g.wo, g.kh * g.kw * g.cin];
}

export function im2colHost(x: Float32Array, g: Im2ColGeometry, out: Float32Array): void {
  const { b, h, w, cin, kh, kw, stride, ho, wo, padTop, padLeft } = g;
  let o = 0;
  for (let s = 0; s < b; s++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        for (let i = 0; i < kh; i++) {
          const iy = oy * stride + i - padTop;
          for (let j = 0; j < kw; j++) {
            const ix = ox * stride + j - padLeft;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
              out.fill(0, o, o + cin);
            } else {
              const src = ((s * h + iy) * w + ix) * cin;
              out.set(x.subarray(src, src + cin), o);
            }
            o += cin;
          }
        }
      }
    }
  }
}

export function im2colProgram(g: Im2ColGeometry): Program {
  const shape = patchShape(g);
  const size = shape.reduce((p, d) => p * d, 1);
  const dispatch = dispatchFor(Math.ceil(size / WG));
  return {
    variableNames: ['x'],
    outputShape: shape,
    shaderKey: 'dp_im2col',
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch,
    workgroupSize: [WG, 1, 1],
    uniforms:
      'h : i32, w : i32, cin : i32, kw : i32, stride : i32, ho : i32, wo : i32, padTop : i32, padLeft : i32,',
    size: true,
    getUserCode: () => `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let k = uniforms.outShape[3];
      let col = index % k;
      let row = index / k;
      let c = col % uniforms.cin;
      let tap = col / uniforms.cin;
      let ox = row % uniforms.wo;
      let oy = (row / uniforms.wo) % uniforms.ho;
      let s = row / (uniforms.wo * uniforms.ho);
      let iy = oy * uniforms.stride + tap / uniforms.kw - uniforms.padTop;
      let ix = ox * uniforms.stride + tap % uniforms.kw - uniforms.padLeft;
      var v = 0.0;
      if (iy >= 0 && iy < uniforms.h && ix >= 0 && ix < uniforms.w) {
        v = x[((s * uniforms.h + iy) * uniforms.w + ix) * uniforms.cin + c];
      }
      setOutputAtIndex(index, v);
    }
  }`,
  };
}

export function im2colUniforms(g: Im2ColGeometry): Uniform[] {
  return [g.h, g.w, g.cin, g.kw, g.stride, g.ho, g.wo, g.padTop, g.padLeft].map((v) => ({
    type: 'int32' as const,
    data: [v],
  }));
}

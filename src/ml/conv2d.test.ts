import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConvStride, type FilterGradVariant, conv2d, conv2dFilterGrad } from './conv2d';
import { setCustomKernels } from './kernels/register';

interface Case {
  readonly b: number;
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly cout: number;
  readonly k: number;
  readonly s: ConvStride;
}

// Odd and even sizes matter: with stride 2, TF 'same' pads asymmetrically (0 before, 1 after) on
// even sizes and symmetrically on odd ones, and the strided taps must land on the same pixels.
const CASES: readonly Case[] = [
  { b: 1, h: 7, w: 7, cin: 3, cout: 5, k: 3, s: 1 },
  { b: 2, h: 8, w: 8, cin: 4, cout: 6, k: 3, s: 1 },
  { b: 2, h: 8, w: 8, cin: 4, cout: 6, k: 3, s: 2 },
  { b: 5, h: 15, w: 14, cin: 2, cout: 3, k: 3, s: 2 },
  { b: 2, h: 14, w: 15, cin: 8, cout: 4, k: 3, s: 1 },
  { b: 1, h: 28, w: 28, cin: 3, cout: 8, k: 3, s: 2 },
  { b: 2, h: 28, w: 28, cin: 1, cout: 4, k: 3, s: 1 },
  { b: 2, h: 7, w: 8, cin: 5, cout: 7, k: 1, s: 1 },
  { b: 5, h: 7, w: 8, cin: 5, cout: 7, k: 1, s: 2 },
  { b: 1, h: 14, w: 14, cin: 6, cout: 2, k: 1, s: 2 },
  { b: 2, h: 9, w: 10, cin: 2, cout: 3, k: 5, s: 2 },
  { b: 2, h: 8, w: 7, cin: 3, cout: 2, k: 2, s: 2 },
];

const CUSTOM: readonly FilterGradVariant[] = ['matmul2d', 'splitK', 'matmul2dT', 'depthwise'];

const label = (c: Case): string =>
  `[${c.b},${c.h},${c.w},${c.cin}]⊗${c.k}×${c.k}→${c.cout}, stride ${c.s}`;

/** mulberry32: backend-independent data, so cpu and wasm see bit-identical inputs. */
function randomArray(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  }
  return out;
}

interface Inputs {
  readonly x: Float32Array;
  readonly filter: Float32Array;
  /** Weights of the scalar loss Σ y·r, so dy is random rather than all ones. */
  readonly r: Float32Array;
}

const xShape = (c: Case): [number, number, number, number] => [c.b, c.h, c.w, c.cin];
const fShape = (c: Case): [number, number, number, number] => [c.k, c.k, c.cin, c.cout];
const yShape = (c: Case): [number, number, number, number] => [
  c.b,
  Math.ceil(c.h / c.s),
  Math.ceil(c.w / c.s),
  c.cout,
];
const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

function makeInputs(c: Case, seed: number): Inputs {
  return {
    x: randomArray(size(xShape(c)), seed),
    filter: randomArray(size(fShape(c)), seed + 1),
    r: randomArray(size(yShape(c)), seed + 2),
  };
}

interface Grads {
  readonly dx: Float32Array;
  readonly dW: Float32Array;
}

/** dx and dW of Σ conv(x, W)·r on the current backend; 'stock' is plain tf.conv2d. */
function gradsOf(c: Case, inp: Inputs, variant: FilterGradVariant): Grads {
  const [dx, dW] = tf.tidy(() => {
    const x = tf.tensor4d(inp.x, xShape(c));
    const filter = tf.tensor4d(inp.filter, fShape(c));
    const r = tf.tensor4d(inp.r, yShape(c));
    const loss = (a: tf.Tensor, f: tf.Tensor): tf.Scalar => {
      const a4 = a as tf.Tensor4D;
      const f4 = f as tf.Tensor4D;
      const y =
        variant === 'stock'
          ? tf.conv2d(a4, f4, c.s, 'same')
          : conv2d(a4, f4, c.s, { filterGrad: variant });
      return tf.sum(tf.mul(y, r));
    };
    return tf.grads(loss)([x, filter]);
  });
  if (!dx || !dW) throw new Error('tf.grads returned too few gradients');
  try {
    expect(dx.shape).toEqual(xShape(c));
    expect(dW.shape).toEqual(fShape(c));
    return { dx: dx.dataSync() as Float32Array, dW: dW.dataSync() as Float32Array };
  } finally {
    tf.dispose([dx, dW]);
  }
}

/** max|a − b| / max|b|: scale-free, and not blown up by entries of b that happen to be near 0. */
function relErr(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
    den = Math.max(den, Math.abs(b[i] ?? NaN));
  }
  return den === 0 ? num : num / den;
}

const TOL = 1e-4;

async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (name === 'wasm') {
    // The threaded build needs workers + SharedArrayBuffer; the plain SIMD build is what the app uses.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  expect(await tf.setBackend(name)).toBe(true);
  expect(tf.getBackend()).toBe(name);
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('conv2d forward', () => {
  it.each(CUSTOM)('%s: same values as tf.conv2d, no leaks', (variant) => {
    for (const [i, c] of CASES.entries()) {
      const inp = makeInputs(c, 100 + i);
      const x = tf.tensor4d(inp.x, xShape(c));
      const filter = tf.tensor4d(inp.filter, fShape(c));
      const before = tf.memory().numTensors;
      const ours = conv2d(x, filter, c.s, { filterGrad: variant });
      const ref = tf.conv2d(x, filter, c.s, 'same');
      expect(ours.shape).toEqual(yShape(c));
      expect(relErr(ours.dataSync() as Float32Array, ref.dataSync() as Float32Array)).toBe(0);
      tf.dispose([ours, ref]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, filter]);
    }
  });
});

describe('conv2d gradient vs stock tf.conv2d gradient (cpu)', () => {
  for (const [i, c] of CASES.entries()) {
    for (const variant of CUSTOM) {
      it(`${variant}: ${label(c)}`, () => {
        const inp = makeInputs(c, 1000 + 10 * i);
        const ref = gradsOf(c, inp, 'stock');
        const ours = gradsOf(c, inp, variant);
        expect(relErr(ours.dW, ref.dW)).toBeLessThan(TOL);
        expect(relErr(ours.dx, ref.dx)).toBeLessThan(TOL);
      });
    }
  }
});

describe('conv2d gradient with im2col in tfjs ops (the path of backends without our kernels)', () => {
  for (const [i, c] of CASES.entries()) {
    it(`matmul2d: ${label(c)}`, () => {
      const inp = makeInputs(c, 5000 + 10 * i);
      const ref = gradsOf(c, inp, 'stock');
      setCustomKernels(false);
      try {
        const ours = gradsOf(c, inp, 'matmul2d');
        expect(relErr(ours.dW, ref.dW)).toBeLessThan(TOL);
      } finally {
        setCustomKernels(true);
      }
    });
  }
});

describe('conv2d with a fused bias', () => {
  /** Value and gradients of Σ (conv(x, W) + b)·r: ours fused, or tf.conv2d then tf.add. */
  function withBias(c: Case, inp: Inputs, variant: FilterGradVariant | 'unfused'): Float32Array[] {
    return tf.tidy(() => {
      const x = tf.tensor4d(inp.x, xShape(c));
      const filter = tf.tensor4d(inp.filter, fShape(c));
      const bias = tf.tensor1d(randomArray(c.cout, 77));
      const r = tf.tensor4d(inp.r, yShape(c));
      const loss = (a: tf.Tensor, f: tf.Tensor, b: tf.Tensor): tf.Scalar => {
        const a4 = a as tf.Tensor4D;
        const f4 = f as tf.Tensor4D;
        const y =
          variant === 'unfused'
            ? tf.add(tf.conv2d(a4, f4, c.s, 'same'), b)
            : conv2d(a4, f4, c.s, { filterGrad: variant, bias: b as tf.Tensor1D });
        return tf.sum(tf.mul(y, r));
      };
      const { value, grads } = tf.valueAndGrads(loss)([x, filter, bias]);
      return [value, ...grads].map((t) => t.dataSync() as Float32Array);
    });
  }

  for (const [i, c] of CASES.filter((_, j) => j % 3 === 0).entries()) {
    for (const variant of [...CUSTOM, 'stock'] as const) {
      it(`${variant}: ${label(c)}: value, dx, dW and db as conv + add`, () => {
        const before = tf.memory().numTensors;
        const inp = makeInputs(c, 3000 + 10 * i);
        const ref = withBias(c, inp, 'unfused');
        const ours = withBias(c, inp, variant);
        expect(tf.memory().numTensors).toBe(before);
        ref.forEach((r, k) => expect(relErr(ours[k] ?? new Float32Array(), r)).toBeLessThan(TOL));
      });
    }
  }
});

describe('conv2dFilterGrad alone', () => {
  it.each(CUSTOM)('%s matches the stock kernel and frees its intermediates', (variant) => {
    for (const [i, c] of CASES.entries()) {
      const inp = makeInputs(c, 5000 + i);
      const x = tf.tensor4d(inp.x, xShape(c));
      const dy = tf.tensor4d(inp.r, yShape(c));
      const before = tf.memory().numTensors;
      const ours = conv2dFilterGrad(x, dy, fShape(c), c.s, variant);
      expect(tf.memory().numTensors).toBe(before + 1);
      const ref = conv2dFilterGrad(x, dy, fShape(c), c.s, 'stock');
      expect(ours.shape).toEqual(fShape(c));
      expect(relErr(ours.dataSync() as Float32Array, ref.dataSync() as Float32Array)).toBeLessThan(
        TOL,
      );
      tf.dispose([x, dy, ours, ref]);
    }
  });

  it('rejects a dy that does not fit the forward shapes', () => {
    const x = tf.zeros([1, 8, 8, 2]) as tf.Tensor4D;
    const dy = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D;
    expect(() => conv2dFilterGrad(x, dy, [3, 3, 2, 3], 2)).toThrow(/do not fit/);
    tf.dispose([x, dy]);
  });
});

describe('no tensor leaks around gradients', () => {
  const c: Case = { b: 2, h: 8, w: 8, cin: 3, cout: 4, k: 3, s: 2 };

  it.each(CUSTOM)('%s: tf.grads and tf.variableGrads leave numTensors unchanged', (variant) => {
    const inp = makeInputs(c, 7);
    const x = tf.tensor4d(inp.x, xShape(c));
    const filter = tf.variable(tf.tensor4d(inp.filter, fShape(c)));
    const loss = (a: tf.Tensor, f: tf.Tensor): tf.Scalar =>
      tf.mean(tf.square(conv2d(a as tf.Tensor4D, f as tf.Tensor4D, c.s, { filterGrad: variant })));

    const before = tf.memory().numTensors;
    const grads = tf.grads(loss)([x, filter]);
    expect(grads).toHaveLength(2);
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);

    // The training path: the optimizer differentiates w.r.t. trainable variables.
    const { value, grads: vg } = tf.variableGrads(() => loss(x, filter));
    expect(vg[filter.name]?.shape).toEqual(fShape(c));
    tf.dispose([value, ...Object.values(vg)]);
    expect(tf.memory().numTensors).toBe(before);

    tf.dispose([x, filter]);
  });
});

describe('wasm backend (Node)', () => {
  const wasmCases = CASES.filter((_, i) => i % 2 === 0).concat([
    { b: 4, h: 14, w: 14, cin: 16, cout: 32, k: 3, s: 1 },
    { b: 4, h: 14, w: 14, cin: 16, cout: 32, k: 3, s: 2 },
  ]);
  const refs = new Map<Case, { inp: Inputs; ref: Grads }>();

  beforeAll(async () => {
    await useBackend('cpu');
    for (const [i, c] of wasmCases.entries()) {
      const inp = makeInputs(c, 9000 + i);
      refs.set(c, { inp, ref: gradsOf(c, inp, 'stock') });
    }
    await useBackend('wasm');
  });

  afterAll(async () => {
    await useBackend('cpu');
  });

  it('stock tfjs cannot differentiate a conv on wasm (no Conv2DBackpropFilter kernel)', () => {
    const c = wasmCases[0];
    const entry = c && refs.get(c);
    if (!c || !entry) throw new Error('missing case');
    expect(() => gradsOf(c, entry.inp, 'stock')).toThrow(/Conv2DBackpropFilter/);
  });

  for (const c of wasmCases) {
    for (const variant of CUSTOM) {
      it(`${variant} on wasm matches stock cpu: ${label(c)}`, () => {
        const entry = refs.get(c);
        if (!entry) throw new Error('missing reference');
        const before = tf.memory().numTensors;
        const ours = gradsOf(c, entry.inp, variant);
        expect(tf.memory().numTensors).toBe(before);
        expect(relErr(ours.dW, entry.ref.dW)).toBeLessThan(TOL);
        expect(relErr(ours.dx, entry.ref.dx)).toBeLessThan(TOL);
      });
    }
  }
});

import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FilterGradVariant } from '../conv2d';
import { gaussian } from '../random';
import { PRESETS } from './config';
import { countParams, paramShapes } from './layout';
import { unetForward } from './model';
import { type UNetParams, disposeParams, initParams, loadParams, readParams } from './params';
import { MICRO } from './micro-config';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface Inputs {
  readonly xt: tf.Tensor4D;
  readonly t: tf.Tensor1D;
  readonly label: tf.Tensor1D;
}

function inputs(b: number, seed: number): Inputs {
  return {
    xt: tf.tensor4d(gaussian(seed, b * 28 * 28), [b, 28, 28, 1]),
    t: tf.tensor1d(
      Array.from({ length: b }, (_, i) => (i * 379) % 1000),
      'int32',
    ),
    label: tf.tensor1d(
      Array.from({ length: b }, (_, i) => i % 11),
      'int32',
    ),
  };
}

const disposeInputs = (i: Inputs): void => tf.dispose([i.xt, i.t, i.label]);

describe('parameters', () => {
  it('presets land in their size bands', () => {
    const tiny = countParams(PRESETS.tiny);
    const small = countParams(PRESETS.small);
    expect(tiny).toBeGreaterThan(200_000);
    expect(tiny).toBeLessThan(400_000);
    expect(small).toBeGreaterThan(800_000);
    expect(small).toBeLessThan(1_300_000);
  });

  it('initParams follows paramShapes and is reproducible from its seed', async () => {
    const shapes = paramShapes(MICRO);
    const a = initParams(MICRO, 7);
    const b = initParams(MICRO, 7);
    const c = initParams(MICRO, 8);
    expect([...a.keys()]).toEqual([...shapes.keys()]);
    for (const [name, shape] of shapes) expect(a.get(name)?.shape).toEqual(shape);
    const [va, vb, vc] = await Promise.all([readParams(a), readParams(b), readParams(c)]);
    const w = 'down0.res0.conv1.w';
    expect(va.get(w)).toEqual(vb.get(w));
    expect(va.get(w)).not.toEqual(vc.get(w));
    // DDPM-style zero init of each residual branch's last conv and of the output conv.
    expect(Math.max(...(va.get('down0.res0.conv2.w') ?? [1]).map(Math.abs))).toBe(0);
    expect(Math.max(...(va.get('out.conv.w') ?? [1]).map(Math.abs))).toBe(0);
    // A checkpoint round trip goes through the same names and shapes.
    loadParams(c, MICRO, va);
    expect((await readParams(c)).get(w)).toEqual(va.get(w));
    const bad = new Map(va);
    bad.set(w, new Float32Array(3));
    expect(() => loadParams(c, MICRO, bad)).toThrow(/values for shape/);
    [a, b, c].forEach(disposeParams);
  });
});

describe('unetForward', () => {
  it.each(['tiny', 'small'] as const)('%s preset: output shape [B, 28, 28, 1], no leaks', (p) => {
    const params = initParams(PRESETS[p], 1);
    const inp = inputs(2, 3);
    const before = tf.memory().numTensors;
    const out = unetForward(params, PRESETS[p], inp.xt, inp.t, inp.label);
    expect(out.shape).toEqual([2, 28, 28, 1]);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    disposeInputs(inp);
    disposeParams(params);
  });

  it('is deterministic and depends on t and label', () => {
    const params = initParams(MICRO, 2, { zeroInitResiduals: false });
    const inp = inputs(2, 4);
    const run = (t: tf.Tensor1D, label: tf.Tensor1D): Float32Array => {
      const out = unetForward(params, MICRO, inp.xt, t, label);
      const v = out.dataSync() as Float32Array;
      out.dispose();
      return v;
    };
    const first = run(inp.t, inp.label);
    expect(run(inp.t, inp.label)).toEqual(first);
    expect(first.every(Number.isFinite)).toBe(true);
    const otherT = tf.tensor1d([5, 6], 'float32');
    const otherLabel = tf.tensor1d([10, 10], 'int32');
    expect(run(otherT, inp.label)).not.toEqual(first);
    expect(run(inp.t, otherLabel)).not.toEqual(first);
    tf.dispose([otherT, otherLabel]);
    disposeInputs(inp);
    disposeParams(params);
  });

  it('rejects mismatched inputs', () => {
    const params = initParams(MICRO, 2);
    const inp = inputs(2, 4);
    const t3 = tf.tensor1d([1, 2, 3], 'int32');
    expect(() => unetForward(params, MICRO, inp.xt, t3, inp.label)).toThrow(RangeError);
    tf.dispose(t3);
    disposeInputs(inp);
    disposeParams(params);
  });
});

describe('gradients', () => {
  let params: UNetParams;
  let inp: Inputs;
  let weights: tf.Tensor4D;

  beforeAll(() => {
    // No zero init, so every parameter gets a non-trivial gradient.
    params = initParams(MICRO, 5, { zeroInitResiduals: false });
    inp = inputs(2, 6);
    weights = tf.tensor4d(gaussian(9, 2 * 28 * 28), [2, 28, 28, 1]);
  });

  afterAll(() => {
    disposeParams(params);
    disposeInputs(inp);
    weights.dispose();
  });

  function grads(filterGrad: FilterGradVariant): Map<string, Float32Array> {
    const vars = [...params.values()];
    const { value, grads: g } = tf.variableGrads(
      () =>
        tf.sum(
          tf.mul(unetForward(params, MICRO, inp.xt, inp.t, inp.label, { filterGrad }), weights),
        ),
      vars,
    );
    const out = new Map<string, Float32Array>();
    for (const [name, v] of params) {
      const t = g[v.name];
      if (!t) throw new Error(`no gradient for ${name}`);
      out.set(name, t.dataSync() as Float32Array);
    }
    tf.dispose([value, ...Object.values(g)]);
    return out;
  }

  it("'matmul2d' filter gradients equal the stock kernel's through the whole UNet", () => {
    const before = tf.memory().numTensors;
    const ours = grads('matmul2d');
    const stock = grads('stock');
    expect(tf.memory().numTensors).toBe(before);
    for (const [name, ref] of stock) {
      const got = ours.get(name);
      if (!got) throw new Error(`missing ${name}`);
      let num = 0;
      let den = 0;
      for (let i = 0; i < ref.length; i++) {
        num = Math.max(num, Math.abs((got[i] ?? NaN) - (ref[i] ?? NaN)));
        den = Math.max(den, Math.abs(ref[i] ?? NaN));
      }
      expect(den, name).toBeGreaterThan(0);
      expect(num / den, name).toBeLessThan(1e-3);
    }
  });
});

describe('label weights', () => {
  it('one-hot weights give the class ids’ output; a half-and-half mix lies between', async () => {
    const params = initParams(MICRO, 4, { zeroInitResiduals: false });
    const i = inputs(2, 9);
    const label = tf.tensor1d([2, 7], 'int32');
    const oneHot = tf.cast(tf.oneHot(label, 11), 'float32') as tf.Tensor2D;
    const mix = tf.tensor2d(
      Array.from({ length: 22 }, (_, k) => (k % 11 === 2 || k % 11 === 7 ? 0.5 : 0)),
      [2, 11],
    );
    const byId = unetForward(params, MICRO, i.xt, i.t, label);
    const byWeights = unetForward(params, MICRO, i.xt, i.t, oneHot);
    const mixed = unetForward(params, MICRO, i.xt, i.t, mix);
    expect(Array.from(await byWeights.data())).toEqual(Array.from(await byId.data()));
    const m = await mixed.data();
    expect(Array.from(m)).not.toEqual(Array.from(await byId.data()));
    expect(m.every(Number.isFinite)).toBe(true);
    tf.dispose([label, oneHot, mix, byId, byWeights, mixed]);
    disposeInputs(i);
    disposeParams(params);
  });
});

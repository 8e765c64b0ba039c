import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_NORM_EPS, groupNorm } from './group-norm';

async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  // The plain SIMD build, as the app uses it.
  if (name === 'wasm') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  expect(await tf.setBackend(name)).toBe(true);
}

beforeAll(async () => {
  await useBackend('cpu');
});

afterAll(async () => {
  await useBackend('cpu');
});

/** The textbook ops, differentiated by tfjs' autodiff: the reference for the hand-written gradient. */
function reference(
  x: tf.Tensor4D,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  groups: number,
  act: boolean,
): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const xg = tf.reshape(x, [b, h, w, groups, c / groups]);
  const { mean, variance } = tf.moments(xg, [1, 2, 4], true);
  const normed = tf.mul(tf.sub(xg, mean), tf.rsqrt(tf.add(variance, GROUP_NORM_EPS)));
  const y = tf.add(tf.mul(tf.reshape(normed, [b, h, w, c]), gamma), beta);
  return (act ? tf.mul(y, tf.sigmoid(y)) : y) as tf.Tensor4D;
}

type Norm = (x: tf.Tensor4D, g: tf.Tensor, b: tf.Tensor) => tf.Tensor4D;

/** Value and gradients of Σ norm(x)·r (r random, so every output element matters). */
function valueAndGrads(norm: Norm, x: tf.Tensor4D, g: tf.Tensor, b: tf.Tensor, r: tf.Tensor) {
  return tf.tidy(() => {
    const f = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(norm(xi as tf.Tensor4D, gi, bi), r));
    const { value, grads } = tf.valueAndGrads(f)([x, g, b]);
    return [norm(x, g, b), value, ...grads].map((t) => Array.from(t.dataSync()));
  });
}

function maxRelErr(a: number[], b: number[]): number {
  const scale = Math.max(1e-3, ...b.map(Math.abs));
  return Math.max(...a.map((v, i) => Math.abs(v - (b[i] ?? NaN)) / scale));
}

describe('groupNorm (hand-written gradient)', () => {
  const shapes: [number, number, number, number, number][] = [
    [2, 5, 3, 8, 4],
    [3, 7, 7, 16, 8],
    [1, 4, 6, 6, 3],
    [4, 2, 2, 4, 1],
  ];
  const paths = [
    { backend: 'cpu', kernels: false, name: 'tfjs ops' },
    { backend: 'cpu', kernels: true, name: 'cpu kernel' },
    { backend: 'wasm', kernels: true, name: 'wasm kernel' },
  ] as const;
  for (const path of paths) {
    for (const act of [false, true]) {
      for (const [b, h, w, c, groups] of shapes) {
        it(`${path.name} matches autodiff: [${b},${h},${w},${c}], ${groups} groups${act ? ', SiLU' : ''}`, async () => {
          await useBackend(path.backend);
          const x = tf.add(tf.mul(tf.randomNormal([b, h, w, c], 0, 1, 'float32', 7), 3), 1.5);
          const g = tf.randomNormal([c], 1, 0.5, 'float32', 8);
          const beta = tf.randomNormal([c], 0, 0.5, 'float32', 9);
          const r = tf.randomNormal([b, h, w, c], 0, 1, 'float32', 10);
          const before = tf.memory().numTensors;
          const ours = valueAndGrads(
            (xi, gi, bi) => groupNorm(xi, gi, bi, groups, { silu: act, kernels: path.kernels }),
            x as tf.Tensor4D,
            g,
            beta,
            r,
          );
          expect(tf.memory().numTensors).toBe(before);
          const ref = valueAndGrads(
            (xi, gi, bi) => reference(xi, gi, bi, groups, act),
            x as tf.Tensor4D,
            g,
            beta,
            r,
          );
          ours.forEach((v, i) => expect(maxRelErr(v, ref[i] ?? [])).toBeLessThan(1e-4));
          tf.dispose([x, g, beta, r]);
          await useBackend('cpu');
        });
      }
    }
  }

  it('dispatches fewer kernels than autodiff of the same ops', async () => {
    const x = tf.randomNormal([2, 6, 6, 8], 0, 1, 'float32', 1) as tf.Tensor4D;
    const g = tf.ones([8]);
    const beta = tf.zeros([8]);
    const r = tf.randomNormal([2, 6, 6, 8], 0, 1, 'float32', 2);
    // Kernels that run a program on a GPU backend; Reshape, Identity and same-type Cast do not.
    const free = new Set(['Reshape', 'Identity', 'Cast']);
    const count = async (norm: Norm): Promise<{ all: number; work: number }> => {
      const { kernels } = await tf.profile(() => {
        const f = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor): tf.Scalar =>
          tf.sum(tf.mul(norm(xi as tf.Tensor4D, gi, bi), r));
        tf.dispose(tf.grads(f)([x, g, beta]));
      });
      return { all: kernels.length, work: kernels.filter((k) => !free.has(k.name)).length };
    };
    const ours = await count((xi, gi, bi) =>
      groupNorm(xi, gi, bi, 4, { silu: true, kernels: false }),
    );
    const kernel = await count((xi, gi, bi) => groupNorm(xi, gi, bi, 4, { silu: true }));
    const ref = await count((xi, gi, bi) => reference(xi, gi, bi, 4, true));
    expect(ours.all).toBeLessThan(ref.all * 0.6);
    expect(ours.work).toBeLessThan(ref.work * 0.75);
    // Our kernels: one forward, one backward (plus the test's own mul and sum and their grads).
    expect(kernel.work).toBeLessThan(10);
    tf.dispose([x, g, beta, r]);
  });
});

import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchFrom, decodeMnist, gunzip, splitIndices } from '../mnist';
import { gaussian } from '../random';
import {
  CLASSIFIER_SHAPES,
  FEATURE_DIM,
  accuracy,
  classifierForward,
  conv3x3,
  disposeClassifier,
  initClassifier,
  loadClassifier,
  saveClassifier,
  trainClassifier,
} from './classifier';

const FILE = new URL('../../../public/data/mnist.bin', import.meta.url);

/** `per` digits of each class from `ids` (which are grouped by class). */
function perClass(labels: Uint8Array, ids: readonly number[], per: number): number[] {
  const taken = new Array<number>(10).fill(0);
  return ids.filter((id) => {
    const c = labels[id] ?? 0;
    return (taken[c] = (taken[c] ?? 0) + 1) <= per;
  });
}

describe('MNIST classifier', () => {
  let train: { x: Float32Array; labels: Int32Array };
  let heldOut: { x: Float32Array; labels: Int32Array };

  beforeAll(async () => {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    expect(await tf.setBackend('wasm')).toBe(true);
    execFileSync(process.execPath, ['scripts/build-mnist.mjs']);
    const set = decodeMnist(await gunzip(readFileSync(FILE)));
    const split = splitIndices(set);
    const tr = batchFrom(set, perClass(set.labels, split.train, 40));
    const ho = batchFrom(set, perClass(set.labels, split.heldOut, 30));
    train = { x: tr.x0, labels: tr.labels };
    heldOut = { x: ho.x0, labels: ho.labels };
  });

  it('conv3x3 gradients match tfjs stock conv2d (cpu)', async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
    // Skip tfjs-backend-cpu's "install tfjs-node" banner.
    Object.assign(tf.backend(), { firstUse: false });
    try {
      const x = tf.tensor4d(gaussian(1, 2 * 6 * 5 * 3), [2, 6, 5, 3]);
      const w = tf.tensor4d(gaussian(2, 3 * 3 * 3 * 4), [3, 3, 3, 4]);
      const r = tf.tensor4d(gaussian(3, 2 * 6 * 5 * 4), [2, 6, 5, 4]);
      const ours = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(conv3x3(a as tf.Tensor4D, b as tf.Tensor4D), r)),
      )([x, w]);
      const stock = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), r)),
      )([x, w]);
      for (let i = 0; i < 2; i++) {
        const diff = tf.max(tf.abs(tf.sub(ours[i]!, stock[i]!))).dataSync()[0]!;
        expect(diff).toBeLessThan(1e-4);
      }
      tf.dispose([x, w, r, ...ours, ...stock]);
    } finally {
      expect(await tf.setBackend('wasm')).toBe(true);
    }
  });

  it('has the documented shapes and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const params = initClassifier(3);
    expect([...params.keys()]).toEqual([...CLASSIFIER_SHAPES.keys()]);
    const x = tf.tensor4d(heldOut.x.subarray(0, 3 * 784), [3, 28, 28, 1]);
    const warm = classifierForward(params, x);
    tf.dispose([warm.logits, warm.features]);
    const mid = tf.memory().numTensors;
    const { logits, features } = classifierForward(params, x);
    expect(logits.shape).toEqual([3, 10]);
    expect(features.shape).toEqual([3, FEATURE_DIM]);
    tf.dispose([logits, features, x]);
    expect(tf.memory().numTensors).toBe(mid - 1);
    disposeClassifier(params);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 1); // + cached identity filters
  });

  it('learns from a few hundred digits on wasm, and saves/loads exactly', async () => {
    const untrained = initClassifier(5);
    const chance = await accuracy(untrained, heldOut.x, heldOut.labels);
    disposeClassifier(untrained);
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const params = await trainClassifier({
      set: train,
      steps: 80,
      batch: 32,
      lr: 3e-3,
      seed: 5,
      progressEvery: 10,
      onProgress: (_, loss) => losses.push(loss),
    });
    expect(losses).toHaveLength(8);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    const acc = await accuracy(params, heldOut.x, heldOut.labels);
    expect(chance).toBeLessThan(0.3);
    expect(acc).toBeGreaterThan(0.6);
    // Only the trained weights remain (plus cached identity filters).
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(CLASSIFIER_SHAPES.size + 3);

    const bytes = await saveClassifier(params, { heldOutAccuracy: acc, steps: 80, seed: 5 });
    const back = loadClassifier(bytes);
    expect(back.config).toEqual({
      kind: 'mnist-classifier',
      version: 1,
      heldOutAccuracy: acc,
      steps: 80,
      seed: 5,
    });
    const x = tf.tensor4d(heldOut.x.subarray(0, 5 * 784), [5, 28, 28, 1]);
    const a = classifierForward(params, x);
    const b = classifierForward(back.params, x);
    expect(Array.from(await b.logits.data())).toEqual(Array.from(await a.logits.data()));
    tf.dispose([x, a.logits, a.features, b.logits, b.features]);
    disposeClassifier(params);
    disposeClassifier(back.params);
  }, 30_000);

  it('refuses a checkpoint that is not a classifier', () => {
    expect(() => loadClassifier(new Uint8Array(8))).toThrow(/not a Diffusion Playground model/);
  });
});

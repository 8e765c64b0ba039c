import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import type { FilterGradVariant } from '../conv2d';
import { gaussian } from '../random';
import { makeSchedule } from '../schedule';
import { type StepResult, createTrainer } from './step';
import { MICRO } from '../unet/micro-config';

/** Three steps from the same seed on the given backend. */
async function run(backend: 'cpu' | 'wasm', filterGrad: FilterGradVariant): Promise<StepResult[]> {
  expect(await tf.setBackend(backend)).toBe(true);
  const trainer = createTrainer({
    config: MICRO,
    schedule: makeSchedule('linear', 1000),
    prediction: 'epsilon',
    lr: { peak: 1e-3, warmup: 2, total: 10, floor: 1e-4 },
    clipNorm: 1,
    emaDecay: 0.99,
    labelDropout: 0.1,
    filterGrad,
    seed: 11,
  });
  const x0 = tf.tensor4d(gaussian(5, 4 * 8 * 8), [4, 8, 8, 1]);
  const labels = Int32Array.from([0, 3, 6, 9]);
  const results = [await trainer.step(x0, labels)];
  const count = tf.memory().numTensors;
  results.push(await trainer.step(x0, labels), await trainer.step(x0, labels));
  expect(tf.memory().numTensors).toBe(count);
  trainer.dispose();
  x0.dispose();
  return results;
}

// wasm has no Conv2DBackpropFilter (nor UnsortedSegmentSum, which tf.gather's gradient needs):
// this is the backend the whole design must train on without them.
it('trains on wasm and matches cpu step for step', async () => {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const wasm = await run('wasm', 'matmul2dT');
  const cpu = await run('cpu', 'matmul2d');
  wasm.forEach((w, i) => {
    const c = cpu[i];
    expect(w.nonFinite).toBe(false);
    expect(w.timesteps).toEqual(c?.timesteps);
    // Adam's m/√v turns float noise in near-zero gradients into lr-sized steps, so the runs drift
    // apart after a couple of updates; the first two steps must agree to float precision.
    const tol = i < 2 ? 1e-5 : 5e-2;
    expect(Math.abs(w.loss - (c?.loss ?? NaN))).toBeLessThan(tol * w.loss);
    expect(Math.abs(w.gradNorm - (c?.gradNorm ?? NaN))).toBeLessThan(tol * w.gradNorm);
  });
});

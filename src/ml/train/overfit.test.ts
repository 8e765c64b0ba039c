import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { gaussian } from '../random';
import { makeSchedule } from '../schedule';
import { sampleAll } from '../sample';
import { unetForward } from '../unet/model';
import type { ParamsLike } from '../unet/params';
import { createTrainer, noiseScales } from './step';
import { MICRO } from '../unet/micro-config';

// 8×8 keeps cpu steps well under a second (see step.test.ts); the UNet is size-agnostic.
const SIZE = 8;
const N = 8;
const BATCH = N / 2;
const STEPS = Number(process.env.OVERFIT_STEPS ?? 30);
const schedule = makeSchedule('linear', 1000);
const EVAL_T = [50, 200, 400, 600];
// The velocity loss keeps more that no model can explain (which image, at high τ) and falls
// more slowly than ε's: more steps for the same evidence.
const FLOW_STEPS = Number(process.env.FLOW_OVERFIT_STEPS ?? 80);

/** Eight distinct patterns in [−1, 1]: bars, a diagonal, a box, a checker, a dot. */
function patterns(): Float32Array {
  const out = new Float32Array(N * SIZE * SIZE).fill(-1);
  const set = (k: number, y: number, x: number): void => {
    out[(k * SIZE + y) * SIZE + x] = 1;
  };
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      if (x === 3 || x === 4) set(0, y, x);
      if (y === 3 || y === 4) set(1, y, x);
      if (x === y) set(2, y, x);
      if (x + y === SIZE - 1) set(3, y, x);
      if (x === 1 || x === 6 || y === 1 || y === 6) set(4, y, x);
      if ((x + y) % 2 === 0) set(5, y, x);
      if ((x - 3.5) ** 2 + (y - 3.5) ** 2 < 5) set(6, y, x);
      if (y < 4) set(7, y, x);
    }
  }
  return out;
}

/**
 * ε-MSE (or, for flow matching, velocity MSE) on fixed (image, t, ε) triples: a noise-free view
 * of what the training loss estimates.
 */
function evalLoss(
  params: ParamsLike,
  x0: tf.Tensor4D,
  labels: Int32Array,
  prediction: 'epsilon' | 'flow' = 'epsilon',
): number {
  return tf.tidy(() => {
    const b = N * EVAL_T.length;
    const xs = tf.tile(x0, [EVAL_T.length, 1, 1, 1]);
    const ts = Int32Array.from(EVAL_T.flatMap((t) => Array<number>(N).fill(t)));
    const { sa, s1 } = noiseScales(schedule, ts, prediction);
    const eps = tf.tensor4d(gaussian(99, b * SIZE * SIZE), [b, SIZE, SIZE, 1]);
    const xt = tf.add(
      tf.mul(xs, tf.tensor4d(sa, [b, 1, 1, 1])),
      tf.mul(eps, tf.tensor4d(s1, [b, 1, 1, 1])),
    ) as tf.Tensor4D;
    const lab = tf.tensor1d(
      EVAL_T.flatMap(() => Array.from(labels)),
      'int32',
    );
    const out = unetForward(params, MICRO, xt, tf.tensor1d(ts, 'int32'), lab);
    const target = prediction === 'flow' ? tf.sub(eps, xs) : eps;
    return tf.mean(tf.squaredDifference(out, target)).dataSync()[0] ?? NaN;
  });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
}, 120_000);

/** The same small recipe for every target; only the prediction and the step count differ. */
function overfitTrainer(prediction: 'epsilon' | 'flow', steps: number) {
  return createTrainer({
    config: MICRO,
    schedule,
    prediction,
    lr: { peak: 4e-3, warmup: 3, total: steps, floor: 4e-4 },
    clipNorm: 1,
    emaDecay: 0.9,
    labelDropout: 0.1,
    seed: 7,
  });
}

/**
 * `steps` updates on alternate halves of the images (batch 4 halves the cpu cost per step, and
 * each image is still seen often); the losses of the steps.
 */
async function trainOnHalves(
  trainer: ReturnType<typeof createTrainer>,
  x0: tf.Tensor4D,
  labels: Int32Array,
  steps: number,
): Promise<number[]> {
  const halves = [0, 1].map((h) => tf.slice(x0, [h * BATCH, 0, 0, 0], [BATCH, SIZE, SIZE, 1]));
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const h = i % 2;
    const r = await trainer.step(halves[h] ?? x0, labels.slice(h * BATCH, (h + 1) * BATCH));
    expect(r.nonFinite).toBe(false);
    losses.push(r.loss);
  }
  tf.dispose(halves);
  return losses;
}

it(`overfits ${N} fixed images in ${STEPS} steps`, async () => {
  const trainer = overfitTrainer('epsilon', STEPS);
  const x0 = tf.tensor4d(patterns(), [N, SIZE, SIZE, 1]);
  const labels = Int32Array.from({ length: N }, (_, i) => i);
  const before = evalLoss(trainer.params, x0, labels);
  const losses = await trainOnHalves(trainer, x0, labels, STEPS);
  const after = evalLoss(trainer.params, x0, labels);
  const afterEma = evalLoss(trainer.ema.params(), x0, labels);
  console.log({ before, after, afterEma, losses: losses.map((l) => l.toFixed(3)).join(' ') });
  expect(before).toBeGreaterThan(0.8);
  expect(after).toBeLessThan(before * 0.6);
  expect(afterEma).toBeLessThan(before);
  trainer.dispose();
  x0.dispose();
}, 120_000);

/** Mean over samples of the squared distance (per pixel) to the nearest training image. */
function nearestDistance(samples: Float32Array, data: Float32Array): number {
  const per = SIZE * SIZE;
  let total = 0;
  for (let i = 0; i < samples.length / per; i++) {
    let best = Infinity;
    for (let k = 0; k < N; k++) {
      let d = 0;
      for (let j = 0; j < per; j++)
        d += ((samples[i * per + j] ?? 0) - (data[k * per + j] ?? 0)) ** 2;
      best = Math.min(best, d / per);
    }
    total += best;
  }
  return total / (samples.length / per);
}

it(`a flow-matching model overfits the same images in ${FLOW_STEPS} steps and its Euler and Heun samples move toward them`, async () => {
  const trainer = overfitTrainer('flow', FLOW_STEPS);
  const data = patterns();
  const x0 = tf.tensor4d(data, [N, SIZE, SIZE, 1]);
  const labels = Int32Array.from({ length: N }, (_, i) => i);
  const sample = (kind: 'euler' | 'heun') =>
    sampleAll((xt, t, l) => unetForward(trainer.params, MICRO, xt, t, l), schedule, {
      sampler: { kind, steps: 10 },
      prediction: 'flow',
      clip: false,
      labels,
      guidance: 1,
      seed: 5,
      size: SIZE,
    });
  const before = evalLoss(trainer.params, x0, labels, 'flow');
  // The zero-initialised output layer predicts v = 0: its samples are the starting noise.
  const noiseDistance = nearestDistance(await sample('euler'), data);
  await trainOnHalves(trainer, x0, labels, FLOW_STEPS);
  const after = evalLoss(trainer.params, x0, labels, 'flow');
  const euler = nearestDistance(await sample('euler'), data);
  const heun = nearestDistance(await sample('heun'), data);
  console.log({ before, after, noiseDistance, euler, heun });
  expect(after).toBeLessThan(before * 0.8);
  expect(euler).toBeLessThan(noiseDistance * 0.7);
  expect(heun).toBeLessThan(noiseDistance * 0.7);
  trainer.dispose();
  x0.dispose();
}, 120_000);

import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { gaussian } from '../random';
import { makeSchedule } from '../schedule';
import { MICRO } from '../unet/micro-config';
import { readParams } from '../unet/params';
import { restoreTrainer, snapshotTrainer } from './snapshot';
import { createTrainer, type Trainer } from './step';

const meta = {
  settings: {},
  history: { steps: [1, 2], losses: [1, 0.5] },
  backend: 'cpu',
  savedAt: '',
};

function trainer(): Trainer {
  return createTrainer({
    config: MICRO,
    schedule: makeSchedule('linear', 100),
    prediction: 'epsilon',
    lr: { peak: 1e-3, warmup: 2, total: 10, floor: 0 },
    clipNorm: 1,
    emaDecay: 0.9,
    labelDropout: 0.1,
    seed: 5,
  });
}

async function trainTwice(t: Trainer): Promise<void> {
  const x0 = tf.tanh(tf.tensor4d(gaussian(1, 2 * 8 * 8), [2, 8, 8, 1])) as tf.Tensor4D;
  await t.step(x0, Int32Array.from([1, 2]));
  await t.step(x0, Int32Array.from([1, 2]));
  x0.dispose();
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('an EMA-only file keeps its step and restarts the moments (a published model)', async () => {
  const a = trainer();
  await trainTwice(a);
  const full = await snapshotTrainer(a, meta);
  const emaOnly = {
    ...full,
    tensors: new Map([...full.tensors].filter(([name]) => name.startsWith('ema/'))),
  };
  const b = trainer();
  restoreTrainer(b, MICRO, emaOnly, 'ema only');
  expect(b.optimizer.step).toBe(2);
  expect(b.optimizer.momentSteps).toBe(0);
  expect(await readParams(b.params)).toEqual(await readParams(a.ema.params()));
  // Training on goes on counting from step 2 with fresh moments, and a full snapshot records both.
  await trainTwice(b);
  const again = await snapshotTrainer(b, meta);
  expect(again.config.step).toBe(4);
  expect(again.config.momentSteps).toBe(2);
  const c = trainer();
  restoreTrainer(c, MICRO, again, 'again');
  expect(c.optimizer.momentSteps).toBe(2);
  expect(await c.optimizer.getState()).toEqual(await b.optimizer.getState());
  // An ordinary run records no momentSteps.
  expect(full.config.momentSteps).toBeUndefined();
  [a, b, c].forEach((t) => t.dispose());
});

it('refuses a file with NaN weights and leaves the trainer as it was', async () => {
  const a = trainer();
  const good = await readParams(a.params);
  const ckpt = await snapshotTrainer(a, meta);
  const [key, t] = [...ckpt.tensors].find(([k]) => k.startsWith('ema/'))!;
  const bad = new Map(ckpt.tensors);
  bad.set(key, { shape: t.shape, values: t.values.map((v, i) => (i === 3 ? NaN : v)) });
  expect(() => restoreTrainer(a, MICRO, { ...ckpt, tensors: bad }, '“nan.dpmodel”')).toThrow(
    `“nan.dpmodel” holds NaN or infinite values (in ${key})`,
  );
  expect(await readParams(a.params)).toEqual(good);
  a.dispose();
});

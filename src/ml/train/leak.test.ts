import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { ReverseProcess } from '../sample';
import { gaussian } from '../random';
import { makeSchedule } from '../schedule';
import type { UNetConfig } from '../unet/config';
import { unetForward } from '../unet/model';
import { restoreTrainer, snapshotTrainer } from './snapshot';
import { createTrainer } from './step';

const MICRO: UNetConfig = {
  preset: 'custom',
  channels: [8, 8, 8],
  blocksPerLevel: 1,
  timeEmbedDim: 16,
  groups: 4,
  attention: true,
  numClasses: 10,
};

// What the worker's training loop does, 200 times: steps, with a preview run and a snapshot /
// restore now and then. Every tensor made along the way must be freed.
it('keeps numTensors constant over 200 training steps with previews and snapshots (wasm)', async () => {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  expect(await tf.setBackend('wasm')).toBe(true);
  const schedule = makeSchedule('linear', 100);
  const trainer = createTrainer({
    config: MICRO,
    schedule,
    prediction: 'v',
    lr: { peak: 1e-3, warmup: 10, total: 200, floor: 1e-4 },
    clipNorm: 1,
    emaDecay: 0.99,
    labelDropout: 0.1,
    filterGrad: 'matmul2dT',
    seed: 3,
  });
  const labels = Int32Array.from([1, 2]);
  const step = async (i: number) => {
    const x0 = tf.tensor4d(gaussian(i, 2 * 8 * 8), [2, 8, 8, 1]);
    try {
      return await trainer.step(x0, labels);
    } finally {
      x0.dispose();
    }
  };
  await step(0);
  const count = tf.memory().numTensors;
  for (let i = 1; i < 200; i++) {
    const r = await step(i);
    expect(r.nonFinite).toBe(false);
    if (i % 50 === 0) {
      const ema = trainer.ema.params();
      const process = new ReverseProcess(
        (xt, t, l) => unetForward(ema, MICRO, xt, t, l),
        schedule,
        {
          sampler: { kind: 'ddim', steps: 5, spacing: 'trailing', eta: 0 },
          prediction: 'v',
          clip: true,
          labels,
          guidance: 2,
          seed: 1,
          size: 8,
        },
      );
      while (!process.done) {
        const s = process.step();
        s.x.dispose();
        s.predX0.dispose();
      }
      process.dispose();
      const meta = {
        settings: {},
        history: { steps: [], losses: [] },
        backend: 'wasm',
        savedAt: '',
      };
      restoreTrainer(trainer, MICRO, await snapshotTrainer(trainer, meta), 'snapshot');
    }
    expect(tf.memory().numTensors).toBe(count);
  }
  expect(trainer.optimizer.step).toBe(200);
  trainer.dispose();
});

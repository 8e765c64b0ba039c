import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeSchedule } from '../schedule';
import { timestepEmbedding } from '../unet/layers';
import { makePreset } from './datasets';
import { Mlp, TIME_EMBED_DIM, learningRateAt } from './mlp';
import { drawBatch } from './objective';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CONFIG = {
  hidden: 16,
  layers: 2,
  classes: 3,
  objective: 'epsilon',
  activation: 'silu',
  fourier: 2,
} as const;

describe('the 2-D MLP', () => {
  it("builds input rows: x, y, Fourier features, the UNet's time embedding, a one-hot label", () => {
    const m = new Mlp(CONFIG, 1);
    const rows = m.inputRows(Float32Array.of(0.5, -1), Float32Array.of(250), Int32Array.of(3));
    const v = Array.from(rows.dataSync());
    rows.dispose();
    expect(v).toHaveLength(2 + 8 + TIME_EMBED_DIM + 4);
    expect(v.slice(0, 2)).toEqual([0.5, -1]);
    const fourier = [
      Math.sin(0.5),
      Math.cos(0.5),
      Math.sin(-1),
      Math.cos(-1),
      Math.sin(1),
      Math.cos(1),
      Math.sin(-2),
      Math.cos(-2),
    ];
    fourier.forEach((f, k) => expect(v[2 + k]).toBeCloseTo(f, 6));
    const emb = timestepEmbedding(tf.tensor1d([250]), TIME_EMBED_DIM);
    Array.from(emb.dataSync()).forEach((e, k) => expect(v[10 + k]).toBeCloseTo(e, 4));
    emb.dispose();
    // Label 3 of 3 classes is "no label", the last one-hot slot.
    expect(v.slice(10 + TIME_EMBED_DIM)).toEqual([0, 0, 0, 1]);
    m.dispose();
  });

  it('learns: the loss on a fixed batch falls, and no tensor leaks', async () => {
    const before = tf.memory().numTensors;
    const m = new Mlp({ ...CONFIG, classes: 0 }, 2);
    const data = makePreset('gaussians', 200, 1);
    const batch = drawBatch(data, 'x0', makeSchedule('linear', 100), 64, 1, 0, false);
    const first = await m.step(batch, 1e-2);
    let last = first;
    for (let i = 0; i < 60; i++) last = await m.step(batch, 1e-2);
    expect(last).toBeLessThan(first / 2);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('decays the learning rate on a cosine from lr to lr/10', () => {
    expect(learningRateAt(1, 0, 100)).toBeCloseTo(1, 12);
    expect(learningRateAt(1, 50, 100)).toBeCloseTo(0.55, 12);
    expect(learningRateAt(1, 100, 100)).toBeCloseTo(0.1, 12);
  });
});

import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeSchedule } from '../schedule';
import { timestepEmbedding } from '../unet/layers';
import { makePreset } from './datasets';
import { Mlp, TIME_EMBED_DIM } from './mlp';
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

  it('samples with the moving average of its weights (ml/train/ema.ts: the first update copies, the second keeps 2/11 of it at decay 0.9)', async () => {
    const before = tf.memory().numTensors;
    const data = makePreset('two-moons', 100, 1);
    const batch = drawBatch(data, 'epsilon', makeSchedule('linear', 100), 16, 1, 0, false);
    const config = { ...CONFIG, classes: 0 };
    const plain = new Mlp(config, 3);
    const averaged = new Mlp(config, 3, 0.9);
    const weights = async (m: Mlp) => Array.from(await (m.params.get('l1.w')?.data() ?? []));
    await plain.step(batch, 1e-2);
    await averaged.step(batch, 1e-2);
    const first = await weights(plain);
    await plain.step(batch, 1e-2);
    await averaged.step(batch, 1e-2);
    const second = await weights(plain);
    // The trained weights are the same with or without the average beside them.
    expect(await weights(averaged)).toEqual(second);
    averaged.useAverage();
    const avg = await weights(averaged);
    const share = 1 - 2 / 11;
    avg.forEach((a, k) =>
      expect(a).toBeCloseTo((first[k] ?? 0) + share * ((second[k] ?? 0) - (first[k] ?? 0)), 6),
    );
    expect(second.some((w, k) => Math.abs(w - (first[k] ?? 0)) > 1e-4)).toBe(true);
    plain.dispose();
    averaged.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("weights each point's squared error when the batch has weights", async () => {
    const data = makePreset('gaussians', 100, 1);
    const batch = drawBatch(data, 'x0', makeSchedule('linear', 100), 8, 2, 0, false);
    const weight = Float32Array.from({ length: 8 }, (_, b) => b + 1);
    const m = new Mlp({ ...CONFIG, classes: 0 }, 4);
    const out = m.predict(batch.xt, 0, null);
    // Same time input for every point so predict (one t) matches step's rows.
    const flat = { ...batch, tau: new Float32Array(8) };
    let expected = 0;
    for (let k = 0; k < 16; k++) {
      expected += (weight[k >> 1] ?? 0) * ((out[k] ?? 0) - (flat.target[k] ?? 0)) ** 2;
    }
    expect(await m.step({ ...flat, weight }, 1e-3)).toBeCloseTo(expected / 16, 5);
    m.dispose();
  });
});

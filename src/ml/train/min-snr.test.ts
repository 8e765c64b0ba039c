import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gaussian } from '../random';
import { makeSchedule } from '../schedule';
import { MICRO } from '../unet/micro-config';
import { DEFAULT_TRAIN_SETTINGS } from '../../shared/train-protocol';
import { trainerOptions } from './from-settings';
import { type TrainerOptions, createTrainer, minSnrWeights } from './step';

const schedule = makeSchedule('cosine', 1000);
const SIZE = 8;

function options(overrides: Partial<TrainerOptions> = {}): TrainerOptions {
  return {
    config: MICRO,
    schedule,
    prediction: 'v',
    lr: { peak: 1e-3, warmup: 5, total: 100, floor: 1e-5 },
    clipNorm: 1,
    emaDecay: 0.999,
    labelDropout: 0.1,
    seed: 7,
    ...overrides,
  };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('min-SNR-γ weighting', () => {
  it('leaves min(SNR, γ) in x₀ terms for every prediction target', () => {
    const ts = Int32Array.from([0, 100, 400, 700, 999]);
    const snr = Array.from(ts, (t) => {
      const ab = schedule.alphasCumprod[t] ?? NaN;
      return ab / (1 - ab);
    });
    const eps = minSnrWeights(schedule, ts, 'epsilon', 5);
    const v = minSnrWeights(schedule, ts, 'v', 5);
    const x0 = minSnrWeights(schedule, ts, 'x0', 5);
    snr.forEach((s, i) => {
      const target = Math.min(s, 5);
      expect((eps[i] ?? NaN) * s).toBeCloseTo(target, 4);
      expect((v[i] ?? NaN) * (s + 1)).toBeCloseTo(target, 4);
      expect(x0[i] ?? NaN).toBeCloseTo(target, 4);
    });
    // Flow matching: SNR = (1 − τ)²/τ² at τ = (t + 1)/T and the velocity loss is the x₀ loss / τ².
    const flow = minSnrWeights(schedule, ts, 'flow', 5);
    ts.forEach((t, i) => {
      const tau = (t + 1) / 1000;
      expect((flow[i] ?? NaN) / tau ** 2).toBeCloseTo(Math.min((1 - tau) ** 2 / tau ** 2, 5), 3);
    });
    // Noisy timesteps (SNR < γ) keep an ε-loss weight of 1; clean ones are damped.
    expect(eps[4]).toBeCloseTo(1, 6);
    expect(eps[0] ?? 1).toBeLessThan(0.01);
  });

  it('weights each sample of the step: loss = mean(w · per-sample MSE); off is plain MSE', async () => {
    const b = 4;
    const x = tf.tidy(() => tf.tanh(tf.tensor4d(gaussian(3, b * SIZE * SIZE), [b, SIZE, SIZE, 1])));
    const labels = Int32Array.from([1, 2, 3, 4]);
    const plain = createTrainer(options());
    const weighted = createTrainer(options({ minSnrGamma: 5 }));
    // γ far above any SNR: every ε weight is SNR/SNR = 1, the plain step exactly.
    const huge = createTrainer(options({ prediction: 'epsilon', minSnrGamma: 1e30 }));
    const plainEps = createTrainer(options({ prediction: 'epsilon' }));
    try {
      const p = await plain.step(x, labels);
      const w = await weighted.step(x, labels);
      expect(Array.from(w.timesteps)).toEqual(Array.from(p.timesteps));
      // Same weights and draws before the update: the same per-sample errors.
      for (let i = 0; i < b; i++)
        expect(w.perSampleLoss[i]).toBeCloseTo(p.perSampleLoss[i] ?? 0, 5);
      const ws = minSnrWeights(schedule, w.timesteps, 'v', 5);
      const expected = Array.from(w.perSampleLoss).reduce((s, l, i) => s + l * (ws[i] ?? 0), 0) / b;
      expect(w.loss).toBeCloseTo(expected, 5);
      expect(p.loss).toBeCloseTo(Array.from(p.perSampleLoss).reduce((s, l) => s + l, 0) / b, 5);
      const h = await huge.step(x, labels);
      const e = await plainEps.step(x, labels);
      expect(h.loss).toBe(e.loss);
      expect(h.gradNorm).toBe(e.gradNorm);
    } finally {
      x.dispose();
      for (const t of [plain, weighted, huge, plainEps]) t.dispose();
    }
  });

  it('rejects a negative γ', () => {
    expect(() => createTrainer(options({ minSnrGamma: -1 }))).toThrow(/minSnrGamma/);
  });

  it('comes from the settings only when asked for (files without the field train as before)', () => {
    const { lossWeighting: _w, snrGamma: _g, ...old } = DEFAULT_TRAIN_SETTINGS;
    expect(trainerOptions(old, 'cpu').minSnrGamma).toBeUndefined();
    expect(trainerOptions({ ...old, lossWeighting: 'none' }, 'cpu').minSnrGamma).toBeUndefined();
    expect(trainerOptions({ ...old, lossWeighting: 'min-snr' }, 'cpu').minSnrGamma).toBe(5);
    expect(
      trainerOptions({ ...old, lossWeighting: 'min-snr', snrGamma: 2 }, 'cpu').minSnrGamma,
    ).toBe(2);
  });
});

import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gaussian } from '../random';
import { makeSchedule } from '../schedule';
import { readParams } from '../unet/params';
import { type TrainerOptions, createTrainer, drawStep, noiseScales } from './step';
import { MICRO } from '../unet/micro-config';

const schedule = makeSchedule('linear', 1000);
// The cpu backend spends seconds per 28×28 step (its generic Slice in the im2col), so most tests
// use 8×8 images: the UNet takes any H, W divisible by 4, and leaks or skips do not depend on size.
const SIZE = 8;

function options(overrides: Partial<TrainerOptions> = {}): TrainerOptions {
  return {
    config: MICRO,
    schedule,
    prediction: 'epsilon',
    lr: { peak: 1e-3, warmup: 5, total: 100, floor: 1e-5 },
    clipNorm: 1,
    emaDecay: 0.999,
    labelDropout: 0.1,
    seed: 42,
    ...overrides,
  };
}

function images(b: number, seed: number, size = SIZE): tf.Tensor4D {
  return tf.tidy(() => tf.tanh(tf.tensor4d(gaussian(seed, b * size * size), [b, size, size, 1])));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('drawStep', () => {
  it('draws t uniformly in 0..T−1, drops labels at the given rate, and is reproducible', () => {
    const labels = Int32Array.from({ length: 20_000 }, (_, i) => i % 10);
    const opts = { seed: 3, schedule, labelDropout: 0.1 };
    const d = drawStep(opts, 1, labels, 4000);
    expect(drawStep(opts, 1, labels, 4000)).toEqual(d);
    expect(drawStep(opts, 2, labels, 4000).timesteps).not.toEqual(d.timesteps);
    expect(Math.min(...d.timesteps)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...d.timesteps)).toBeLessThanOrEqual(999);
    const meanT = d.timesteps.reduce((s, t) => s + t, 0) / d.timesteps.length;
    expect(Math.abs(meanT - 499.5)).toBeLessThan(10);
    const dropped = d.labels.filter((l, i) => l === 10 && labels[i] !== 10).length;
    expect(Math.abs(dropped / labels.length - 0.1)).toBeLessThan(0.01);
    d.labels.forEach((l, i) => expect(l === 10 || l === labels[i]).toBe(true));
    const m = d.noise.reduce((s, v) => s + v, 0) / d.noise.length;
    const v = d.noise.reduce((s, x) => s + (x - m) ** 2, 0) / d.noise.length;
    expect(Math.abs(m)).toBeLessThan(0.05);
    expect(Math.abs(v - 1)).toBeLessThan(0.08);
    expect(drawStep({ ...opts, labelDropout: 0 }, 1, labels, 2).labels).toEqual(labels);
    expect(drawStep({ ...opts, labelDropout: 1 }, 1, labels, 2).labels.every((l) => l === 10)).toBe(
      true,
    );
  });
});

describe('noiseScales', () => {
  it('gives x_t = sa·x₀ + s1·ε: √ᾱ and √(1 − ᾱ), or 1 − τ and τ at τ = (t + 1)/T for flow', () => {
    const ts = Int32Array.from([0, 249, 999]);
    const flow = noiseScales(schedule, ts, 'flow');
    expect(Array.from(flow.sa)).toEqual([Math.fround(0.999), 0.75, 0]);
    expect(Array.from(flow.s1)).toEqual([Math.fround(0.001), 0.25, 1]);
    const eps = noiseScales(schedule, ts, 'epsilon');
    const ab = schedule.alphasCumprod[249] ?? NaN;
    expect(eps.sa[1]).toBe(Math.fround(Math.sqrt(ab)));
    expect(eps.s1[1]).toBe(Math.fround(Math.sqrt(1 - ab)));
  });
});

describe('createTrainer', () => {
  it('leaks no tensors across 20 steps', async () => {
    const trainer = createTrainer(options());
    const x0 = images(2, 1);
    const labels = Int32Array.from([3, 7]);
    const first = await trainer.step(x0, labels);
    expect(first.step).toBe(1);
    const count = tf.memory().numTensors;
    for (let i = 0; i < 19; i++) {
      const r = await trainer.step(x0, labels);
      expect(tf.memory().numTensors).toBe(count);
      expect(r.nonFinite).toBe(false);
      expect(r.step).toBe(i + 2);
      expect(r.timesteps).toHaveLength(2);
      expect(r.perSampleLoss).toHaveLength(2);
      expect(r.loss).toBeCloseTo(((r.perSampleLoss[0] ?? 0) + (r.perSampleLoss[1] ?? 0)) / 2, 5);
      expect(r.gradNorm).toBeGreaterThan(0);
    }
    trainer.ema.params();
    expect(tf.memory().numTensors).toBe(count);
    const before = tf.memory().numTensors;
    // Weights and their EMA views, Adam's m, v and flat weights, the EMA's flat shadow.
    const tensorsOwned = trainer.params.size * 2 + 4;
    trainer.dispose();
    x0.dispose();
    expect(tf.memory().numTensors).toBe(before - tensorsOwned - 1);
  });

  it('is reproducible from its seed', async () => {
    const x0 = images(2, 2);
    const labels = Int32Array.from([0, 9]);
    const run = async (seed: number) => {
      const trainer = createTrainer(options({ seed }));
      const results = [await trainer.step(x0, labels), await trainer.step(x0, labels)];
      const values = await readParams(trainer.params);
      trainer.dispose();
      return { results, w: values.get('down0.res0.conv1.w') };
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(b).toEqual(a);
    expect(c.results[0]?.timesteps).not.toEqual(a.results[0]?.timesteps);
    x0.dispose();
  });

  it.each(['epsilon', 'v', 'x0', 'flow'] as const)(
    'regresses %s on the documented target',
    async (p) => {
      // The zero-initialised output conv makes the first prediction exactly 0, so the first loss
      // is the mean square of the target, which drawStep's t and ε let us rebuild in float64.
      const opts = options({ prediction: p });
      const x0 = images(2, 5);
      const labels = Int32Array.from([1, 2]);
      const trainer = createTrainer(opts);
      const r = await trainer.step(x0, labels);
      trainer.dispose();
      const pixels = x0.dataSync();
      const d = drawStep(opts, 1, labels, pixels.length);
      expect(r.timesteps).toEqual(d.timesteps);
      const n = SIZE * SIZE;
      d.timesteps.forEach((t, i) => {
        const ab = schedule.alphasCumprod[t] ?? NaN;
        let sum = 0;
        for (let j = i * n; j < (i + 1) * n; j++) {
          const e = d.noise[j] ?? NaN;
          const x = pixels[j] ?? NaN;
          const target =
            p === 'flow'
              ? e - x
              : p === 'epsilon'
                ? e
                : p === 'v'
                  ? Math.sqrt(ab) * e - Math.sqrt(1 - ab) * x
                  : x;
          sum += target * target;
        }
        expect(r.perSampleLoss[i]).toBeCloseTo(sum / n, 5);
      });
      x0.dispose();
    },
  );

  it('micro-batches give the same update as one pass, with no tensor left behind', async () => {
    const whole = createTrainer(options());
    const split = createTrainer(options({ microBatch: 2 }));
    const x0 = images(5, 8);
    const labels = Int32Array.from([1, 2, 3, 4, 5]);
    await split.step(x0, labels); // warm-up: kernels and backend buffers
    const count = tf.memory().numTensors;
    const again = createTrainer(options({ microBatch: 2 }));
    const a = await whole.step(x0, labels);
    const b = await again.step(x0, labels);
    expect(b.loss).toBeCloseTo(a.loss, 6);
    expect(b.gradNorm / a.gradNorm).toBeCloseTo(1, 5);
    expect(Array.from(b.timesteps)).toEqual(Array.from(a.timesteps));
    b.perSampleLoss.forEach((v, i) => expect(v).toBeCloseTo(a.perSampleLoss[i] ?? NaN, 6));
    const pa = await readParams(whole.params);
    const pb = await readParams(again.params);
    for (const [name, v] of pa) {
      const w = pb.get(name)!;
      const maxDiff = v.reduce((m, x, i) => Math.max(m, Math.abs(x - (w[i] ?? NaN))), 0);
      expect(maxDiff, name).toBeLessThan(1e-5);
    }
    const before = tf.memory().numTensors;
    await again.step(x0, labels);
    expect(tf.memory().numTensors).toBe(before);
    expect(before).toBeGreaterThan(count);
    expect(() => createTrainer(options({ microBatch: 0 }))).toThrow(/microBatch/);
    [whole, split, again].forEach((t) => t.dispose());
    x0.dispose();
  });

  it('skips the update on a non-finite loss and carries on after', async () => {
    const trainer = createTrainer(options());
    const x0 = images(2, 3);
    const labels = Int32Array.from([4, 5]);
    await trainer.step(x0, labels);
    const params = await readParams(trainer.params);
    const ema = await readParams(trainer.ema.params());
    const adam = await trainer.optimizer.getState();
    const count = tf.memory().numTensors;
    const bad = tf.tidy(() => tf.mul(x0, tf.scalar(NaN))) as tf.Tensor4D;
    const r = await trainer.step(bad, labels);
    expect(r.nonFinite).toBe(true);
    expect(Number.isFinite(r.loss)).toBe(false);
    expect(r.step).toBe(1);
    expect(await readParams(trainer.params)).toEqual(params);
    expect(await readParams(trainer.ema.params())).toEqual(ema);
    expect(await trainer.optimizer.getState()).toEqual(adam);
    expect(tf.memory().numTensors).toBe(count + 1);
    const ok = await trainer.step(x0, labels);
    expect(ok.nonFinite).toBe(false);
    expect(ok.step).toBe(2);
    tf.dispose([x0, bad]);
    trainer.dispose();
  });

  it('refuses overlapping steps and bad labels', async () => {
    const trainer = createTrainer(options());
    const x0 = images(2, 4);
    const labels = Int32Array.from([1, 2]);
    const pending = trainer.step(x0, labels);
    await expect(trainer.step(x0, labels)).rejects.toThrow(/while a step is running/);
    await pending;
    await expect(trainer.step(x0, Int32Array.from([1]))).rejects.toThrow(RangeError);
    await expect(trainer.step(x0, Int32Array.from([1, 11]))).rejects.toThrow(RangeError);
    trainer.dispose();
    await expect(trainer.step(x0, labels)).rejects.toThrow(/disposed/);
    x0.dispose();
  });
});

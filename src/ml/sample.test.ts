import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_LABEL, ReverseProcess, sampleAll, type Denoiser, type SampleOptions } from './sample';
import { makeSchedule } from './schedule';

const schedule = makeSchedule('linear', 1000);
const SIZE = 4;
const target = new Float32Array(SIZE * SIZE).map((_, i) => (i % 3) - 1);

/** The exact ε-predictor when the data set is one image: ε̂ = (x_t − √ᾱ_t x*) / √(1−ᾱ_t). */
const oracle: Denoiser = (xt, t) =>
  tf.tidy(() => {
    const ab = tf.reshape(
      tf.gather(tf.tensor1d(Array.from(schedule.alphasCumprod)), t),
      [-1, 1, 1, 1],
    );
    const x0 = tf.tensor4d(target, [1, SIZE, SIZE, 1]);
    return tf.div(tf.sub(xt, tf.mul(tf.sqrt(ab), x0)), tf.sqrt(tf.sub(1, ab))) as tf.Tensor4D;
  });

const base: SampleOptions = {
  sampler: { kind: 'ddim', steps: 10, spacing: 'leading', eta: 0 },
  prediction: 'epsilon',
  clip: false,
  labels: new Int32Array([NO_LABEL, NO_LABEL]),
  guidance: 1,
  seed: 7,
  size: SIZE,
};

describe('reverse process', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('DDIM and DDPM with an exact model land on the data point', async () => {
    for (const sampler of [
      base.sampler,
      { kind: 'ddim', steps: 25, spacing: 'trailing', eta: 1 } as const,
      { kind: 'ddpm', steps: 1000, spacing: 'leading', variance: 'fixed-small' } as const,
    ]) {
      const out = await sampleAll(oracle, schedule, { ...base, sampler });
      for (let i = 0; i < out.length; i++)
        expect(out[i]).toBeCloseTo(target[i % target.length]!, 2);
    }
  });

  it('streams each step with t, prevT and x̂0, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const p = new ReverseProcess(oracle, schedule, base);
    expect(p.timesteps).toEqual([900, 800, 700, 600, 500, 400, 300, 200, 100, 0]);
    const seen: number[][] = [];
    while (!p.done) {
      const s = p.step();
      seen.push([s.index, s.t, s.prevT]);
      expect(s.x.shape).toEqual([2, SIZE, SIZE, 1]);
      // The oracle's x̂0 is the target at every step.
      expect(Array.from(s.predX0.dataSync().subarray(0, 16))).toEqual(
        Array.from(target).map((v) => expect.closeTo(v, 3)),
      );
      s.x.dispose();
      s.predX0.dispose();
    }
    expect(seen[0]).toEqual([0, 900, 800]);
    expect(seen.at(-1)).toEqual([9, 0, -100]);
    expect(() => p.step()).toThrow(/finished/);
    p.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is reproducible from its seed and differs across seeds', async () => {
    const model: Denoiser = (xt) => tf.mul(xt, 0.5) as tf.Tensor4D;
    const a = await sampleAll(model, schedule, {
      ...base,
      sampler: { kind: 'ddim', steps: 5, spacing: 'leading', eta: 1 },
    });
    const b = await sampleAll(model, schedule, {
      ...base,
      sampler: { kind: 'ddim', steps: 5, spacing: 'leading', eta: 1 },
    });
    const c = await sampleAll(model, schedule, {
      ...base,
      seed: 8,
      sampler: { kind: 'ddim', steps: 5, spacing: 'leading', eta: 1 },
    });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('samples in chunks, each seeded from its first sample, the same as separate runs', async () => {
    const model: Denoiser = (xt) => tf.mul(xt, 0.5) as tf.Tensor4D;
    const opts: SampleOptions = {
      ...base,
      labels: new Int32Array([1, 2, 3, 4, 5]),
      sampler: { kind: 'ddim', steps: 4, spacing: 'leading', eta: 1 },
    };
    const before = tf.memory().numTensors;
    const chunked = await sampleAll(model, schedule, opts, 2);
    expect(tf.memory().numTensors).toBe(before);
    const per = SIZE * SIZE;
    for (const start of [0, 2, 4]) {
      const labels = opts.labels.subarray(start, start + 2);
      const alone = await sampleAll(model, schedule, { ...opts, labels, seed: opts.seed + start });
      expect(Array.from(chunked.subarray(start * per, (start + labels.length) * per))).toEqual(
        Array.from(alone),
      );
    }
    // One chunk is the plain run.
    expect(await sampleAll(model, schedule, opts, 5)).toEqual(
      await sampleAll(model, schedule, opts),
    );
  });

  it('classifier-free guidance runs both passes in one batch and mixes them', () => {
    const calls: number[][] = [];
    // ε_c = label, ε_u = 0 for NO_LABEL: guided ε̃ = s·label.
    const model: Denoiser = (xt, _t, labels) => {
      calls.push(Array.from(labels.dataSync()));
      return tf.tidy(() => {
        const l = tf.cast(
          tf.where(tf.equal(labels, NO_LABEL), tf.zerosLike(labels), labels),
          'float32',
        );
        return tf.mul(tf.onesLike(xt), tf.reshape(l, [-1, 1, 1, 1])) as tf.Tensor4D;
      });
    };
    const p = new ReverseProcess(model, schedule, {
      ...base,
      labels: new Int32Array([3, NO_LABEL]),
      guidance: 2,
      sampler: { kind: 'ddim', steps: 1, spacing: 'leading', eta: 0 },
    });
    const x0 = p.current.dataSync()[0]!;
    const s = p.step();
    expect(calls[0]).toEqual([3, NO_LABEL, NO_LABEL, NO_LABEL]);
    // t = 0 → prev −1: x_prev = x̂0 = (x − √(1−ᾱ0)·ε̃)/√ᾱ0 with ε̃ = 2·3 for the first sample.
    const ab = schedule.alphasCumprod[0]!;
    expect(s.x.dataSync()[0]).toBeCloseTo((x0 - Math.sqrt(1 - ab) * 6) / Math.sqrt(ab), 4);
    s.x.dispose();
    s.predX0.dispose();
    p.dispose();
  });
});

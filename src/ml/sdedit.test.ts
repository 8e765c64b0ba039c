import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { qSample } from './forward';
import { gaussian } from './random';
import { ReverseProcess, runToEnd, type SampleOptions } from './sample';
import { makeSchedule } from './schedule';
import { sdeditOptions, sdeditStartIndex } from './sdedit';
import { standInDenoiser } from './stand-in-denoiser';

const schedule = makeSchedule('linear', 1000);
const SIZE = 4;
const image = new Float32Array(SIZE * SIZE).map((_, i) => (i % 5) / 2 - 1);

const base: SampleOptions = {
  sampler: { kind: 'ddpm', steps: 20, spacing: 'trailing', variance: 'fixed-small' },
  prediction: 'epsilon',
  clip: false,
  labels: new Int32Array([3]),
  guidance: 2,
  seed: 11,
  size: SIZE,
};

const finish = (opts: SampleOptions) =>
  runToEnd(new ReverseProcess(standInDenoiser, schedule, opts));

describe('SDEdit', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('keeps the last ⌊n·s⌋ of n steps, as diffusers img2img', () => {
    expect(sdeditStartIndex(20, 0.6)).toBe(8);
    expect(sdeditStartIndex(50, 0.75)).toBe(13);
    expect(sdeditStartIndex(20, 1)).toBe(0);
    expect(sdeditStartIndex(10, 0.05)).toBe(10);
    expect(() => sdeditStartIndex(20, 0)).toThrow(/strength/);
    expect(() => sdeditStartIndex(20, 1.5)).toThrow(/strength/);
  });

  it('with s → 0 returns the input', async () => {
    const before = tf.memory().numTensors;
    const p = new ReverseProcess(standInDenoiser, schedule, sdeditOptions(base, image, 0.01));
    expect(p.done).toBe(true);
    expect(Array.from(await p.current.data())).toEqual(Array.from(image));
    p.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('with s = 1 equals sampling from noise with the same seed and settings', async () => {
    const plain = await finish(base);
    expect(Array.from(await finish(sdeditOptions(base, image, 1)))).toEqual(Array.from(plain));
    // And a different image at s = 1 changes nothing.
    expect(
      await finish(
        sdeditOptions(
          base,
          image.map((v) => -v),
          1,
        ),
      ),
    ).toEqual(plain);
  });

  it('starts at x_t0 = √ᾱ·x + √(1−ᾱ)·ε with the seed’s noise, t0 the first step kept', async () => {
    const opts = sdeditOptions(base, image, 0.6);
    const p = new ReverseProcess(standInDenoiser, schedule, opts);
    const t0 = p.timesteps[8]!;
    expect(t0).toBe(599);
    const expected = qSample(image, gaussian(base.seed, SIZE * SIZE), schedule.alphasCumprod[t0]!);
    const start = await p.current.data();
    start.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    const s = p.step();
    expect([s.index, s.total, s.t]).toEqual([8, 20, 599]);
    s.x.dispose();
    s.predX0.dispose();
    p.dispose();
  });
});

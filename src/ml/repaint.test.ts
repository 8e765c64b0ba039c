import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Inpainting } from './repaint';
import { defaultResampling, repaintMoves } from './repaint-schedule';
import { ReverseProcess, runToEnd, type SampleOptions, type Stepper } from './sample';
import { makeSchedule } from './schedule';
import { standInDenoiser } from './stand-in-denoiser';

const schedule = makeSchedule('linear', 1000);
const SIZE = 4;
const image = new Float32Array(SIZE * SIZE).map((_, i) => (i % 5) / 2 - 1);
const ones = new Float32Array(SIZE * SIZE).fill(1);
const zeros = new Float32Array(SIZE * SIZE);

const base: SampleOptions = {
  sampler: { kind: 'ddpm', steps: 20, spacing: 'trailing', variance: 'fixed-small' },
  prediction: 'epsilon',
  clip: false,
  labels: new Int32Array([3]),
  guidance: 2,
  seed: 5,
  size: SIZE,
};

async function finish(p: Stepper): Promise<{ x: Float32Array; frames: number }> {
  let frames = 0;
  const x = await runToEnd(p, () => void (frames += 1));
  return { x, frames };
}

describe('RePaint', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('orders its moves as diffusers’ RePaintScheduler', () => {
    // diffusers: set_timesteps(4, jump_length=2, jump_n_sample=2) → indices 3,2,1,0,1,2,1,0.
    expect(repaintMoves(4, { jumpLength: 2, jumpCount: 2 })).toEqual([1, 1, 1, 1, -2, 1, 1]);
    expect(repaintMoves(5, { jumpLength: 1, jumpCount: 1 })).toEqual([1, 1, 1, 1, 1]);
    // The paper's setting, T = 250, jump length 10, 10 resamplings: 2,410 model evaluations.
    const paper = repaintMoves(250, defaultResampling(250));
    expect(defaultResampling(250)).toEqual({ jumpLength: 10, jumpCount: 10 });
    expect(paper.filter((m) => m > 0)).toHaveLength(2410);
    expect(paper.reduce((a, m) => a + m, 0)).toBe(250);
    expect(defaultResampling(20)).toEqual({ jumpLength: 1, jumpCount: 10 });
    expect(defaultResampling(50)).toEqual({ jumpLength: 2, jumpCount: 10 });
    expect(() => repaintMoves(10, { jumpLength: 0, jumpCount: 2 })).toThrow(/jump length/);
  });

  it('with an all-known mask returns the input', async () => {
    const before = tf.memory().numTensors;
    const p = new Inpainting(standInDenoiser, schedule, base, image, ones, {
      jumpLength: 2,
      jumpCount: 3,
    });
    const { x, frames } = await finish(p);
    expect(frames).toBe(repaintMoves(20, { jumpLength: 2, jumpCount: 3 }).length);
    expect(Array.from(x)).toEqual(Array.from(image));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('with an all-unknown mask and no resampling equals plain sampling', async () => {
    for (const sampler of [
      base.sampler,
      { kind: 'ddim', steps: 10, spacing: 'leading', eta: 1 } as const,
    ]) {
      const opts = { ...base, sampler };
      const plain = await finish(new ReverseProcess(standInDenoiser, schedule, opts));
      const painted = await finish(
        new Inpainting(standInDenoiser, schedule, opts, image, zeros, {
          jumpLength: 1,
          jumpCount: 1,
        }),
      );
      expect(Array.from(painted.x)).toEqual(Array.from(plain.x));
    }
  });

  it('keeps the known half exactly and paints the other, also with resampling', async () => {
    const half = new Float32Array(SIZE * SIZE).map((_, i) => (i < 8 ? 1 : 0));
    const p = new Inpainting(standInDenoiser, schedule, base, image, half, defaultResampling(20));
    // Going back: the step after a jump starts from a noisier level than the one it left.
    const seen: { t: number; prevT: number }[] = [];
    while (!p.done) {
      const s = p.step();
      seen.push({ t: s.t, prevT: s.prevT });
      s.x.dispose();
      s.predX0.dispose();
    }
    expect(seen.some((s) => s.prevT > s.t)).toBe(true);
    const x = await p.current.data();
    expect(Array.from(x.subarray(0, 8))).toEqual(Array.from(image.subarray(0, 8)));
    expect(Array.from(x.subarray(8))).not.toEqual(Array.from(image.subarray(8)));
    p.dispose();
  });
});

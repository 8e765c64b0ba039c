import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { makePreset } from '../ml/lab2d/datasets';
import { DEFAULT_LAB2D_TRAIN } from '../ml/lab2d/trainer';
import type { FromLab2d, FromLab2dOf, SampleRequest } from '../shared/lab2d-protocol';
import { Lab2dJob } from './lab2d-job';
import { Lab2dModels } from './lab2d-models';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const points = makePreset('gaussians', 200, 1);
const schedule = { kind: 'linear', T: 100 } as const;
const REQUEST: SampleRequest = {
  source: 'learned',
  methods: ['ddpm', 'ddim', 'flow'],
  steps: 8,
  particles: 20,
  solver: 'heun',
  seed: 3,
  guideClass: 2,
  scale: 2,
};

function recorder() {
  const got: FromLab2d[] = [];
  const post = (m: FromLab2d) => void got.push(m);
  const last = <K extends FromLab2d['type']>(type: K) =>
    got.filter((m): m is FromLab2dOf<K> => m.type === type).at(-1);
  return { got, post, last };
}

describe("the 2-D lab's worker jobs", () => {
  it('answers the density at once and refuses work without data in words', async () => {
    const r = recorder();
    const job = new Lab2dJob(r.post, () => import('./lab2d-models'));
    const level = { a: 0.9, s: 0.4 };
    const bounds = { xMin: -4, xMax: 4, yMin: -4, yMax: 4 };
    await job.handle({ type: 'density', id: 1, level, bounds, w: 4, h: 4 });
    expect(r.last('failed')).toEqual({
      type: 'failed',
      id: 1,
      message: 'There are no data points yet.',
    });
    await job.handle({ type: 'data', points });
    await job.handle({ type: 'density', id: 2, level, bounds, w: 16, h: 16 });
    const grid = r.last('density')?.grid;
    expect(grid).toHaveLength(256);
    // Riemann sum over the plot: the density integrates to ~1 (the data sit well inside it).
    expect((grid ?? new Float32Array(0)).reduce((a, b) => a + b, 0) * 0.25).toBeCloseTo(1, 1);
  });

  it('trains a diffusion and a flow-matching model, then samples and draws fields with both', async () => {
    const r = recorder();
    const lab = new Lab2dModels(r.post);
    await expect(async () => lab.sample(9, points, REQUEST, schedule)).rejects.toThrow(
      'No diffusion model yet: train one with the objective ε, v or x₀.',
    );
    for (const [id, objective] of [
      [1, 'v'],
      [2, 'flow'],
    ] as const) {
      await lab.train(
        id,
        points,
        { ...DEFAULT_LAB2D_TRAIN, objective, steps: 20, hidden: 16 },
        schedule,
      );
      const done = r.last('train/done');
      expect(done).toMatchObject({
        id,
        step: 20,
        stopped: false,
        family: objective === 'v' ? 'diffusion' : 'flow',
      });
    }
    const losses = r.got.flatMap((m) => (m.type === 'train/progress' ? Array.from(m.losses) : []));
    expect(losses).toHaveLength(40);
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);

    lab.sample(3, points, REQUEST, schedule);
    const samples = r.last('samples');
    expect(samples?.trajectories.map((t) => t.method)).toEqual(['ddpm', 'ddim', 'flow']);
    for (const t of samples?.trajectories ?? []) {
      expect(t.frames).toHaveLength(9 * 40);
      expect(t.times).toHaveLength(9);
      for (const v of t.frames) expect(Number.isFinite(v)).toBe(true);
    }
    // The same starting noise for every sampler.
    const starts = (samples?.trajectories ?? []).map((t) => Array.from(t.frames.subarray(0, 40)));
    expect(starts[1]).toEqual(starts[0]);
    expect(starts[2]).toEqual(starts[0]);

    const at = Float32Array.of(0, 0, 1, 1);
    for (const family of ['diffusion', 'flow'] as const) {
      lab.field(
        {
          type: 'field',
          id: 4,
          family,
          time: family === 'flow' ? 0.5 : 50,
          schedule,
          at,
          guideClass: -1,
          scale: 1,
        },
        points,
      );
      const field = r.last('field');
      expect(field?.exact).toHaveLength(4);
      expect(field?.learned).toHaveLength(4);
    }
  });

  it('stops a run between steps and keeps the model', async () => {
    const r = recorder();
    const lab = new Lab2dModels(r.post);
    const run = lab.train(5, points, { ...DEFAULT_LAB2D_TRAIN, steps: 5000, hidden: 16 }, schedule);
    lab.stop(5);
    await run;
    const done = r.last('train/done');
    expect(done?.stopped).toBe(true);
    expect(done?.step).toBeLessThan(5000);
  });
});

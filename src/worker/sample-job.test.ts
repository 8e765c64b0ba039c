import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleAll, type Denoiser } from '../ml/sample';
import type { ModelPrediction } from '../ml/prediction';
import type { Prediction } from '../ml/samplers';
import { makeSchedule } from '../ml/schedule';
import type { FromWorker } from '../shared/protocol';
import { DEFAULT_SAMPLE_SETTINGS, type SampleSettings } from '../shared/sample-protocol';
import { SampleJob, sampleOptions, type SamplingModel } from './sample-job';

const T = 40;
const schedule = makeSchedule('linear', T);

/** A stand-in network: any deterministic function of x_t, t and the label will do here. */
const denoise: Denoiser = (xt, t, labels) =>
  tf.tidy(() => {
    const tt = tf.reshape(tf.cast(t, 'float32'), [-1, 1, 1, 1]);
    const ll = tf.reshape(tf.cast(labels, 'float32'), [-1, 1, 1, 1]);
    return tf.add(tf.mul(xt, 0.5), tf.mul(tf.add(tt, ll), 1e-3)) as tf.Tensor4D;
  });

/** Runs one setting through the worker's job exactly as the worker does: start and play. */
async function runToEnd(
  settings: SampleSettings,
  prediction: ModelPrediction,
  model: SamplingModel = { denoise, schedule, prediction, step: 1 },
) {
  const messages: FromWorker[] = [];
  let finish: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  const post = (m: FromWorker) => {
    messages.push(m);
    if (m.type === 'sample/state' && (m.state === 'done' || m.state === 'cancelled')) finish();
  };
  const job = new SampleJob(post, () => model);
  job.start(1, settings, true);
  await ended;
  const frames = messages.filter((m) => m.type === 'sample/frame');
  const last = messages.at(-1);
  return { frames, last };
}

describe('sampling job: every sampler × spacing × steps × prediction × guidance runs to the end', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  const samplers = [
    { sampler: 'ddpm', variance: 'fixed-small' },
    { sampler: 'ddpm', variance: 'fixed-large' },
    { sampler: 'ddim', eta: 0 },
    { sampler: 'ddim', eta: 1 },
  ] as const;
  const spacings = ['leading', 'trailing', 'linspace'] as const;
  const stepCounts = [1, 2, 5, 20, T];
  const predictions: Prediction[] = ['epsilon', 'v', 'x0'];
  const guidances = [
    { label: null, guidance: 1 },
    { label: 3, guidance: 2 },
  ];

  for (const s of samplers)
    for (const spacing of spacings)
      it(`${s.sampler} ${'variance' in s ? s.variance : `η=${s.eta}`} ${spacing}`, async () => {
        const before = tf.memory().numTensors;
        for (const steps of stepCounts)
          for (const prediction of predictions)
            for (const g of guidances) {
              const settings: SampleSettings = {
                ...DEFAULT_SAMPLE_SETTINGS,
                ...s,
                ...g,
                spacing,
                steps,
                count: 2,
              };
              const { frames, last } = await runToEnd(settings, prediction);
              const where = `${steps} steps, ${prediction}, guidance ${g.guidance}`;
              expect(last, where).toMatchObject({ type: 'sample/state', state: 'done' });
              expect(frames, where).toHaveLength(steps);
              const final = frames.at(-1);
              if (final?.type !== 'sample/frame') throw new Error('no frame');
              expect(final.frame.prevT, where).toBeLessThan(0);
              expect(final.frame.xt.pixels.every(Number.isFinite), where).toBe(true);
            }
        expect(tf.memory().numTensors).toBe(before);
      });

  for (const sampler of ['euler', 'heun'] as const)
    it(`${sampler} on a flow-matching model`, async () => {
      const before = tf.memory().numTensors;
      for (const steps of [1, 3, 7, T])
        for (const g of guidances) {
          const settings: SampleSettings = { ...DEFAULT_SAMPLE_SETTINGS, ...g, sampler, steps };
          const { frames, last } = await runToEnd({ ...settings, count: 2 }, 'flow');
          const where = `${steps} steps, guidance ${g.guidance}`;
          expect(last, where).toMatchObject({ type: 'sample/state', state: 'done' });
          expect(frames, where).toHaveLength(steps);
          const first = frames[0];
          const final = frames.at(-1);
          if (first?.type !== 'sample/frame' || final?.type !== 'sample/frame') throw new Error();
          // τ = 1 is t = T − 1; the last step lands on τ = 0, t = −1.
          expect(first.frame.t, where).toBe(T - 1);
          expect(final.frame.prevT, where).toBe(-1);
          expect(final.frame.xt.pixels.every(Number.isFinite), where).toBe(true);
        }
      expect(tf.memory().numTensors).toBe(before);
    });

  it('refuses a sampler that does not fit the model, in words, for a run and a compare', async () => {
    const flowOnDdim = await runToEnd({ ...DEFAULT_SAMPLE_SETTINGS, count: 1 }, 'flow');
    expect(flowOnDdim.frames).toHaveLength(0);
    expect(flowOnDdim.last).toMatchObject({
      state: 'cancelled',
      message: expect.stringContaining('sample it with Euler or Heun, not DDIM') as unknown,
    });
    const heunOnEps = await runToEnd(
      { ...DEFAULT_SAMPLE_SETTINGS, count: 1, sampler: 'heun' },
      'epsilon',
    );
    expect(heunOnEps.last).toMatchObject({
      state: 'cancelled',
      message: expect.stringContaining(
        'this model predicts ε: sample it with DDIM or DDPM',
      ) as unknown,
    });
    const messages: FromWorker[] = [];
    const model: SamplingModel = { denoise, schedule, prediction: 'flow', step: 1 };
    const job = new SampleJob(
      (m) => messages.push(m),
      () => model,
    );
    const euler: SampleSettings = { ...DEFAULT_SAMPLE_SETTINGS, count: 1, sampler: 'euler' };
    await job.compare(1, euler, { ...euler, sampler: 'ddpm' });
    expect(messages).toEqual([
      {
        type: 'sample/state',
        runId: 1,
        state: 'cancelled',
        message:
          'This model was trained with flow matching (it predicts a velocity): sample it with Euler or Heun, not DDPM.',
      },
    ]);
  });

  it('DDPM-20 trailing, the Sample tab with DDPM picked: its last step goes from t = 1 to −1', async () => {
    const settings: SampleSettings = { ...DEFAULT_SAMPLE_SETTINGS, sampler: 'ddpm', count: 2 };
    const { frames, last } = await runToEnd(settings, 'epsilon');
    expect(last).toMatchObject({ state: 'done', message: null });
    const final = frames.at(-1);
    if (final?.type !== 'sample/frame') throw new Error('no frame');
    expect([final.frame.t, final.frame.prevT]).toEqual([1, -1]);
  });

  it('Compare streams progress of both sides, and Cancel with the same runId stops it', async () => {
    const messages: FromWorker[] = [];
    const model: SamplingModel = { denoise, schedule, prediction: 'epsilon', step: 1 };
    const job = new SampleJob(
      (m) => messages.push(m),
      () => model,
    );
    const a: SampleSettings = {
      ...DEFAULT_SAMPLE_SETTINGS,
      count: 1,
      sampler: 'ddpm',
      steps: T,
      spacing: 'leading',
    };
    const b: SampleSettings = { ...DEFAULT_SAMPLE_SETTINGS, count: 1, steps: 5 };
    const before = tf.memory().numTensors;
    await job.compare(7, a, b);
    const sides = messages.flatMap((m) => (m.type === 'sample/frame' ? [m.side] : []));
    expect(new Set(sides)).toEqual(new Set(['a', 'b']));
    expect(messages.at(-1)).toMatchObject({ type: 'sample/state', state: 'done' });
    expect(messages.some((m) => m.type === 'sample/compared')).toBe(true);

    messages.length = 0;
    const running = job.compare(8, a, b);
    // The page's Cancel sends the run's own id.
    await new Promise((resolve) => setTimeout(resolve, 5));
    job.cancel(8);
    await running;
    expect(messages.some((m) => m.type === 'sample/compared')).toBe(false);
    expect(messages.filter((m) => m.type === 'sample/state').at(-1)).toMatchObject({
      state: 'cancelled',
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a step that throws ends the run with its message instead of hanging', async () => {
    const broken: SamplingModel = {
      denoise: () => {
        throw new Error('model exploded');
      },
      schedule,
      prediction: 'epsilon',
      step: 1,
    };
    const states: FromWorker[] = [];
    const job = new SampleJob(
      (m) => states.push(m),
      () => broken,
    );
    job.start(5, { ...DEFAULT_SAMPLE_SETTINGS, count: 1 }, true);
    await expect
      .poll(() => states.at(-1))
      .toMatchObject({
        type: 'sample/state',
        state: 'cancelled',
        message: expect.stringContaining('model exploded') as unknown,
      });
  });
});

/**
 * Zero terminal SNR (ᾱ_{T−1} = 0): x̂0 from an ε-prediction divides by √ᾱ = 0 at the first step
 * of trailing and linspace spacing. Every sampler × spacing × steps × prediction × clipping runs to
 * the end through the job, every x the network sees is finite, and so is the final image
 * (sampleAll, the quality meter's path, with the same settings).
 */
describe('sampling with zero terminal SNR never yields NaN or Infinity', () => {
  const zeroSnr = makeSchedule('linear', T, true);

  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('starts from pure noise: ᾱ at T−1 is exactly 0', () => {
    expect(zeroSnr.alphasCumprod[T - 1]).toBe(0);
  });

  const samplers = [
    { sampler: 'ddpm', variance: 'fixed-small' },
    { sampler: 'ddpm', variance: 'fixed-large' },
    { sampler: 'ddim', eta: 0 },
    { sampler: 'ddim', eta: 1 },
  ] as const;
  for (const s of samplers)
    for (const spacing of ['leading', 'trailing', 'linspace'] as const)
      it(`${s.sampler} ${'variance' in s ? s.variance : `η=${s.eta}`} ${spacing}`, async () => {
        const before = tf.memory().numTensors;
        for (const steps of [1, 2, 5, 20, T])
          for (const prediction of ['epsilon', 'v', 'x0'] as const)
            for (const clip of [false, true]) {
              const where = `${steps} steps, ${prediction}, clip ${clip}`;
              const settings: SampleSettings = {
                ...DEFAULT_SAMPLE_SETTINGS,
                ...s,
                spacing,
                steps,
                clip,
                label: 3,
                guidance: 2,
                count: 2,
              };
              let nonFinite = 0;
              const checked: Denoiser = (xt, t, labels) => {
                if (!xt.dataSync().every(Number.isFinite)) nonFinite += 1;
                return denoise(xt, t, labels);
              };
              const model = { denoise: checked, schedule: zeroSnr, prediction, step: 1 };
              const { frames, last } = await runToEnd(settings, prediction, model);
              expect(last, where).toMatchObject({ type: 'sample/state', state: 'done' });
              expect(frames, where).toHaveLength(steps);
              const images = await sampleAll(checked, zeroSnr, sampleOptions(settings, prediction));
              expect(nonFinite, where).toBe(0);
              expect(images.every(Number.isFinite), where).toBe(true);
            }
        expect(tf.memory().numTensors).toBe(before);
      });
});

/**
 * Sampling with a zero-terminal-SNR schedule (ᾱ_{T−1} = 0): x̂0 from an ε-prediction divides by
 * √ᾱ = 0 at the first step of trailing and linspace spacing. Every sampler × spacing × steps ×
 * prediction × clipping runs to the end through the worker's job, every x the network sees is
 * finite, and so is the final image (sampleAll, the quality meter's path, same steps).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleAll, type Denoiser } from '../ml/sample';
import type { Prediction } from '../ml/samplers';
import { makeSchedule } from '../ml/schedule';
import type { FromWorker } from '../shared/protocol';
import { DEFAULT_SAMPLE_SETTINGS, type SampleSettings } from '../shared/sample-protocol';
import { SampleJob, sampleOptions, type SamplingModel } from './sample-job';

const T = 40;
const schedule = makeSchedule('linear', T, true);

/** A stand-in network that also records whether any input x_t was NaN or infinite. */
function recordingDenoiser(): { denoise: Denoiser; nonFinite: () => number } {
  let bad = 0;
  const denoise: Denoiser = (xt, t, labels) =>
    tf.tidy(() => {
      if (!xt.dataSync().every(Number.isFinite)) bad += 1;
      const tt = tf.reshape(tf.cast(t, 'float32'), [-1, 1, 1, 1]);
      const ll = tf.reshape(tf.cast(labels, 'float32'), [-1, 1, 1, 1]);
      return tf.add(tf.mul(xt, 0.5), tf.mul(tf.add(tt, ll), 1e-3)) as tf.Tensor4D;
    });
  return { denoise, nonFinite: () => bad };
}

async function runJob(model: SamplingModel, settings: SampleSettings) {
  const messages: FromWorker[] = [];
  let finish: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  const job = new SampleJob(
    (m) => {
      messages.push(m);
      if (m.type === 'sample/state' && (m.state === 'done' || m.state === 'cancelled')) finish();
    },
    () => model,
  );
  job.start(1, settings, true);
  await ended;
  return {
    frames: messages.filter((m) => m.type === 'sample/frame').length,
    last: messages.at(-1),
  };
}

describe('sampling with zero terminal SNR never yields NaN or Infinity', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('the schedule starts from pure noise: ᾱ at T−1 is exactly 0', () => {
    expect(schedule.alphasCumprod[T - 1]).toBe(0);
  });

  const samplers = [
    { sampler: 'ddpm', variance: 'fixed-small' },
    { sampler: 'ddpm', variance: 'fixed-large' },
    { sampler: 'ddim', eta: 0 },
    { sampler: 'ddim', eta: 1 },
  ] as const;
  const spacings = ['leading', 'trailing', 'linspace'] as const;
  const predictions: Prediction[] = ['epsilon', 'v', 'x0'];

  for (const s of samplers)
    for (const spacing of spacings)
      it(`${s.sampler} ${'variance' in s ? s.variance : `η=${s.eta}`} ${spacing}`, async () => {
        const before = tf.memory().numTensors;
        for (const steps of [1, 2, 5, 20, T])
          for (const prediction of predictions)
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
              const { denoise, nonFinite } = recordingDenoiser();
              const model: SamplingModel = { denoise, schedule, prediction, step: 1 };
              const { frames, last } = await runJob(model, settings);
              expect(last, where).toMatchObject({ type: 'sample/state', state: 'done' });
              expect(frames, where).toBe(steps);
              const images = await sampleAll(
                denoise,
                schedule,
                sampleOptions(settings, prediction),
              );
              expect(nonFinite(), where).toBe(0);
              expect(images.every(Number.isFinite), where).toBe(true);
            }
        expect(tf.memory().numTensors).toBe(before);
      });
});

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Denoiser } from '../ml/sample';
import { makeSchedule } from '../ml/schedule';
import type { FromWorker } from '../shared/protocol';
import { QualityJob, type Scorer } from './quality-job';
import { QualityCancelled } from './quality-sampling';
import type { SamplingModel } from './sample-job';

describe('the quality job: the page’s Cancel stops its measurement', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('cancel(requestId) stops that measurement before its next step; another id does not', async () => {
    let calls = 0;
    const denoise: Denoiser = (xt) => {
      calls += 1;
      return tf.mul(xt, 0.5) as tf.Tensor4D;
    };
    const model: SamplingModel = {
      denoise,
      schedule: makeSchedule('linear', 100),
      prediction: 'x0',
      step: 1,
    };
    const progress: FromWorker[] = [];
    let job: QualityJob | null = null;
    job = new QualityJob(
      (m) => {
        progress.push(m);
        if (m.type === 'quality/progress' && m.phase === 'sampling' && m.step === 3) {
          job?.cancel(99);
          job?.cancel(7);
        }
      },
      () => Promise.reject(new Error('no data set in this test')),
      () => model,
      // Never reached: the measurement is cancelled while sampling.
      () => Promise.resolve({} as Scorer),
    );
    const before = tf.memory().numTensors;
    await expect(job.measure(7, { count: 60, steps: 50, guidance: 1 })).rejects.toBeInstanceOf(
      QualityCancelled,
    );
    // 3 chunks × 50 steps would be 150 network calls.
    expect(calls).toBe(3);
    expect(progress.map((m) => (m.type === 'quality/progress' ? m.phase : m.type))).toEqual([
      'loading',
      'sampling',
      'sampling',
      'sampling',
      'sampling',
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

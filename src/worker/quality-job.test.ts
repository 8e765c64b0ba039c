import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Denoiser } from '../ml/sample';
import { makeSchedule } from '../ml/schedule';
import type { FromWorker } from '../shared/protocol';
import type { QualityProgress } from '../shared/quality-protocol';
import { QualityJob, type Scorer } from './quality-job';
import { QualityCancelled, sampleForQuality } from './quality-sampling';
import type { SamplingModel } from './sample-job';

function countingModel(): { model: SamplingModel; calls: () => number } {
  let calls = 0;
  const denoise: Denoiser = (xt) => {
    calls += 1;
    return tf.mul(xt, 0.5) as tf.Tensor4D;
  };
  return {
    model: { denoise, schedule: makeSchedule('linear', 100), prediction: 'x0', step: 1 },
    calls: () => calls,
  };
}

describe('the quality meter’s sampling', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('reports sampling progress per step and per chunk of digits', async () => {
    const { model, calls } = countingModel();
    const seen: QualityProgress[] = [];
    const { labels, generated } = await sampleForQuality(
      model,
      { count: 30, steps: 4, guidance: 1 },
      (p) => seen.push(p),
      () => false,
    );
    expect(Array.from(labels.slice(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(generated).toHaveLength(30 * 28 * 28);
    // Two chunks (20 + 10 digits) of 4 steps each.
    expect(calls()).toBe(8);
    expect(seen.map((p) => `${p.done}:${p.step}`)).toEqual([
      '0:0',
      ...['0:1', '0:2', '0:3', '0:4'],
      ...['20:1', '20:2', '20:3', '20:4'],
    ]);
  });

  it('a cancel stops it before the next network call, without leaking tensors', async () => {
    const { model, calls } = countingModel();
    const before = tf.memory().numTensors;
    let stop = false;
    const run = sampleForQuality(
      model,
      { count: 60, steps: 50, guidance: 1 },
      (p) => {
        if (p.step === 5) stop = true;
      },
      () => stop,
    );
    await expect(run).rejects.toBeInstanceOf(QualityCancelled);
    // 3 chunks × 50 steps would be 150 calls; it stopped right after the 5th.
    expect(calls()).toBe(5);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the quality job: the page’s Cancel stops its measurement', () => {
  it('cancel(requestId) stops that measurement before its next step; another id does not', async () => {
    const { model, calls } = countingModel();
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
    expect(calls()).toBe(3);
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

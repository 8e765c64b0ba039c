/**
 * The quality meter's sampling: class-conditional digits in chunks, with progress per step and a
 * stop that takes effect before the next network call (the player's cancel, for the meter).
 */
import { deterministicSampler } from '../ml/prediction';
import { sampleAll, type Denoiser } from '../ml/sample';
import type { QualityProgress, QualitySettings } from '../shared/quality-protocol';
import { DEFAULT_SAMPLE_SETTINGS } from '../shared/sample-protocol';
import { sampleOptions, type SamplingModel } from './sample-job';

/** Samples per chunk: activations grow with the batch (ml/sample.ts, sampleAll). */
export const QUALITY_CHUNK = 20;

export class QualityCancelled extends Error {
  constructor() {
    super('The quality measurement was cancelled.');
  }
}

/** `settings.count` digits, classes 0–9 in turn, in [−1, 1]; rejects with QualityCancelled once `stopped()`. */
export async function sampleForQuality(
  model: SamplingModel,
  settings: QualitySettings,
  onProgress: (p: QualityProgress) => void,
  stopped: () => boolean,
): Promise<{ labels: Int32Array; generated: Float32Array }> {
  const labels = Int32Array.from({ length: settings.count }, (_, i) => i % 10);
  const total = settings.count;
  let done = 0;
  let step = 0;
  // sampleAll yields between steps, so a cancel message is handled there; the next call to the
  // network throws, and sampleAll's tidy and finally free the chunk's tensors.
  const denoise: Denoiser = (xt, t, l) => {
    if (stopped()) throw new QualityCancelled();
    step += 1;
    onProgress({ phase: 'sampling', done, total, step, steps: settings.steps });
    return model.denoise(xt, t, l);
  };
  onProgress({ phase: 'sampling', done, total, step: 0, steps: settings.steps });
  const generated = await sampleAll(
    denoise,
    model.schedule,
    {
      ...sampleOptions(
        {
          ...DEFAULT_SAMPLE_SETTINGS,
          // DDIM, or Euler for a flow-matching model: the meter's steps are deterministic ones.
          sampler: deterministicSampler(model.prediction),
          steps: settings.steps,
          guidance: settings.guidance,
        },
        model.prediction,
      ),
      labels,
      // Chunk k draws its noise from 10,000 + k.
      seed: 10_000,
    },
    QUALITY_CHUNK,
    (n) => {
      done = n;
      step = 0;
    },
  );
  if (stopped()) throw new QualityCancelled();
  return { labels, generated };
}

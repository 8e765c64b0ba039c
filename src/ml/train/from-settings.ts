/**
 * The app's training settings turned into a trainer and its batches: the worker and the CLI both
 * use these, so a model trained in either place is the same model, batch for batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FilterGradVariant } from '../conv2d';
import { batchFrom, type MnistSet } from '../mnist';
import { mulberry32, randomInt } from '../random';
import { scheduleOf } from '../schedule';
import { PRESETS, type UNetConfig } from '../unet/config';
import {
  DEFAULT_MEMORY_LIMIT_MB,
  DEFAULT_SNR_GAMMA,
  TRAIN_PRESETS,
  type TrainSettings,
} from '../../shared/train-protocol';
import { microBatchFor, stepPathFor } from './memory';
import { createTrainer, type StepResult, type Trainer, type TrainerOptions } from './step';

/** The fastest measured filter-gradient variant per backend (see conv2d.ts and npm run bench). */
export function filterGradForBackend(backend: string): FilterGradVariant {
  return backend === 'wasm' || backend === 'cpu' ? 'depthwise' : 'matmul2d';
}

export function presetConfig(settings: TrainSettings): UNetConfig {
  if (!(TRAIN_PRESETS as readonly string[]).includes(settings.preset)) {
    throw new Error(`unknown model preset "${settings.preset}"`);
  }
  return PRESETS[settings.preset];
}

export function trainerFromSettings(settings: TrainSettings, backend: string): Trainer {
  return createTrainer(trainerOptions(settings, backend));
}

export function trainerOptions(settings: TrainSettings, backend: string): TrainerOptions {
  return {
    config: presetConfig(settings),
    schedule: scheduleOf(settings.schedule),
    prediction: settings.prediction,
    lr: {
      peak: settings.learningRate,
      warmup: Math.min(settings.warmupSteps, settings.totalSteps),
      total: settings.totalSteps,
      floor: settings.learningRate * 0.05,
    },
    clipNorm: settings.clipNorm,
    emaDecay: settings.emaDecay,
    ...(settings.lossWeighting === 'min-snr'
      ? { minSnrGamma: settings.snrGamma ?? DEFAULT_SNR_GAMMA }
      : {}),
    labelDropout: 0.1,
    filterGrad: filterGradForBackend(backend),
    microBatch: microBatchFor(
      settings.preset,
      settings.batchSize,
      settings.memoryLimitMB ?? DEFAULT_MEMORY_LIMIT_MB,
      stepPathFor(backend),
    ),
    seed: settings.seed,
  };
}

/** The batch for the update after `step`: one rng per (seed, step), so a resumed run repeats it. */
export function trainingBatch(
  set: MnistSet,
  trainIds: readonly number[],
  settings: TrainSettings,
  step: number,
): { x0: Float32Array; labels: Int32Array } {
  const rng = mulberry32((settings.seed * 7919 + step) >>> 0);
  const ids = Array.from(
    { length: settings.batchSize },
    () => trainIds[randomInt(rng, trainIds.length)] ?? 0,
  );
  return batchFrom(set, ids);
}

/** One update on the next training batch, its input tensor freed whatever happens. */
export async function trainOnNextBatch(
  trainer: Trainer,
  set: MnistSet,
  trainIds: readonly number[],
  settings: TrainSettings,
): Promise<StepResult> {
  const batch = trainingBatch(set, trainIds, settings, trainer.optimizer.step);
  const x0 = tf.tensor4d(batch.x0, [settings.batchSize, set.rows, set.cols, 1]);
  try {
    return await trainer.step(x0, batch.labels);
  } finally {
    x0.dispose();
  }
}

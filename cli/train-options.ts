/**
 * The `train` command's options. Every default is read from DEFAULT_TRAIN_SETTINGS, the recipe the
 * app's "New model" starts from, so the two cannot drift apart.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { SCHEDULE_KINDS, T_MAX, T_MIN, type ScheduleKind } from '../src/ml/schedule';
import type { NodeBackendName } from '../src/node/backends';
import {
  DEFAULT_SNR_GAMMA,
  DEFAULT_TRAIN_SETTINGS,
  LOSS_WEIGHTINGS,
  PREDICTIONS,
  TRAIN_PRESETS,
  type LossWeightingName,
  type PredictionName,
  type PresetName,
  type TrainSettings,
} from '../src/shared/train-protocol';

/** A commander argParser for a number in [min, max] (an integer when `integer`). */
export function num(min: number, max: number, integer = true): (value: string) => number {
  return (value: string) => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`"${value}" is not a number.`);
    if (integer && !Number.isInteger(n))
      throw new InvalidArgumentError(`"${value}" is not a whole number.`);
    if (n < min || n > max) throw new InvalidArgumentError(`must be between ${min} and ${max}.`);
    return n;
  };
}

export interface TrainOpts {
  preset: PresetName;
  steps: number;
  batch: number;
  lr: number;
  warmup: number;
  schedule: ScheduleKind;
  T: number;
  prediction: PredictionName;
  weighting: LossWeightingName;
  snrGamma: number;
  ema: number;
  seed: number;
  backend?: NodeBackendName;
  out: string;
  saveEvery: number;
  memoryLimit: number;
}

/** Which TrainSettings key each train option sets (to tell explicit options on resume). */
export const TRAIN_KEYS: Record<string, keyof TrainSettings> = {
  preset: 'preset',
  steps: 'totalSteps',
  batch: 'batchSize',
  lr: 'learningRate',
  warmup: 'warmupSteps',
  schedule: 'schedule',
  T: 'schedule',
  prediction: 'prediction',
  weighting: 'lossWeighting',
  snrGamma: 'snrGamma',
  ema: 'emaDecay',
  seed: 'seed',
};

/** Adds the recipe's options, each defaulting to DEFAULT_TRAIN_SETTINGS. */
export function addTrainOptions(cmd: Command): Command {
  const d = DEFAULT_TRAIN_SETTINGS;
  return cmd
    .addOption(new Option('--preset <name>', 'model size').choices(TRAIN_PRESETS).default(d.preset))
    .option('--steps <n>', 'total steps to reach (1–1000000)', num(1, 1_000_000), d.totalSteps)
    .option('--batch <n>', 'batch size (1–256)', num(1, 256), d.batchSize)
    .option('--lr <x>', 'peak learning rate (1e-6–0.1)', num(1e-6, 0.1, false), d.learningRate)
    .option('--warmup <n>', 'learning-rate warmup steps (0–100000)', num(0, 100_000), d.warmupSteps)
    .addOption(
      new Option('--schedule <kind>', 'noise schedule')
        .choices(SCHEDULE_KINDS)
        .default(d.schedule.kind),
    )
    .option('--T <n>', `diffusion timesteps (${T_MIN}–${T_MAX})`, num(T_MIN, T_MAX), d.schedule.T)
    .addOption(
      new Option('--prediction <target>', 'what the model predicts')
        .choices(PREDICTIONS)
        .default(d.prediction),
    )
    .addOption(
      new Option('--weighting <kind>', 'loss weighting per sample (min-snr: min-SNR-γ)')
        .choices(LOSS_WEIGHTINGS)
        .default(d.lossWeighting ?? 'none'),
    )
    .option(
      '--snr-gamma <x>',
      'γ of min-SNR-γ weighting (0.1–100)',
      num(0.1, 100, false),
      d.snrGamma ?? DEFAULT_SNR_GAMMA,
    )
    .option('--ema <x>', 'EMA decay of the weights (0–0.99999)', num(0, 0.99999, false), d.emaDecay)
    .option('--seed <n>', 'seed (0–2147483647)', num(0, 2 ** 31 - 1), d.seed);
}

export function trainSettingsFrom(opts: TrainOpts): TrainSettings {
  return {
    ...DEFAULT_TRAIN_SETTINGS,
    preset: opts.preset,
    prediction: opts.prediction,
    schedule: { kind: opts.schedule, T: opts.T },
    batchSize: opts.batch,
    learningRate: opts.lr,
    warmupSteps: opts.warmup,
    totalSteps: opts.steps,
    lossWeighting: opts.weighting,
    snrGamma: opts.snrGamma,
    emaDecay: opts.ema,
    seed: opts.seed,
    memoryLimitMB: opts.memoryLimit,
  };
}

/**
 * The `train` command's options. Every default is read from DEFAULT_TRAIN_SETTINGS, the recipe the
 * app's "New model" starts from, so the two cannot drift apart.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ScheduleKind } from '../src/ml/schedule';
import type { NodeBackendName } from '../src/node/backends';
import {
  DEFAULT_SNR_GAMMA,
  DEFAULT_TRAIN_SETTINGS,
  type LossWeightingName,
  type PredictionName,
  type PresetName,
  type TrainSettings,
} from '../src/shared/train-protocol';
import {
  SCHEDULE_FIELDS,
  ZERO_TERMINAL_SNR_FIELD,
  TRAIN_FIELDS,
  type ChoiceSpec,
  type NumberSpec,
} from '../src/shared/train-settings-spec';

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
  zeroTerminalSnr: boolean;
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
  zeroTerminalSnr: 'schedule',
  prediction: 'prediction',
  weighting: 'lossWeighting',
  snrGamma: 'snrGamma',
  ema: 'emaDecay',
  seed: 'seed',
};

/** A numeric option whose range and help come from the settings spec (the form's too). */
function specOption(cmd: Command, flags: string, spec: NumberSpec, value: number): Command {
  return cmd.option(
    flags,
    `${spec.description} (${spec.min}–${spec.max})`,
    num(spec.min, spec.max, spec.integer),
    value,
  );
}

/** A choice option whose choices and help come from the settings spec. */
function choiceOption(flags: string, spec: ChoiceSpec, value: string): Option {
  return new Option(flags, spec.description)
    .choices(spec.choices.map((c) => c.value))
    .default(value);
}

/** Adds the recipe's options, each defaulting to DEFAULT_TRAIN_SETTINGS, described by the spec. */
export function addTrainOptions(cmd: Command): Command {
  const d = DEFAULT_TRAIN_SETTINGS;
  const f = TRAIN_FIELDS;
  cmd.addOption(choiceOption('--preset <name>', f.preset, d.preset));
  specOption(cmd, '--steps <n>', f.totalSteps, d.totalSteps);
  specOption(cmd, '--batch <n>', f.batchSize, d.batchSize);
  specOption(cmd, '--lr <x>', f.learningRate, d.learningRate);
  specOption(cmd, '--warmup <n>', f.warmupSteps, d.warmupSteps);
  cmd.addOption(choiceOption('--schedule <kind>', SCHEDULE_FIELDS.kind, d.schedule.kind));
  specOption(cmd, '--T <n>', SCHEDULE_FIELDS.T, d.schedule.T);
  cmd.option(
    '--zero-terminal-snr',
    ZERO_TERMINAL_SNR_FIELD.description,
    d.schedule.zeroTerminalSnr ?? false,
  );
  cmd.addOption(choiceOption('--prediction <target>', f.prediction, d.prediction));
  cmd.addOption(choiceOption('--weighting <kind>', f.lossWeighting, d.lossWeighting ?? 'none'));
  specOption(cmd, '--snr-gamma <x>', f.snrGamma, d.snrGamma ?? DEFAULT_SNR_GAMMA);
  specOption(cmd, '--ema <x>', f.emaDecay, d.emaDecay);
  return specOption(cmd, '--seed <n>', f.seed, d.seed);
}

/** --memory-limit, as the spec bounds it. */
export function addMemoryLimitOption(cmd: Command, value: number): Command {
  return specOption(cmd, '--memory-limit <MB>', TRAIN_FIELDS.memoryLimitMB, value);
}

export function trainSettingsFrom(opts: TrainOpts): TrainSettings {
  return {
    ...DEFAULT_TRAIN_SETTINGS,
    preset: opts.preset,
    prediction: opts.prediction,
    schedule: { kind: opts.schedule, T: opts.T, zeroTerminalSnr: opts.zeroTerminalSnr },
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

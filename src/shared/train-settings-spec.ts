/**
 * The one description of the training settings: each field's label, one-line description, range
 * or choices. The Train form draws its fields from it, the CLI its options, and every boundary a
 * setting crosses (a worker message, a model file, the autosave) checks values against it, so a
 * file saying T = 5e8 or prediction "banana" is refused with the field named.
 */
import { SCHEDULE_KINDS, T_MAX, T_MIN } from '../ml/schedule';
import {
  DEFAULT_MEMORY_LIMIT_MB,
  DEFAULT_SNR_GAMMA,
  LOSS_WEIGHTINGS,
  PREDICTIONS,
  TRAIN_PRESETS,
  type TrainSettings,
} from './train-protocol';

export interface NumberSpec {
  readonly kind: 'number';
  readonly label: string;
  readonly description: string;
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  /** The form's arrow-key step. */
  readonly step?: number;
}

export interface ChoiceSpec<T extends string = string> {
  readonly kind: 'choice';
  readonly label: string;
  readonly description: string;
  readonly choices: readonly { readonly value: T; readonly label: string }[];
}

export type FieldSpec = NumberSpec | ChoiceSpec;

/** An on/off setting (a checkbox in the form, a flag on the command line). */
export interface FlagSpec {
  readonly kind: 'flag';
  readonly label: string;
  readonly description: string;
}

const int = (label: string, description: string, min: number, max: number): NumberSpec => ({
  kind: 'number',
  label,
  description,
  min,
  max,
  integer: true,
});

const real = (
  label: string,
  description: string,
  min: number,
  max: number,
  step: number,
): NumberSpec => ({ kind: 'number', label, description, min, max, integer: false, step });

const PRESET_LABELS: Record<(typeof TRAIN_PRESETS)[number], string> = {
  micro: 'micro UNet (≈0.16M params)',
  tiny: 'tiny UNet (≈0.34M params)',
  small: 'small UNet (≈1.1M params)',
};
const PREDICTION_LABELS: Record<(typeof PREDICTIONS)[number], string> = {
  epsilon: 'ε (noise)',
  v: 'v (velocity)',
  x0: 'x₀ (clean image)',
  flow: 'velocity (flow matching)',
};

/** Every setting but the schedule, which is two fields of its own (SCHEDULE_FIELDS). */
export const TRAIN_FIELDS = {
  preset: {
    kind: 'choice',
    label: 'Model',
    description: 'The UNet’s size: wider models learn more per step but take longer per step.',
    choices: TRAIN_PRESETS.map((value) => ({ value, label: PRESET_LABELS[value] })),
  },
  prediction: {
    kind: 'choice',
    label: 'Predicts',
    description:
      'What the network outputs for a noisy x_t: the noise ε, the velocity v, or the clean x₀ (all three give the same x̂₀); or flow matching’s velocity ε − x₀ on the straight path x_τ = (1−τ)x₀ + τε, sampled with Euler or Heun.',
    choices: PREDICTIONS.map((value) => ({ value, label: PREDICTION_LABELS[value] })),
  },
  batchSize: int('Batch', 'Images per training step.', 1, 256),
  learningRate: real('Learning rate', 'Adam’s peak step size, after warmup.', 1e-6, 0.1, 1e-4),
  warmupSteps: int('Warmup steps', 'Steps over which the learning rate rises from 0.', 0, 100_000),
  totalSteps: int(
    'Steps',
    'Training steps to reach; the learning rate decays to 5 % by then.',
    1,
    1_000_000,
  ),
  clipNorm: real(
    'Clip grad norm',
    'Gradients longer than this are scaled down to it (0: no clipping).',
    0,
    100,
    0.1,
  ),
  emaDecay: real(
    'EMA decay',
    'The sampled weights are an exponential moving average of the trained ones: closer to 1 is smoother and slower to follow.',
    0,
    0.99999,
    0.001,
  ),
  lossWeighting: {
    kind: 'choice',
    label: 'Loss weighting',
    description:
      'Plain MSE, or min-SNR-γ: each timestep’s loss weighted by min(SNR, γ) so easy, low-noise steps do not dominate.',
    choices: LOSS_WEIGHTINGS.map((value) => ({
      value,
      label: value === 'none' ? 'none (plain MSE)' : 'min-SNR-γ',
    })),
  },
  snrGamma: real('min-SNR γ', 'The γ of min-SNR-γ weighting.', 0.1, 100, 0.5),
  seed: int('Seed', 'Seeds the initial weights, the batches and the noise.', 0, 2 ** 31 - 1),
  previewEvery: int(
    'Preview every',
    'A grid of samples every this many steps (0: never).',
    0,
    100_000,
  ),
  autosaveEvery: int(
    'Autosave every',
    'Save to this browser every this many steps (0: only on pause).',
    0,
    100_000,
  ),
  memoryLimitMB: int(
    'Memory limit (MB)',
    'Tensor memory a step may use; a bigger batch runs as several passes with the same update.',
    64,
    16_384,
  ),
  qualityEvery: int(
    'Quality every',
    'Score samples with the MNIST classifier every this many steps (0: never); or “auto”.',
    0,
    100_000,
  ),
} as const satisfies Partial<Record<keyof TrainSettings, FieldSpec>>;

export const SCHEDULE_FIELDS = {
  kind: {
    kind: 'choice',
    label: 'Schedule',
    description: 'How the noise level β_t grows with t.',
    choices: SCHEDULE_KINDS.map((value) => ({ value, label: value })),
  },
  T: int('T', 'Number of diffusion timesteps.', T_MIN, T_MAX),
} as const satisfies Record<string, FieldSpec>;

/** The schedule's third field, an on/off one (absent from older files: off). */
export const ZERO_TERMINAL_SNR_FIELD: FlagSpec = {
  kind: 'flag',
  label: 'Zero terminal SNR',
  description:
    'Rescale the schedule so x at t = T−1 is pure noise (Lin et al. 2023); pair it with v- or x₀-prediction.',
};

export type SpecKey = keyof typeof TRAIN_FIELDS;
export type NumberKey = {
  [K in SpecKey]: (typeof TRAIN_FIELDS)[K] extends NumberSpec ? K : never;
}[SpecKey];

export class SettingsError extends Error {}

function checkNumber(spec: NumberSpec, value: unknown, field: string, where: string): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!spec.integer || Number.isInteger(value)) &&
    value >= spec.min &&
    value <= spec.max;
  if (!ok) {
    throw new SettingsError(
      `${where}: "${field}" (${spec.label}) must be ${spec.integer ? 'a whole number' : 'a number'} from ${spec.min} to ${spec.max}, not ${JSON.stringify(value) ?? String(value)}.`,
    );
  }
  return value;
}

function checkFlag(spec: FlagSpec, value: unknown, field: string, where: string): boolean {
  if (typeof value !== 'boolean') {
    throw new SettingsError(
      `${where}: "${field}" (${spec.label}) must be true or false, not ${JSON.stringify(value) ?? String(value)}.`,
    );
  }
  return value;
}

function checkChoice<T extends string>(
  spec: ChoiceSpec<T>,
  value: unknown,
  field: string,
  where: string,
): T {
  const found = spec.choices.find((c) => c.value === value);
  if (!found) {
    throw new SettingsError(
      `${where}: "${field}" (${spec.label}) must be one of ${spec.choices.map((c) => c.value).join(', ')}, not ${JSON.stringify(value) ?? String(value)}.`,
    );
  }
  return found.value;
}

/**
 * The settings if every field is within the spec (fields absent from older files get their
 * defaults); otherwise a SettingsError naming the field, for a message the learner can act on.
 */
export function validateTrainSettings(value: unknown, where: string): TrainSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SettingsError(`${where}: the training settings are missing or not an object.`);
  }
  const v = value as Record<string, unknown>;
  const f = TRAIN_FIELDS;
  const schedule = v['schedule'];
  if (typeof schedule !== 'object' || schedule === null) {
    throw new SettingsError(`${where}: "schedule" is missing or not an object.`);
  }
  const s = schedule as Record<string, unknown>;
  const optional = <T>(key: string, check: (x: unknown) => T, fallback: T): T =>
    v[key] === undefined ? fallback : check(v[key]);
  const qualityEvery = v['qualityEvery'];
  return {
    preset: checkChoice(f.preset, v['preset'], 'preset', where),
    prediction: checkChoice(f.prediction, v['prediction'], 'prediction', where),
    schedule: {
      kind: checkChoice(SCHEDULE_FIELDS.kind, s['kind'], 'schedule.kind', where),
      T: checkNumber(SCHEDULE_FIELDS.T, s['T'], 'schedule.T', where),
      zeroTerminalSnr:
        s['zeroTerminalSnr'] === undefined
          ? false
          : checkFlag(
              ZERO_TERMINAL_SNR_FIELD,
              s['zeroTerminalSnr'],
              'schedule.zeroTerminalSnr',
              where,
            ),
    },
    batchSize: checkNumber(f.batchSize, v['batchSize'], 'batchSize', where),
    learningRate: checkNumber(f.learningRate, v['learningRate'], 'learningRate', where),
    warmupSteps: checkNumber(f.warmupSteps, v['warmupSteps'], 'warmupSteps', where),
    totalSteps: checkNumber(f.totalSteps, v['totalSteps'], 'totalSteps', where),
    clipNorm: checkNumber(f.clipNorm, v['clipNorm'], 'clipNorm', where),
    emaDecay: checkNumber(f.emaDecay, v['emaDecay'], 'emaDecay', where),
    lossWeighting: optional(
      'lossWeighting',
      (x) => checkChoice(f.lossWeighting, x, 'lossWeighting', where),
      'none',
    ),
    snrGamma: optional(
      'snrGamma',
      (x) => checkNumber(f.snrGamma, x, 'snrGamma', where),
      DEFAULT_SNR_GAMMA,
    ),
    seed: checkNumber(f.seed, v['seed'], 'seed', where),
    previewEvery: checkNumber(f.previewEvery, v['previewEvery'], 'previewEvery', where),
    autosaveEvery: checkNumber(f.autosaveEvery, v['autosaveEvery'], 'autosaveEvery', where),
    memoryLimitMB: optional(
      'memoryLimitMB',
      (x) => checkNumber(f.memoryLimitMB, x, 'memoryLimitMB', where),
      DEFAULT_MEMORY_LIMIT_MB,
    ),
    qualityEvery:
      qualityEvery === 'auto'
        ? 'auto'
        : optional('qualityEvery', (x) => checkNumber(f.qualityEvery, x, 'qualityEvery', where), 0),
    ...(v['dataset'] === undefined ? {} : { dataset: checkName(v['dataset'], where) }),
  };
}

/** A data set's name as a model records it: a short line of text. */
function checkName(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new SettingsError(
      `${where}: "dataset" must be a data set's name, not ${JSON.stringify(value) ?? String(value)}.`,
    );
  }
  return value;
}

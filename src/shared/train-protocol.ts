/** Settings and messages of the training job (page ⇄ worker). */
import type { ModelCard } from './model-card';
import type { ScheduleConfig, GrayFrame } from './protocol';
import type { RunCharts } from './run-charts';

export const TRAIN_PRESETS = ['micro', 'tiny', 'small'] as const;
export type PresetName = (typeof TRAIN_PRESETS)[number];
export const PREDICTIONS = ['epsilon', 'v', 'x0', 'flow'] as const;
export type PredictionName = (typeof PREDICTIONS)[number];
export const LOSS_WEIGHTINGS = ['none', 'min-snr'] as const;
export type LossWeightingName = (typeof LOSS_WEIGHTINGS)[number];
/** γ of min-SNR-γ weighting when a model does not say (the paper's choice). */
export const DEFAULT_SNR_GAMMA = 5;

export interface TrainSettings {
  readonly preset: PresetName;
  readonly prediction: PredictionName;
  readonly schedule: ScheduleConfig;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly warmupSteps: number;
  readonly totalSteps: number;
  readonly clipNorm: number;
  readonly emaDecay: number;
  /**
   * How each sample's loss is weighted: 'min-snr' scales it to min(SNR_t, γ) in x₀ terms (see
   * ml/train/step.ts). Absent in files saved before it existed: 'none', plain MSE.
   */
  readonly lossWeighting?: LossWeightingName;
  /** γ of min-SNR-γ (absent: DEFAULT_SNR_GAMMA). */
  readonly snrGamma?: number;
  readonly seed: number;
  /** A preview grid every this many steps (0: never). */
  readonly previewEvery: number;
  /** An IndexedDB autosave every this many steps (0: only on pause). */
  readonly autosaveEvery: number;
  /**
   * Tensor memory a step may use, in MB: larger batches run as micro-batches whose gradients are
   * summed (same update). Absent in files saved before it existed: DEFAULT_MEMORY_LIMIT_MB.
   */
  readonly memoryLimitMB?: number;
  /**
   * Score samples with the quality meter every this many steps (0 or absent: never), or 'auto':
   * as often as QUALITY_SHARE of the training time allows, so the learner sees when digits
   * become recognisable without slowing training much.
   */
  readonly qualityEvery?: number | 'auto';
  /**
   * The learner's data set the model was trained on (worker/data-set-job.ts); absent: the
   * shipped MNIST digits.
   */
  readonly dataset?: string;
}

/** Samples the quality meter scores during training (fewer than on demand: it pauses training). */
export const TRAINING_QUALITY_SAMPLES = 50;

export const DEFAULT_MEMORY_LIMIT_MB = 512;

/**
 * The recipe "New model" and the CLI's `train` start from, chosen for time to digits on a 2-core
 * CPU (bench/README.md has the sweep): the micro UNet runs ~2× tiny's steps/s on wasm and learns
 * about as much per step; x₀-prediction reached 80 % class accuracy in about two thirds of the
 * steps v needed (ε, and v with min-SNR-γ, were slower still) and the linear schedule beat cosine;
 * batch 16 learns as much per image as 8; lr 2e-3 to 4e-3 alike, higher worse. 3,000 steps is
 * ~15 minutes on one wasm thread, by when the learning rate has decayed.
 */
export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  preset: 'micro',
  prediction: 'x0',
  schedule: { kind: 'linear', T: 1000, zeroTerminalSnr: false },
  batchSize: 16,
  learningRate: 4e-3,
  warmupSteps: 50,
  totalSteps: 3000,
  clipNorm: 1,
  emaDecay: 0.995,
  lossWeighting: 'none',
  snrGamma: DEFAULT_SNR_GAMMA,
  seed: 1,
  previewEvery: 100,
  autosaveEvery: 200,
  memoryLimitMB: DEFAULT_MEMORY_LIMIT_MB,
  qualityEvery: 'auto',
};

/** Settings that define the model or its meaning: changing one needs a new model. */
export const MODEL_DEFINING: readonly (keyof TrainSettings)[] = [
  'preset',
  'prediction',
  'schedule',
];

export function needsNewModel(a: TrainSettings, b: TrainSettings): boolean {
  return (
    a.preset !== b.preset ||
    a.prediction !== b.prediction ||
    a.schedule.kind !== b.schedule.kind ||
    a.schedule.T !== b.schedule.T ||
    (a.schedule.zeroTerminalSnr ?? false) !== (b.schedule.zeroTerminalSnr ?? false)
  );
}

export const TIMESTEP_BUCKETS = 10;

export interface LossPoint {
  readonly step: number;
  readonly loss: number;
}

export type TrainStatus = 'empty' | 'ready' | 'running' | 'paused' | 'finished';

export interface ModelSummary {
  readonly settings: TrainSettings;
  readonly step: number;
  readonly params: number;
  /** Where the weights came from. */
  readonly origin: 'new' | 'autosave' | 'file' | 'default';
  readonly backend: string;
  /** The published model card, for the pretrained default model. */
  readonly card: ModelCard | null;
}

export interface TrainQualityPoint {
  readonly step: number;
  readonly samples: number;
  readonly classAccuracy: number | null;
  readonly kid: number;
  readonly kidRealFloor: number;
  readonly meanConfidence: number;
  readonly ms: number;
  /** Training time of the run when it was measured, ms (measurements not counted). */
  readonly elapsedMs: number;
}

/** With qualityEvery 'auto', measurements take at most this share of the time. */
export const QUALITY_SHARE = 0.1;
/** With qualityEvery 'auto', the first measurement after this much training. */
export const QUALITY_FIRST_MS = 20_000;

/** The training time at which class accuracy first reached `share`, or null. */
export function timeToAccuracy(
  points: readonly TrainQualityPoint[],
  share: number,
): TrainQualityPoint | null {
  return points.find((p) => p.classAccuracy !== null && p.classAccuracy >= share) ?? null;
}

/** The figures each progress message carries besides new loss points. */
export interface TrainProgressStats {
  readonly step: number;
  readonly totalSteps: number;
  readonly stepsPerSec: number;
  readonly imagesPerSec: number;
  readonly elapsedMs: number;
  readonly etaMs: number;
  readonly lr: number;
  readonly gradNorm: number;
  /** Mean loss per timestep bucket (t·10/T), recent steps; NaN where no sample fell yet. */
  readonly bucketLoss: readonly number[];
  /**
   * WebGPU only (else null): how the steps reach the GPU. A step is recorded once and its GPU
   * commands replayed with new inputs (ml/train/step.ts, ml/replay).
   */
  readonly replay: {
    readonly replayed: number;
    /** JavaScript time of the last replayed step, ms. */
    readonly encodeMs: number | null;
    /** GPU time of a recent replayed step, ms (null where the device has no timestamp queries). */
    readonly gpuMs: number | null;
    /** Compute programs and buffer copies one replayed step sends to the GPU. */
    readonly programs: number | null;
    readonly copies: number | null;
    /** Why steps still go through tfjs, when a recording could not be used. */
    readonly failure: string | null;
  } | null;
}

export type TrainToWorker =
  | {
      readonly type: 'train/start';
      readonly runId: number;
      readonly settings: TrainSettings;
      readonly fresh: boolean;
    }
  | { readonly type: 'train/pause'; readonly runId: number }
  | { readonly type: 'train/reset'; readonly runId: number }
  | {
      readonly type: 'model/export';
      readonly requestId: number;
      /** 'pytorch': the zip python/diffusion_playground loads (safetensors + config.json). */
      readonly format?: 'pytorch';
    }
  | {
      readonly type: 'model/import';
      readonly requestId: number;
      readonly file: Blob;
      readonly name: string;
    };

export type TrainFromWorker =
  | {
      readonly type: 'train/status';
      readonly runId: number;
      readonly status: TrainStatus;
      readonly model: ModelSummary | null;
      readonly message: string | null;
    }
  | ({
      readonly type: 'train/progress';
      readonly runId: number;
      /** Only the points since the last progress message. */
      readonly points: readonly LossPoint[];
    } & TrainProgressStats)
  /** The whole loss history, once, after a restore from IndexedDB or a file. */
  | {
      readonly type: 'train/history';
      readonly runId: number;
      readonly points: readonly LossPoint[];
    }
  | {
      readonly type: 'train/preview';
      readonly runId: number;
      readonly step: number;
      readonly frame: GrayFrame;
      readonly columns: number;
      readonly labels: readonly number[];
    }
  /** The quality meter's figures at a step of the run (settings.qualityEvery). */
  | {
      readonly type: 'train/quality';
      readonly runId: number;
      readonly point: TrainQualityPoint;
    }
  /** Right after a restored history: the run's other charts and its last preview grid. */
  | { readonly type: 'train/charts'; readonly runId: number; readonly charts: RunCharts }
  | {
      readonly type: 'model/file';
      readonly requestId: number;
      readonly bytes: Uint8Array;
      readonly name: string;
    }
  | { readonly type: 'model/loaded'; readonly requestId: number };

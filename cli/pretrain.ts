/**
 * `pretrain`: the app's default model, reproducibly. Trains fixed settings in a work directory
 * (resumable: the `train` command), publishes only the EMA weights to OUT/model.dpmodel (what the
 * app samples from; ~1.4 MB instead of ~5.5 MB with the optimizer state), then scores it with
 * `eval` and writes the model card OUT/card.json that the app shows.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeCheckpoint, type Checkpoint } from '../src/ml/checkpoint';
import { countParams } from '../src/ml/unet/layout';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings } from '../src/shared/train-protocol';
import type { ModelEvaluation, ModelCard as PublishedCard } from '../src/shared/model-card';
import type { NodeBackendName } from '../src/node/backends';
import { CARD_FILE, MODEL_FILE, log, presetConfig, readModel, type Meta } from './common';
import { DEFAULT_CLASSIFIER, evalCommand } from './metrics';
import { train, type ModelCard as TrainCard } from './train';

/** The shipped model's recipe. Changing it changes public/models/default. */
export const PRETRAIN_SETTINGS: TrainSettings = {
  ...DEFAULT_TRAIN_SETTINGS,
  preset: 'tiny',
  prediction: 'epsilon',
  schedule: { kind: 'linear', T: 1000 },
  batchSize: 16,
  learningRate: 2e-3,
  warmupSteps: 100,
  totalSteps: 11000,
  clipNorm: 1,
  emaDecay: 0.995,
  lossWeighting: 'none',
  seed: 1,
};

/**
 * Where the recipe restarts its learning-rate schedule: it first trains to 5,000 steps with one
 * warmup + cosine cycle, then continues to `totalSteps` with the cosine stretched over all of them
 * (a warm restart). That is how the shipped model was made (the first 5,000 steps were the whole
 * recipe once and scored only 40% class accuracy), so a fresh run repeats it step for step.
 */
export const PRETRAIN_RESTARTS: readonly number[] = [5000];

/**
 * How the card's quality figures are measured: the bar (DDIM-50, guidance 2) with the
 * Sample tab's defaults first, then the same with x̂0 clipping, then guidance 1 — clipping is what
 * ruins guided samples of this model (README).
 */
export const PRETRAIN_EVAL = { n: 500, steps: 50, seed: 1 } as const;
export const PRETRAIN_EVAL_SETTINGS: readonly { guidance: number; clip: boolean }[] = [
  { guidance: 2, clip: false },
  { guidance: 2, clip: true },
  { guidance: 1, clip: true },
];

export interface PretrainArgs {
  readonly work: string;
  readonly out: string;
  /** Overrides the recipe's step count (a quick try; the shipped model uses the recipe). */
  readonly steps: number | undefined;
  readonly evalN: number;
  readonly backend: NodeBackendName | undefined;
}

/** The checkpoint with only its "ema/" tensors: all that sampling needs. */
export function emaOnly(ckpt: Checkpoint<Meta>): Checkpoint<Meta> {
  const tensors = new Map([...ckpt.tensors].filter(([name]) => name.startsWith('ema/')));
  if (tensors.size === 0) throw new Error('the trained model holds no EMA weights');
  return { config: ckpt.config, tensors };
}

function writeAtomic(file: string, data: string | Uint8Array): void {
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
}

export async function pretrain(args: PretrainArgs): Promise<PublishedCard> {
  const settings: TrainSettings = {
    ...PRETRAIN_SETTINGS,
    totalSteps: args.steps ?? PRETRAIN_SETTINGS.totalSteps,
  };
  // Everything that shapes the model must match a run being resumed.
  const explicit = new Set<keyof TrainSettings>([
    'preset',
    'prediction',
    'schedule',
    'batchSize',
    'learningRate',
    'warmupSteps',
    'clipNorm',
    'emaDecay',
    'seed',
  ]);
  // --steps trains one cycle to that step (a quick try); the recipe runs its cycles in order,
  // leaving out those the work directory has already passed (the last one always runs: it
  // returns the training card, or just reports the model is there).
  const workModel = join(resolve(args.work), MODEL_FILE);
  const reached = existsSync(workModel) ? readModel(workModel).ckpt.config.step : 0;
  const ends =
    args.steps === undefined
      ? [
          ...PRETRAIN_RESTARTS.filter((s) => s < settings.totalSteps && s > reached),
          settings.totalSteps,
        ]
      : [settings.totalSteps];
  let trained: TrainCard | undefined;
  for (const end of ends) {
    trained = await train({
      settings: { ...settings, totalSteps: end },
      explicit,
      backend: args.backend,
      out: args.work,
      saveEvery: 250,
    });
  }
  if (!trained) throw new Error('pretrain: no training cycle to run');

  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });
  const modelFile = join(out, MODEL_FILE);
  const { ckpt } = readModel(workModel);
  writeAtomic(modelFile, encodeCheckpoint(emaOnly(ckpt)));
  log(`wrote ${modelFile} (EMA weights only, ${statSync(modelFile).size} bytes)`);

  const evaluations: ModelEvaluation[] = [];
  for (const { guidance, clip } of PRETRAIN_EVAL_SETTINGS) {
    const { report, classifier, wallTimeS } = await evalCommand({
      model: modelFile,
      classifier: DEFAULT_CLASSIFIER,
      n: args.evalN,
      sampler: 'ddim',
      steps: PRETRAIN_EVAL.steps,
      label: 'each',
      guidance,
      seed: PRETRAIN_EVAL.seed,
      clip,
      backend: args.backend,
    });
    evaluations.push({
      sampler: `DDIM-${PRETRAIN_EVAL.steps} (trailing, η = 0)`,
      guidance,
      clip,
      samples: report.samples,
      seed: PRETRAIN_EVAL.seed,
      classAccuracy: report.classAccuracy ?? null,
      kid: report.kid,
      kidRealFloor: report.kidRealFloor,
      meanConfidence: report.meanConfidence,
      memorisation: report.memorisation,
      classifierHeldOutAccuracy: classifier.heldOutAccuracy,
      wallTimeS,
    });
  }
  const [evaluation, ...otherEvaluations] = evaluations;
  if (!evaluation) throw new Error('pretrain: no evaluation');
  const card: PublishedCard = {
    name: 'Pretrained default',
    preset: settings.preset,
    parameters: countParams(presetConfig(settings)),
    prediction: settings.prediction,
    schedule: settings.schedule,
    steps: ckpt.config.step,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    seed: settings.seed,
    backend: trained.backend,
    trainWallTimeS: trained.wallTimeS,
    finalLoss: trained.finalLoss,
    fileBytes: statSync(modelFile).size,
    evaluation,
    otherEvaluations,
    command: 'npm run pretrain',
    createdAt: new Date().toISOString(),
  };
  writeAtomic(join(out, CARD_FILE), `${JSON.stringify(card, null, 2)}\n`);
  log(
    `wrote ${join(out, CARD_FILE)}: class accuracy ` +
      `${card.evaluation.classAccuracy === null ? '–' : (card.evaluation.classAccuracy * 100).toFixed(1)}%, ` +
      `KID ${evaluation.kid.toFixed(4)} (real floor ${evaluation.kidRealFloor.toFixed(4)})`,
  );
  return card;
}

/** Reads a card written by pretrain (used by tests and tools). */
export function readCard(dir: string): PublishedCard {
  return JSON.parse(readFileSync(join(resolve(dir), CARD_FILE), 'utf8')) as PublishedCard;
}

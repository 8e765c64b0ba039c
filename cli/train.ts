/**
 * `train`: the app's training loop (src/worker/train-job.ts) in a terminal. Writes DIR/model.dpmodel
 * (the whole trainer state, the TrainSettings and the loss history, as the app exports it) every
 * --save-every steps and at the end, and DIR/card.json; resumes when DIR/model.dpmodel exists.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { encodeCheckpoint, type Checkpoint } from '../src/ml/checkpoint';
import { splitIndices, type MnistSet } from '../src/ml/mnist';
import { trainOnNextBatch } from '../src/ml/train/from-settings';
import { restoreTrainer, snapshotTrainer } from '../src/ml/train/snapshot';
import type { Trainer } from '../src/ml/train/step';
import type { NodeBackendName } from '../src/node/backends';
import { MNIST_NAME } from '../src/shared/dataset-protocol';
import { DEFAULT_MEMORY_LIMIT_MB, type TrainSettings } from '../src/shared/train-protocol';
import {
  CARD_FILE,
  CliError,
  MODEL_FILE,
  buildTrainer,
  chooseBackend,
  describeBackend,
  loadMnist,
  log,
  presetConfig,
  readModel,
  type Meta,
} from './common';
import type { CliDataSet } from './data';

/** Settings the user can pass; `explicit` names those given on the command line. */
export interface TrainArgs {
  readonly settings: TrainSettings;
  readonly explicit: ReadonlySet<keyof TrainSettings>;
  readonly backend: NodeBackendName | undefined;
  readonly out: string;
  readonly saveEvery: number;
  /** --data: the learner's own images; null: the shipped MNIST digits. */
  readonly data?: CliDataSet | null;
}

export interface ModelCard {
  readonly preset: string;
  readonly seed: number;
  readonly steps: number;
  readonly backend: string;
  /** Training time over all runs of this directory (resumes add up). */
  readonly wallTimeS: number;
  readonly finalLoss: number | null;
  readonly settings: TrainSettings;
  readonly savedAt: string;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Settings for a resumed run: those saved in the model, with --steps (the total to reach) from
 * the command line. Any other option given explicitly must agree with the saved model.
 */
export function resumeSettings(
  saved: TrainSettings,
  wanted: TrainSettings,
  explicit: ReadonlySet<keyof TrainSettings>,
  path: string,
): TrainSettings {
  const clashes: string[] = [];
  for (const key of explicit) {
    if (key === 'totalSteps' || key === 'memoryLimitMB') continue;
    if (!same(saved[key], wanted[key]))
      clashes.push(
        `${key}: saved ${JSON.stringify(saved[key])}, asked ${JSON.stringify(wanted[key])}`,
      );
  }
  if (clashes.length > 0) {
    throw new CliError(
      `${path} was trained with other settings, so it cannot be resumed with these:\n  ` +
        `${clashes.join('\n  ')}\n` +
        'Leave those options out to continue it, or choose another --out directory for a new model.',
    );
  }
  // How far to train and how much memory to use may change between runs; the rest may not.
  return {
    ...saved,
    totalSteps: wanted.totalSteps,
    memoryLimitMB: wanted.memoryLimitMB ?? DEFAULT_MEMORY_LIMIT_MB,
  };
}

/** The training time of earlier runs of this directory (0 without a readable card). */
function previousWallTime(cardFile: string): number {
  try {
    const card = JSON.parse(readFileSync(cardFile, 'utf8')) as Partial<ModelCard>;
    return typeof card.wallTimeS === 'number' && card.wallTimeS >= 0 ? card.wallTimeS : 0;
  } catch {
    return 0;
  }
}

export async function train(args: TrainArgs): Promise<ModelCard> {
  const out = resolve(args.out);
  const modelFile = join(out, MODEL_FILE);
  // Read (and check) an existing model before the backend starts: errors come fast.
  const existing = existsSync(modelFile) ? readModel(modelFile) : null;
  // A model records the data set it learns from (absent: the shipped digits), as in the app.
  const { dataset: _dataset, ...wanted } = args.settings;
  let settings: TrainSettings = args.data ? { ...wanted, dataset: args.data.name } : wanted;
  if (existing) {
    settings = resumeSettings(existing.meta.settings, settings, args.explicit, modelFile);
    const trainedOn = settings.dataset ?? MNIST_NAME;
    const given = args.data?.name ?? MNIST_NAME;
    if (trainedOn !== given) {
      throw new CliError(
        `${modelFile} was trained on “${trainedOn}”, not “${given}”: pass the same --data to continue it, or choose another --out directory for a new model.`,
      );
    }
  }
  if (args.data)
    log(`data: ${args.data.name}, ${args.data.data.set.count} images; ${args.data.note}`);
  presetConfig(settings);

  const backend = await chooseBackend(args.backend);
  const trainer = buildTrainer(settings, backend.backend);
  let history: { step: number; loss: number }[] = [];
  if (existing) {
    try {
      const ckpt: Checkpoint<Meta> = {
        ...existing.ckpt,
        config: { ...existing.ckpt.config, settings },
      };
      restoreTrainer(trainer, presetConfig(settings), ckpt, modelFile);
    } catch (error) {
      trainer.dispose();
      throw new CliError(error instanceof Error ? error.message : String(error));
    }
    const h = existing.meta.history;
    history = h.steps.map((step, i) => ({ step, loss: h.losses[i] ?? NaN }));
  }
  const startStep = trainer.optimizer.step;
  log(
    `${existing ? `resuming ${modelFile} at step ${startStep}` : `new ${settings.preset} model`}` +
      ` → ${settings.totalSteps} steps, batch ${settings.batchSize}, lr ${settings.learningRate},` +
      ` ${settings.schedule.kind} T=${settings.schedule.T}${settings.schedule.zeroTerminalSnr ? ' (zero terminal SNR)' : ''}, ${settings.prediction}, seed ${settings.seed}` +
      ` on ${describeBackend(backend)}`,
  );
  mkdirSync(out, { recursive: true });

  // Earlier runs' training time, read before this run rewrites the card.
  const earlierS = existing ? previousWallTime(join(out, CARD_FILE)) : 0;
  const started = performance.now();
  const makeCard = (): ModelCard => {
    const last = history[history.length - 1];
    return {
      preset: settings.preset,
      seed: settings.seed,
      steps: trainer.optimizer.step,
      backend: describeBackend(backend),
      wallTimeS: Math.round((earlierS + (performance.now() - started) / 1000) * 1000) / 1000,
      finalLoss: last ? last.loss : null,
      settings,
      savedAt: new Date().toISOString(),
    };
  };

  // Model, then its card (so an interrupted run keeps the time it trained).
  let card: ModelCard | undefined;
  const save = async (): Promise<void> => {
    card = makeCard();
    const ckpt = await snapshotTrainer<TrainSettings>(trainer, {
      settings,
      history: { steps: history.map((p) => p.step), losses: history.map((p) => p.loss) },
      backend: backend.backend,
      savedAt: new Date().toISOString(),
    });
    // Write then rename, so an interrupted save never leaves a half file behind.
    for (const [file, data] of [
      [modelFile, encodeCheckpoint(ckpt)],
      [join(out, CARD_FILE), `${JSON.stringify(card, null, 2)}\n`],
    ] as const) {
      writeFileSync(`${file}.tmp`, data);
      renameSync(`${file}.tmp`, file);
    }
  };

  try {
    await loop(trainer, settings, history, args.saveEvery, save, args.data?.data.set ?? null);
  } finally {
    trainer.dispose();
  }
  const wallTimeS = (performance.now() - started) / 1000;
  if (!card) throw new Error('train: the model was never saved');
  const last = history[history.length - 1];
  const ran = Math.max(0, card.steps - startStep);
  log(
    `wrote ${modelFile} and ${join(out, CARD_FILE)}: ${ran} steps in ${wallTimeS.toFixed(1)} s` +
      (ran > 0 ? ` (${(ran / wallTimeS).toFixed(2)} steps/s)` : '') +
      (last ? `, final loss ${last.loss.toFixed(4)}` : ''),
  );
  return card;
}

async function loop(
  trainer: Trainer,
  settings: TrainSettings,
  history: { step: number; loss: number }[],
  saveEvery: number,
  save: () => Promise<void>,
  data: MnistSet | null,
): Promise<void> {
  const startStep = trainer.optimizer.step;
  if (startStep >= settings.totalSteps) {
    log(`the model is already at step ${startStep} (≥ --steps ${settings.totalSteps})`);
    await save();
    return;
  }
  const set = data ?? (await loadMnist());
  const { train: trainIds } = splitIndices(set);
  const bar = new cliProgress.SingleBar(
    {
      format:
        'train |{bar}| {value}/{total} | loss {loss} | {sps} steps/s | ETA {eta_formatted} | {elapsed}s',
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 20,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(settings.totalSteps, startStep, { loss: '-', sps: '-', elapsed: 0 });
  const times: number[] = [];
  const t0 = performance.now();
  try {
    while (trainer.optimizer.step < settings.totalSteps) {
      // The same batches as the app.
      const result = await trainOnNextBatch(trainer, set, trainIds, settings);
      if (result.nonFinite) {
        throw new CliError(
          `the loss became NaN or infinite at step ${result.step + 1}: training stopped; ` +
            'the last saved model was kept. Try a lower learning rate.',
        );
      }
      history.push({ step: result.step, loss: result.loss });
      const now = performance.now();
      times.push(now);
      if (times.length > 30) times.shift();
      const span = times.length > 1 ? (times[times.length - 1]! - times[0]!) / 1000 : 0;
      const sps =
        span > 0 ? (times.length - 1) / span : (result.step - startStep) / ((now - t0) / 1000);
      bar.update(result.step, {
        loss: result.loss.toFixed(4),
        sps: sps.toFixed(2),
        elapsed: ((now - t0) / 1000).toFixed(0),
      });
      if (saveEvery > 0 && result.step % saveEvery === 0 && result.step < settings.totalSteps)
        await save();
    }
  } finally {
    bar.stop();
  }
  await save();
}

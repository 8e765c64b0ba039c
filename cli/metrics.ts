/**
 * `train-classifier` and `eval`: the MNIST classifier of src/ml/metrics and the quality report
 * (KID against the held-out digits with its real-vs-real floor, class accuracy, confidence,
 * memorisation) of digits sampled from a model's EMA weights.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import {
  accuracy,
  disposeClassifier,
  loadClassifier,
  saveClassifier,
  trainClassifier,
} from '../src/ml/metrics/classifier';
import { qualityReport, type QualityReport } from '../src/ml/metrics/quality';
import { batchFrom, splitIndices, type MnistSet } from '../src/ml/mnist';
import type { SamplerName } from '../src/ml/prediction';
import { NO_LABEL, sampleAll, samplerOf } from '../src/ml/sample';
import { scheduleOf } from '../src/ml/schedule';
import { unetForward } from '../src/ml/unet/model';
import { disposeParams, initParams, loadParams } from '../src/ml/unet/params';
import type { NodeBackendName } from '../src/node/backends';
import {
  CliError,
  ROOT,
  chooseBackend,
  describeBackend,
  loadMnist,
  log,
  modelPath,
  presetConfig,
  readModel,
  type Meta,
} from './common';
import { pickSampler } from './sampler-option';

/** Where train-classifier writes and eval reads the classifier unless told otherwise. */
export const DEFAULT_CLASSIFIER = join(
  ROOT,
  'public',
  'models',
  'classifier',
  'classifier.dpmodel',
);

function digits(set: MnistSet, ids: readonly number[]): { x: Float32Array; labels: Int32Array } {
  const b = batchFrom(set, ids);
  return { x: b.x0, labels: b.labels };
}

export interface TrainClassifierArgs {
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly seed: number;
  readonly out: string;
  readonly backend: NodeBackendName | undefined;
}

export async function trainClassifierCommand(args: TrainClassifierArgs): Promise<object> {
  const backend = await chooseBackend(args.backend);
  const set = await loadMnist();
  const { train, heldOut } = splitIndices(set);
  log(
    `training the MNIST classifier: ${args.steps} steps, batch ${args.batch}, lr ${args.lr}, ` +
      `seed ${args.seed} on ${describeBackend(backend)}`,
  );
  const bar = new cliProgress.SingleBar(
    {
      format: 'classifier |{bar}| {value}/{total} | loss {loss} | ETA {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(args.steps, 0, { loss: '-' });
  const started = performance.now();
  let params;
  try {
    params = await trainClassifier({
      set: digits(set, train),
      steps: args.steps,
      batch: args.batch,
      lr: args.lr,
      seed: args.seed,
      progressEvery: 10,
      onProgress: (step, loss) => bar.update(step, { loss: loss.toFixed(4) }),
    });
  } finally {
    bar.stop();
  }
  try {
    const held = digits(set, heldOut);
    const heldOutAccuracy = await accuracy(params, held.x, held.labels);
    const bytes = await saveClassifier(params, {
      heldOutAccuracy,
      steps: args.steps,
      seed: args.seed,
    });
    const file = resolve(args.out);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, bytes);
    renameSync(`${file}.tmp`, file);
    const wallTimeS = (performance.now() - started) / 1000;
    log(`wrote ${file}: held-out accuracy ${(heldOutAccuracy * 100).toFixed(2)}%`);
    return {
      file,
      heldOutAccuracy,
      steps: args.steps,
      seed: args.seed,
      backend: describeBackend(backend),
      wallTimeS: Math.round(wallTimeS * 1000) / 1000,
    };
  } finally {
    disposeClassifier(params);
  }
}

export interface EvalArgs {
  readonly model: string;
  readonly classifier: string;
  readonly n: number;
  /** Absent: the model's deterministic sampler (DDIM, or Euler for flow matching). */
  readonly sampler?: SamplerName;
  readonly steps: number;
  /** null: class-conditional, digits 0–9 in turn (class accuracy is reported); else that class. */
  readonly label: number | null | 'each';
  readonly guidance: number;
  readonly seed: number;
  /** Clip x̂0 to [−1, 1] at each step (default false, as in the app). */
  readonly clip?: boolean;
  readonly backend: NodeBackendName | undefined;
}

export interface EvalResult {
  readonly model: string;
  readonly step: number;
  readonly settings: Meta['settings'];
  readonly classifier: { readonly file: string; readonly heldOutAccuracy: number };
  readonly sampling: object;
  readonly backend: string;
  readonly sampleWallTimeS: number;
  readonly wallTimeS: number;
  readonly report: QualityReport;
}

/** Samples per sampling run in `eval`: bounded memory at any --n. */
export const EVAL_CHUNK = 100;

export async function evalCommand(args: EvalArgs): Promise<EvalResult> {
  const path = modelPath(args.model);
  const { ckpt, meta } = readModel(path);
  const classifierFile = resolve(args.classifier);
  if (!existsSync(classifierFile)) {
    throw new CliError(
      `no classifier at ${classifierFile}: train one first with \`train-classifier --out ${args.classifier}\``,
    );
  }
  const settings = meta.settings;
  const config = presetConfig(settings);
  const schedule = scheduleOf(settings.schedule);
  if (args.steps > schedule.T)
    throw new CliError(`this model has T = ${schedule.T}: use at most ${schedule.T} --steps`);
  const kind = pickSampler(settings.prediction, args.sampler);
  const ema = new Map<string, Float32Array>();
  for (const [name, t] of ckpt.tensors)
    if (name.startsWith('ema/')) ema.set(name.slice('ema/'.length), t.values);
  if (ema.size === 0) throw new CliError(`${path} holds no EMA weights`);

  const backend = await chooseBackend(args.backend);
  let classifier;
  try {
    classifier = loadClassifier(new Uint8Array(readFileSync(classifierFile)), classifierFile);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  const params = initParams(config, settings.seed);
  try {
    loadParams(params, config, ema);
    const labels =
      args.label === 'each'
        ? Int32Array.from({ length: args.n }, (_, i) => i % 10)
        : new Int32Array(args.n).fill(args.label ?? NO_LABEL);
    log(
      `evaluating ${path} (step ${meta.step}): ${args.n} samples, ${kind} ${args.steps} ` +
        `steps, guidance ${args.guidance}${args.clip ? ', x̂0 clipped' : ''} on ${describeBackend(backend)}`,
    );
    const started = performance.now();
    const generated = await sampleAll(
      (xt, t, l) => unetForward(params, config, xt, t, l),
      schedule,
      {
        sampler: samplerOf(kind, args.steps, {
          spacing: 'trailing',
          eta: 0,
          variance: 'fixed-small',
        }),
        prediction: settings.prediction,
        clip: args.clip ?? false,
        labels,
        guidance: args.guidance,
        seed: args.seed,
        size: 28,
      },
      EVAL_CHUNK,
    );
    const sampleS = (performance.now() - started) / 1000;
    const set = await loadMnist();
    const { train, heldOut } = splitIndices(set);
    const report: QualityReport = await qualityReport({
      classifier: classifier.params,
      generated,
      ...(args.label === null ? {} : { requestedLabels: labels }),
      realHeldOut: digits(set, heldOut).x,
      trainSet: digits(set, train).x,
      seed: args.seed,
    });
    return {
      model: path,
      step: meta.step,
      settings,
      classifier: { file: classifierFile, heldOutAccuracy: classifier.config.heldOutAccuracy },
      sampling: {
        sampler: kind,
        steps: args.steps,
        n: args.n,
        label: args.label === null ? 'any' : args.label,
        guidance: args.guidance,
        seed: args.seed,
        clip: args.clip ?? false,
      },
      backend: describeBackend(backend),
      sampleWallTimeS: Math.round(sampleS * 1000) / 1000,
      wallTimeS: Math.round(performance.now() - started) / 1000,
      report,
    };
  } finally {
    disposeParams(params);
    disposeClassifier(classifier.params);
  }
}

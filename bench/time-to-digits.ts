/**
 * Time to digits: trains a new model from scratch with a recipe (the app's default unless
 * overridden) and, every K seconds of training, scores class-conditional samples (DDIM-20
 * trailing, guidance 2, from the EMA weights, as the quality meter draws them) with the shipped
 * classifier. The clock stops while scoring, so the figure is training time alone: what a user
 * waits for once the quality meter is off. Each checkpoint also records the update count, so runs
 * on a busy machine still compare by steps, and the 1-minute load average.
 *
 * `scoreSampleFiles` judges the PyTorch twin's samples (bench/torch/time_to_digits.py) with the
 * same classifier, so both sides are scored identically.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT, loadMnist } from '../cli/common';
import { argmaxRows, classify, loadClassifier, PIXELS } from '../src/ml/metrics/classifier';
import type { ClassifierParams } from '../src/ml/metrics/classifier';
import { splitIndices } from '../src/ml/mnist';
import { deterministicSamplerOf, sampleAll } from '../src/ml/sample';
import { trainOnNextBatch, trainerFromSettings } from '../src/ml/train/from-settings';
import { countParams } from '../src/ml/unet/layout';
import { unetForward } from '../src/ml/unet/model';
import type { TrainSettings } from '../src/shared/train-protocol';

export const CLASSIFIER_FILE = join(ROOT, 'public', 'models', 'classifier', 'classifier.dpmodel');
export const TTD_SAMPLES = 100;
export const TTD_DDIM_STEPS = 20;
export const TTD_GUIDANCE = 2;
/** The quality meter's noise seed (src/worker/quality-job.ts). */
const SAMPLE_SEED = 10_000;
export const TARGETS = [0.5, 0.8, 0.9] as const;

export interface TtdPoint {
  /** Training wall time so far, seconds (scoring excluded). */
  readonly trainS: number;
  readonly steps: number;
  readonly accuracy: number;
  /** Samples the classifier put in each class 0–9. */
  readonly predicted?: readonly number[];
  /** Mean training loss over the steps since the previous point. */
  readonly loss: number;
  readonly scoreS: number;
  readonly load1: number;
}

export interface TtdRun {
  readonly label: string;
  readonly backend: string;
  readonly settings: TrainSettings;
  readonly params: number;
  readonly points: TtdPoint[];
  /** Training steps per second over the whole run. */
  readonly stepsPerSec: number;
  /** First checkpoint at or above each target: training seconds (null: not reached). */
  readonly timeTo: Readonly<Record<string, number | null>>;
  readonly stepsTo: Readonly<Record<string, number | null>>;
  readonly note?: string;
}

export interface TtdOptions {
  readonly backend: string;
  readonly settings: TrainSettings;
  /** Training seconds to run for (the run also ends at settings.totalSteps). */
  readonly seconds: number;
  /** Score every this many training seconds. */
  readonly every: number;
  /**
   * Score at these update counts instead of every K seconds, ending at the last one: a sweep on a
   * busy machine compares recipes at equal steps and converts with steps/s measured apart.
   */
  readonly atSteps?: readonly number[];
  readonly samples?: number;
  readonly classifierFile?: string;
  readonly label?: string;
  readonly log: (line: string) => void;
}

export function loadScoringClassifier(file = CLASSIFIER_FILE): ClassifierParams {
  return loadClassifier(new Uint8Array(readFileSync(file)), file).params;
}

/** Labels 0–9 in turn, as the quality meter asks for them. */
export function ttdLabels(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i % 10);
}

/**
 * Share of [n·784] digits in [−1, 1] that the classifier reads as their requested label, and how
 * many it puts in each class (a model that draws one blob for every label shows up there).
 */
export async function classAccuracy(
  classifier: ClassifierParams,
  digits: Float32Array,
  labels: Int32Array,
): Promise<{ accuracy: number; predicted: number[] }> {
  const classes = argmaxRows((await classify(classifier, digits)).probs);
  const predicted = new Array<number>(10).fill(0);
  let right = 0;
  classes.forEach((p, i) => {
    right += p === labels[i] ? 1 : 0;
    predicted[p] = (predicted[p] ?? 0) + 1;
  });
  return { accuracy: right / labels.length, predicted };
}

function reached(points: readonly TtdPoint[], key: 'trainS' | 'steps') {
  const out: Record<string, number | null> = {};
  for (const target of TARGETS) {
    out[pct(target)] = points.find((p) => p.accuracy >= target)?.[key] ?? null;
  }
  return out;
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const load1 = (): number => loadavg()[0] ?? NaN;

export function summarise(
  label: string,
  backend: string,
  settings: TrainSettings,
  params: number,
  points: TtdPoint[],
  note?: string,
): TtdRun {
  const last = points[points.length - 1];
  return {
    label,
    backend,
    settings,
    params,
    points,
    stepsPerSec: last && last.trainS > 0 ? last.steps / last.trainS : NaN,
    timeTo: reached(points, 'trainS'),
    stepsTo: reached(points, 'steps'),
    ...(note === undefined ? {} : { note }),
  };
}

export async function runTimeToDigits(opts: TtdOptions): Promise<TtdRun> {
  const { settings, log } = opts;
  const samples = opts.samples ?? TTD_SAMPLES;
  const label = opts.label ?? 'tfjs';
  const classifier = loadScoringClassifier(opts.classifierFile);
  const set = await loadMnist();
  const { train } = splitIndices(set);
  const trainer = trainerFromSettings(settings, opts.backend);
  const config = trainer.options.config;
  const labels = ttdLabels(samples);
  const points: TtdPoint[] = [];
  let trainMs = 0;
  let lossSum = 0;
  let lossCount = 0;
  log(
    `time-to-digits ${label} on ${opts.backend}: ${JSON.stringify(settings)}, ` +
      `${countParams(config)} params, ${opts.seconds} s scored every ${opts.every} s, load ${load1().toFixed(2)}`,
  );
  try {
    let next = opts.every;
    const atSteps = opts.atSteps ? [...opts.atSteps].sort((a, b) => a - b) : null;
    for (;;) {
      const step = trainer.optimizer.step;
      const done =
        step >= settings.totalSteps ||
        (atSteps ? step >= (atSteps[atSteps.length - 1] ?? 0) : trainMs / 1000 >= opts.seconds);
      const due = atSteps ? atSteps.includes(step) : trainMs / 1000 >= next;
      if (due || done) {
        const t0 = performance.now();
        const ema = trainer.ema.params();
        const generated = await sampleAll(
          (xt, t, l) => unetForward(ema, config, xt, t, l),
          trainer.options.schedule,
          {
            // DDIM-20, or Euler-20 for a flow-matching model (the quality meter's choice too).
            sampler: deterministicSamplerOf(settings.prediction, TTD_DDIM_STEPS),
            prediction: settings.prediction,
            clip: false,
            labels,
            guidance: TTD_GUIDANCE,
            seed: SAMPLE_SEED,
            size: 28,
          },
          50,
        );
        const { accuracy, predicted } = await classAccuracy(classifier, generated, labels);
        const point: TtdPoint = {
          trainS: trainMs / 1000,
          steps: trainer.optimizer.step,
          accuracy,
          predicted,
          loss: lossCount > 0 ? lossSum / lossCount : NaN,
          scoreS: (performance.now() - t0) / 1000,
          load1: load1(),
        };
        points.push(point);
        lossSum = 0;
        lossCount = 0;
        log(
          `  ${label} ${point.trainS.toFixed(0).padStart(4)} s  step ${String(point.steps).padStart(5)}  ` +
            `acc ${pct(accuracy).padStart(4)}  loss ${point.loss.toFixed(4)}  ` +
            `(scored in ${point.scoreS.toFixed(1)} s, load ${point.load1.toFixed(2)}) ` +
            `read as 0–9: ${predicted.join(' ')}`,
        );
        next = Math.max(next + opts.every, Math.ceil(trainMs / 1000 / opts.every) * opts.every);
        if (done) break;
      }
      const t0 = performance.now();
      const r = await trainOnNextBatch(trainer, set, train, settings);
      trainMs += performance.now() - t0;
      if (r.nonFinite) {
        return summarise(label, opts.backend, settings, countParams(config), points, 'NaN loss');
      }
      lossSum += r.loss;
      lossCount += 1;
    }
  } finally {
    trainer.dispose();
    for (const p of classifier.values()) p.dispose();
  }
  return summarise(label, opts.backend, settings, countParams(config), points);
}

/** The twin's manifest: one entry per checkpoint, its samples in a raw float32 file. */
export interface TwinManifest {
  readonly torch: string;
  readonly threads: number;
  readonly params: number;
  readonly settings: TrainSettings;
  readonly points: readonly {
    readonly trainS: number;
    readonly steps: number;
    readonly loss: number;
    readonly file: string;
    readonly load1: number;
  }[];
}

export async function scoreTwin(dir: string, classifierFile?: string): Promise<TtdRun> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as TwinManifest;
  const classifier = loadScoringClassifier(classifierFile);
  const points: TtdPoint[] = [];
  try {
    for (const p of manifest.points) {
      const bytes = readFileSync(join(dir, p.file));
      const digits = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      const labels = ttdLabels(digits.length / PIXELS);
      const { accuracy, predicted } = await classAccuracy(classifier, digits, labels);
      points.push({
        trainS: p.trainS,
        steps: p.steps,
        accuracy,
        predicted,
        loss: p.loss,
        scoreS: 0,
        load1: p.load1,
      });
    }
  } finally {
    for (const p of classifier.values()) p.dispose();
  }
  return summarise(
    `PyTorch ${manifest.torch}`,
    `cpu, ${manifest.threads} thread${manifest.threads === 1 ? '' : 's'}`,
    manifest.settings,
    manifest.params,
    points,
  );
}

/** Accuracy at `steps`, interpolated linearly between checkpoints (null outside them). */
export function accuracyAtSteps(run: TtdRun, steps: number): number | null {
  const pts = run.points;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1];
    const b = pts[i];
    if (!a || !b) continue;
    if (steps >= a.steps && steps <= b.steps) {
      const f = b.steps === a.steps ? 1 : (steps - a.steps) / (b.steps - a.steps);
      return a.accuracy + f * (b.accuracy - a.accuracy);
    }
  }
  return null;
}

export function formatTtdTable(run: TtdRun): string {
  const s = run.settings;
  const lines = [
    `${run.label} on ${run.backend}: ${s.preset} (${run.params} params), batch ${s.batchSize}, ` +
      `lr ${s.learningRate} (warmup ${s.warmupSteps}, cosine to ${s.totalSteps}), ` +
      `${s.schedule.kind} T=${s.schedule.T}, ${s.prediction}` +
      `${s.lossWeighting && s.lossWeighting !== 'none' ? `, ${s.lossWeighting} γ=${s.snrGamma ?? 5}` : ''}, ` +
      `EMA ${s.emaDecay}; ${run.stepsPerSec.toFixed(2)} steps/s` +
      (run.note ? ` — ${run.note}` : ''),
    `  ${'train s'.padStart(8)}${'steps'.padStart(7)}${'acc'.padStart(6)}${'loss'.padStart(9)}${'load'.padStart(6)}`,
  ];
  for (const p of run.points) {
    lines.push(
      `  ${p.trainS.toFixed(0).padStart(8)}${String(p.steps).padStart(7)}${pct(p.accuracy).padStart(6)}` +
        `${(Number.isFinite(p.loss) ? p.loss.toFixed(4) : '-').padStart(9)}${p.load1.toFixed(2).padStart(6)}`,
    );
  }
  const to = TARGETS.map((t) => {
    const secs = run.timeTo[pct(t)];
    const steps = run.stepsTo[pct(t)];
    return `${pct(t)}: ${secs == null ? 'not reached' : `${secs.toFixed(0)} s (${steps} steps)`}`;
  });
  lines.push(`  time to ${to.join(', ')}`);
  return lines.join('\n');
}

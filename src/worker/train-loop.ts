/**
 * The training loop: one step at a time, yielding to the worker's messages between steps (a
 * pause stops it within one step), with new loss points and progress figures posted twice a
 * second, preview grids, the quality meter, autosaves and in-memory snapshots between steps, and
 * a stop at the first NaN or infinite loss. The model it trains is the lifecycle's
 * (model-lifecycle.ts); what a run's end means is for the job (train-job.ts) to say.
 */
import * as tf from '@tensorflow/tfjs-core';
import { tileGrid } from '../ml/grid';
import { splitIndices, type MnistSet } from '../ml/mnist';
import { ReverseProcess, deterministicSamplerOf } from '../ml/sample';
import { trainOnNextBatch } from '../ml/train/from-settings';
import type { StepResult, Trainer } from '../ml/train/step';
import type { BackendName, FromWorker } from '../shared/protocol';
import type { QualityReport } from '../shared/quality-protocol';
import {
  TRAINING_QUALITY_SAMPLES,
  type LossPoint,
  type TrainProgressStats,
  type TrainQualityPoint,
  type TrainSettings,
} from '../shared/train-protocol';
import type { RunChartsRecorder } from './run-charts-recorder';
import type { SamplingModel } from './sample-job';
import { TrainMeter } from './train-meter';

type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** Injected faults (?fault=): they feed the real NaN guard and device-loss recovery. */
export interface FaultHooks {
  /** Whether update number `step` gets a NaN batch. */
  nanBatch(step: number): boolean;
  afterStep(step: number): void;
}

/** What the loop needs of the model: the lifecycle's, or a fake in tests. */
export interface LoopModel {
  readonly trainer: {
    readonly optimizer: { readonly step: number };
    readonly replay: Trainer['replay'];
  } | null;
  readonly settings: TrainSettings | null;
  readonly backend: BackendName;
  readonly charts: Pick<RunChartsRecorder, 'progress' | 'quality' | 'preview'>;
  record(point: LossPoint): void;
  samplingModel(): SamplingModel | null;
  saveDue(step: number): boolean;
  autosave(): Promise<void>;
  snapshotDue(elapsedMs: number): boolean;
  snapshot(elapsedMs: number): Promise<void>;
}

export interface LoopDeps {
  readonly post: Post;
  readonly model: LoopModel;
  /** The job's current run id: a run whose id is no longer current stops after its step. */
  readonly runId: () => number;
  /** The quality meter on the current model (loaded with the classifier on first use). */
  readonly scoreQuality: (count: number) => Promise<{ report: QualityReport; ms: number }>;
  readonly now?: () => number;
}

/** One update of the model, and what follows it (an injected device loss). */
export interface Stepper {
  step(): Promise<StepResult>;
  afterStep(step: number): void;
}

export type LoopEnd =
  | { readonly kind: 'finished' }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'non-finite'; readonly step: number };

const PROGRESS_INTERVAL_MS = 500;
const PREVIEW_STEPS = 20;
const PREVIEW_SEED = 1234;
const PREVIEW_LABELS = Int32Array.from({ length: 20 }, (_, i) => i % 10);

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Steps on the data set's training digits; an injected NaN fault gets a batch of NaN pixels. */
export function batchStepper(
  trainer: Trainer,
  set: MnistSet,
  settings: TrainSettings,
  faults: FaultHooks,
): Stepper {
  const { train } = splitIndices(set);
  const nanStep = async () => {
    const x0 = tf.fill([settings.batchSize, set.rows, set.cols, 1], NaN) as tf.Tensor4D;
    try {
      return await trainer.step(x0, new Int32Array(settings.batchSize));
    } finally {
      x0.dispose();
    }
  };
  return {
    step: () =>
      faults.nanBatch(trainer.optimizer.step + 1)
        ? nanStep()
        : trainOnNextBatch(trainer, set, train, settings),
    afterStep: (step) => faults.afterStep(step),
  };
}

export class TrainLoop {
  readonly meter = new TrainMeter();
  /** Loss points not yet sent: a progress message carries only these. */
  private unsent: LossPoint[] = [];
  private readonly now: () => number;

  constructor(private readonly deps: LoopDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  /** A new model: its metering starts again. */
  reset(): void {
    this.unsent = [];
    this.meter.reset();
  }

  /** Another model's history replaces the points not yet sent. */
  forgetUnsent(): void {
    this.unsent = [];
  }

  /** Trains until the run's total steps, a NaN, or until `runId` is no longer the current run. */
  async run(runId: number, stepper: Stepper): Promise<LoopEnd> {
    const { model } = this.deps;
    const trainer = model.trainer;
    const settings = model.settings;
    if (!trainer || !settings) throw new Error('There is no model to train.');
    const current = () => this.deps.runId() === runId;
    const meter = this.meter;
    let lastPost = this.now();
    meter.startRun(lastPost);
    while (current() && trainer.optimizer.step < settings.totalSteps) {
      const result = await stepper.step();
      if (result.nonFinite) {
        this.flush();
        return { kind: 'non-finite', step: result.step + 1 };
      }
      const now = this.now();
      meter.step(now, result, settings.schedule.T);
      const point = { step: result.step, loss: result.loss };
      model.record(point);
      this.unsent.push(point);
      if (now - lastPost > PROGRESS_INTERVAL_MS) {
        this.flush();
        lastPost = now;
      }
      // Previews, scoring and saving stop the training clock (meter.resumeAt).
      if (settings.previewEvery > 0 && result.step % settings.previewEvery === 0) {
        await this.preview(runId, current);
        meter.resumeAt(this.now());
      }
      if (meter.qualityDue(settings.qualityEvery, result.step)) {
        meter.qualityTook(await this.measureQuality(runId, result.step));
        meter.resumeAt(this.now());
      }
      if (model.saveDue(result.step)) {
        await model.autosave();
        meter.resumeAt(this.now());
      }
      if (model.snapshotDue(meter.elapsedMs)) {
        await model.snapshot(meter.elapsedMs);
        meter.resumeAt(this.now());
      }
      stepper.afterStep(result.step);
      await yieldToEvents();
    }
    if (!current()) return { kind: 'stopped' };
    this.flush();
    if (settings.previewEvery > 0) await this.preview(runId, current);
    await model.autosave();
    return { kind: 'finished' };
  }

  /** Posts the new loss points and the progress figures. */
  flush(): void {
    const { model } = this.deps;
    const trainer = model.trainer;
    const settings = model.settings;
    if (!trainer || !settings) return;
    const r = trainer.replay;
    const stats: TrainProgressStats = {
      ...this.meter.stats(trainer.optimizer.step, settings),
      replay:
        model.backend === 'webgpu'
          ? {
              replayed: r.replayed,
              encodeMs: r.encodeMs,
              gpuMs: r.gpuMs,
              programs: r.counts?.programs ?? null,
              copies: r.counts?.copies ?? null,
              failure: r.lastFailure,
            }
          : null,
    };
    model.charts.progress(stats);
    this.deps.post({
      type: 'train/progress',
      runId: this.deps.runId(),
      points: this.unsent,
      ...stats,
    });
    this.unsent = [];
  }

  /** A grid of 20 digits from the EMA weights, two of each class, always from the same noise. */
  private async preview(runId: number, current: () => boolean): Promise<void> {
    const model = this.deps.model.samplingModel();
    if (!model) return;
    const process = new ReverseProcess(model.denoise, model.schedule, {
      sampler: deterministicSamplerOf(model.prediction, Math.min(PREVIEW_STEPS, model.schedule.T)),
      prediction: model.prediction,
      clip: true,
      labels: PREVIEW_LABELS,
      guidance: 1,
      seed: PREVIEW_SEED,
      size: 28,
    });
    try {
      while (!process.done) {
        const s = process.step();
        s.x.dispose();
        s.predX0.dispose();
        await yieldToEvents();
        if (!current()) return;
      }
      const images = (await process.current.data()) as Float32Array;
      const grid = tileGrid(images, 28, 10);
      const labels = Array.from(PREVIEW_LABELS);
      this.deps.model.charts.preview(model.step, grid, 10, labels);
      this.deps.post(
        { type: 'train/preview', runId, step: model.step, frame: grid, columns: 10, labels },
        [grid.pixels.buffer],
      );
    } finally {
      process.dispose();
    }
  }

  /**
   * The quality meter mid-run; a failure is reported and training goes on. Returns how long its
   * sampling and scoring took (not the classifier's one-time load), the cost to budget for.
   */
  private async measureQuality(runId: number, step: number): Promise<number> {
    const start = this.now();
    const elapsedMs = this.meter.elapsedMs;
    try {
      const { report: r, ms } = await this.deps.scoreQuality(TRAINING_QUALITY_SAMPLES);
      const point: TrainQualityPoint = {
        step,
        samples: r.samples,
        classAccuracy: r.classAccuracy ?? null,
        kid: r.kid,
        kidRealFloor: r.kidRealFloor,
        meanConfidence: r.meanConfidence,
        ms: this.now() - start,
        elapsedMs,
      };
      this.deps.model.charts.quality(point);
      this.deps.post({ type: 'train/quality', runId, point });
      return ms;
    } catch (error) {
      this.deps.post({
        type: 'error',
        message: `Quality measurement at step ${step} failed (training goes on): ${String(error)}`,
      });
    }
    return this.now() - start;
  }
}

/**
 * The training job: owns the trainer, runs the loop between message handling, streams loss
 * points (new ones only), throughput, loss by timestep bucket and preview grids, autosaves to
 * IndexedDB, and guards against NaN losses and lost devices. Loaded lazily by the worker so that
 * tfjs never delays the first forward frame.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../ml/checkpoint';
import { tileGrid } from '../ml/grid';
import { decodeModelFile } from '../ml/model-file';
import { TORCH_EXPORT_EXTENSION, encodeTorchExport } from '../ml/torch-export';
import { splitIndices } from '../ml/mnist';
import { ReverseProcess, type Denoiser } from '../ml/sample';
import { restoreTrainer, snapshotTrainer, type ModelMeta } from '../ml/train/snapshot';
import { checkedMeta } from './checked-meta';
import { presetConfig, trainerFromSettings, trainOnNextBatch } from '../ml/train/from-settings';
import type { StepResult, Trainer } from '../ml/train/step';
import { countParams } from '../ml/unet/layout';
import { unetForward } from '../ml/unet/model';
import { parseModelCard, type ModelCard } from '../shared/model-card';
import type { BackendName, FromWorker } from '../shared/protocol';
import type { QualityReport } from '../shared/quality-protocol';
import {
  TRAINING_QUALITY_SAMPLES,
  type LossPoint,
  type ModelSummary,
  type TrainProgressStats,
  type TrainQualityPoint,
  type TrainSettings,
  type TrainStatus,
  needsNewModel,
} from '../shared/train-protocol';
import type { Dataset } from './dataset';
import { ModelStore } from './model-store';
import { RunChartsRecorder } from './run-charts-recorder';
import { TrainMeter } from './train-meter';
import type { SamplingModel } from './sample-job';

type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** Injected faults (?fault=): they feed the real NaN guard and device-loss recovery. */
export interface FaultHooks {
  /** Whether update number `step` gets a NaN batch. */
  nanBatch(step: number): boolean;
  afterStep(step: number): void;
}
type Meta = ModelMeta<TrainSettings>;

/** Training time between in-memory snapshots (a lost GPU loses at most this much). */
const SNAPSHOT_EVERY_MS = 30_000;

const PROGRESS_INTERVAL_MS = 500;
const PREVIEW_STEPS = 20;
const PREVIEW_SEED = 1234;
const PREVIEW_LABELS = Int32Array.from({ length: 20 }, (_, i) => i % 10);

/** The pretrained model `npm run pretrain` publishes; loaded on a first visit. */
const DEFAULT_MODEL_DIR = new URL(
  `${import.meta.env.BASE_URL}models/default/`,
  self.location.origin,
).href;

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A step on a batch of NaN pixels (an injected fault): the loss is NaN, nothing is updated. */
async function nanStep(trainer: Trainer, batch: number, size: number): Promise<StepResult> {
  const x0 = tf.fill([batch, size, size, 1], NaN) as tf.Tensor4D;
  try {
    return await trainer.step(x0, new Int32Array(batch));
  } finally {
    x0.dispose();
  }
}

export function modelFileName(meta: Pick<Meta, 'settings' | 'step'>): string {
  const s = meta.settings;
  return `dp-model_${s.preset}_${s.prediction}_${s.schedule.kind}${s.schedule.zeroTerminalSnr ? '-zsnr' : ''}-T${s.schedule.T}_step${meta.step}.dpmodel`;
}

export class TrainJob {
  private trainer: Trainer | null = null;
  private settings: TrainSettings | null = null;
  private status: TrainStatus = 'empty';
  private origin: ModelSummary['origin'] = 'new';
  /** The published card of the pretrained default model, while that model is the current one. */
  private card: ModelCard | null = null;
  private runId = 0;
  private loop: Promise<void> | null = null;
  private history: LossPoint[] = [];
  /** The run's other charts and last preview, saved with it. */
  private readonly charts = new RunChartsRecorder();
  private unsent: LossPoint[] = [];
  private readonly meter = new TrainMeter();
  private resumeAfterMove = false;
  /** The last state known to be good: NaN recovery and device-loss recovery start from it. */
  private lastGood: Uint8Array | null = null;
  /** The optimiser step of the last autosave (null: none of this model). */
  private savedStep: number | null = null;
  private saveRequested = false;
  /** Training time of the last in-memory snapshot. */
  private snapshotAt = 0;
  private readonly store = new ModelStore((status, tookOver) => {
    this.post({ type: 'storage/status', status });
    if (tookOver) void this.tookOverAutosave();
  });

  constructor(
    private readonly post: Post,
    private readonly dataset: () => Promise<Dataset>,
    private backend: BackendName,
    /** The quality meter on the current model (loaded with the classifier on first use). */
    private readonly scoreQuality: (
      count: number,
    ) => Promise<{ report: QualityReport; ms: number }>,
    private readonly faults: FaultHooks = { nanBatch: () => false, afterStep: () => undefined },
  ) {}

  private summary(): ModelSummary | null {
    if (!this.trainer || !this.settings) return null;
    return {
      settings: this.settings,
      step: this.trainer.optimizer.step,
      params: countParams(this.trainer.options.config),
      origin: this.origin,
      backend: this.backend,
      card: this.card,
    };
  }

  private postStatus(status: TrainStatus, message: string | null = null): void {
    this.status = status;
    this.post({ type: 'train/status', runId: this.runId, status, model: this.summary(), message });
  }

  private meta(): Omit<Meta, 'kind' | 'step' | 'momentSteps' | 'emaUpdates'> {
    if (!this.settings) throw new Error('no model');
    return {
      settings: this.settings,
      history: { steps: this.history.map((p) => p.step), losses: this.history.map((p) => p.loss) },
      charts: this.charts.current,
      backend: this.backend,
      savedAt: new Date().toISOString(),
    };
  }

  private async encode(optimizer = true): Promise<Uint8Array> {
    if (!this.trainer) throw new Error('There is no model yet: train one or load a model file.');
    return encodeCheckpoint(await snapshotTrainer(this.trainer, this.meta(), { optimizer }));
  }

  private async autosave(): Promise<void> {
    const bytes = await this.encode();
    this.lastGood = bytes;
    this.savedStep = this.trainer?.optimizer.step ?? null;
    this.saveRequested = false;
    try {
      await this.store.save(bytes);
    } catch (error) {
      this.post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  }

  /**
   * The page is going away (pagehide, or hidden): save what is not saved yet. A running loop
   * saves after its current step; a stopped model at once.
   */
  async saveNow(): Promise<void> {
    if (!this.trainer || this.savedStep === this.trainer.optimizer.step) return;
    if (this.status === 'running') this.saveRequested = true;
    else await this.autosave();
  }

  /** This tab took the autosave over from a closed one: its model goes there at once. */
  private async tookOverAutosave(): Promise<void> {
    if (this.trainer && this.status !== 'running') await this.autosave();
    else this.saveRequested = true;
  }

  /**
   * Back to the last good state after a NaN or a lost device, keeping the run's own settings
   * (batch, steps, learning rate…): the checkpoint may predate them, as on "Train more".
   */
  private restoreLastGood(bytes: Uint8Array, name: string): void {
    const ckpt = decodeCheckpoint(bytes);
    const meta = ckpt.config as Meta;
    const settings = this.settings;
    const keep = settings !== null && !needsNewModel(settings, meta.settings);
    this.adopt(keep ? { ...ckpt, config: { ...meta, settings } } : ckpt, name, this.origin);
  }

  /** A copy of the state in memory (not IndexedDB), for recovery before the next autosave. */
  private async snapshot(): Promise<void> {
    this.lastGood = await this.encode();
    this.snapshotAt = this.meter.elapsedMs;
  }

  /** Builds a trainer from a checkpoint; the current model is untouched unless this succeeds. */
  private adopt(ckpt: Checkpoint<unknown>, name: string, origin: ModelSummary['origin']): void {
    const meta = checkedMeta(ckpt, name);
    const config = presetConfig(meta.settings);
    const next = trainerFromSettings(meta.settings, this.backend);
    try {
      restoreTrainer(next, config, ckpt as Checkpoint<Meta>, name);
    } catch (error) {
      next.dispose();
      throw error;
    }
    this.trainer?.dispose();
    this.trainer = next;
    this.settings = meta.settings;
    if (origin !== 'default') this.card = null;
    this.origin = origin;
    this.history = meta.history.steps.map((step, i) => ({
      step,
      loss: meta.history.losses[i] ?? NaN,
    }));
    this.unsent = [];
    this.post({ type: 'train/history', runId: this.runId, points: this.history });
    const charts = this.charts.restore(meta.charts);
    this.post({ type: 'train/charts', runId: this.runId, charts });
  }

  async restoreAutosave(): Promise<void> {
    const bytes = await this.store.load();
    if (!bytes) {
      await this.loadDefault();
      return;
    }
    try {
      this.adopt(decodeCheckpoint(bytes, 'The autosaved model'), 'The autosaved model', 'autosave');
      this.lastGood = bytes;
      this.savedStep = this.trainer?.optimizer.step ?? null;
      const readOnly =
        (await this.store.current()).autosave === 'off'
          ? ' Another tab holds the autosave: what this tab trains stays in memory.'
          : '';
      this.postStatus(
        'paused',
        `Restored the autosaved model at step ${this.trainer?.optimizer.step ?? 0}.${readOnly}`,
      );
    } catch (error) {
      await this.store.clear();
      this.postStatus(
        'empty',
        `The autosaved model could not be restored and was discarded: ${String(error)}`,
      );
    }
  }

  /** The shipped model again, at the learner's request: the current one and its autosave go. */
  async restoreDefault(runId: number): Promise<void> {
    await this.stop(runId);
    await this.store.clear();
    this.savedStep = null;
    await this.loadDefault();
  }

  /** Nothing autosaved (a first visit): the pretrained default model, so Sample works at once. */
  private async loadDefault(): Promise<void> {
    let bytes: Uint8Array;
    let card: unknown = null;
    try {
      const response = await fetch(new URL('model.dpmodel', DEFAULT_MODEL_DIR));
      // No default published (a fork that has not run `npm run pretrain`): start empty.
      if (!response.ok) return this.postStatus('empty');
      bytes = new Uint8Array(await response.arrayBuffer());
      const cardResponse = await fetch(new URL('card.json', DEFAULT_MODEL_DIR));
      if (cardResponse.ok) card = await cardResponse.json().catch(() => null);
    } catch (error) {
      return this.postStatus(
        'empty',
        `The pretrained default model could not be fetched (${String(error)}): train a new one.`,
      );
    }
    try {
      this.adopt(decodeCheckpoint(bytes, 'The default model'), 'The default model', 'default');
    } catch (error) {
      return this.postStatus(
        'empty',
        `The pretrained default model could not be loaded (${String(error)}): train a new one.`,
      );
    }
    this.card = parseModelCard(card);
    this.lastGood = bytes;
    this.postStatus(
      'finished',
      `Loaded the pretrained default model (step ${this.trainer?.optimizer.step ?? 0}). ` +
        'Sample it now in “3 · Sample”, train it further with “Train more”, or start over with “New model”.',
    );
  }

  async start(runId: number, settings: TrainSettings, fresh: boolean): Promise<void> {
    await this.stop(runId);
    if (fresh || !this.trainer || !this.settings) {
      this.trainer?.dispose();
      this.trainer = trainerFromSettings(settings, this.backend);
      this.settings = settings;
      this.origin = 'new';
      this.card = null;
      this.history = [];
      this.charts.reset();
      this.unsent = [];
      this.meter.reset();
      this.snapshotAt = 0;
      this.lastGood = null;
      this.post({ type: 'train/history', runId, points: [] });
      // A lost GPU before the first autosave goes back to these weights, not to nothing.
      await this.snapshot();
    } else if (JSON.stringify(settings) !== JSON.stringify(this.settings)) {
      // New optimiser settings on the same model: carry the whole state over.
      // adopt() replaces nothing unless it succeeds.
      const ckpt = decodeCheckpoint(await this.encode());
      this.adopt(
        { ...ckpt, config: { ...(ckpt.config as Meta), settings } },
        'the current model',
        this.origin,
      );
    }
    this.runId = runId;
    this.postStatus('running');
    this.loop = this.run(runId).catch((error: unknown) => {
      // A run stopped on purpose (pause, device loss) may fail on its way out: not news.
      if (this.runId !== runId) return;
      this.postStatus(
        'paused',
        `Training stopped: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }

  /** Stops the loop (if any) and waits until the current step is done. */
  private async stop(runId: number): Promise<void> {
    this.runId = runId;
    const loop = this.loop;
    this.loop = null;
    if (loop) await loop;
  }

  async pause(runId: number): Promise<void> {
    const wasRunning = this.status === 'running';
    await this.stop(runId);
    if (!this.trainer) return;
    this.flushProgress();
    if (wasRunning) await this.autosave();
    this.postStatus('paused');
  }

  async reset(runId: number): Promise<void> {
    await this.stop(runId);
    this.trainer?.dispose();
    this.trainer = null;
    this.settings = null;
    this.card = null;
    this.history = [];
    this.charts.reset();
    this.unsent = [];
    this.lastGood = null;
    this.meter.reset();
    this.savedStep = null;
    await this.store.clear();
    this.post({ type: 'train/history', runId, points: [] });
    this.postStatus('empty');
  }

  async exportModel(format?: 'pytorch'): Promise<{ bytes: Uint8Array; name: string }> {
    if (format !== 'pytorch') {
      const bytes = await this.encode();
      return {
        bytes,
        name: modelFileName({ settings: this.settings!, step: this.trainer!.optimizer.step }),
      };
    }
    if (!this.trainer) throw new Error('There is no model yet: train one or load a model file.');
    const ckpt = await snapshotTrainer(this.trainer, this.meta(), { optimizer: true });
    const name = modelFileName({ settings: this.settings!, step: this.trainer.optimizer.step });
    return {
      bytes: encodeTorchExport(ckpt, this.trainer.options.config),
      name: name.replace(/\.dpmodel$/, TORCH_EXPORT_EXTENSION),
    };
  }

  async importModel(runId: number, file: Blob, name: string): Promise<void> {
    // Our .dpmodel, or a model exported for (and perhaps trained further in) PyTorch.
    const ckpt = decodeModelFile(new Uint8Array(await file.arrayBuffer()), `“${name}”`);
    checkedMeta(ckpt, `“${name}”`);
    await this.stop(runId);
    this.adopt(ckpt, `“${name}”`, 'file');
    // The loaded model is what a reload should bring back.
    await this.autosave();
    this.postStatus('paused', `Loaded “${name}” (step ${this.trainer?.optimizer.step ?? 0}).`);
  }

  /** After a device loss the tensors are gone: rebuild on the new backend from the last good state. */
  /** The GPU is gone: stop the loop now, and remember to resume once moved to another backend. */
  async pauseForDeviceLoss(): Promise<void> {
    this.resumeAfterMove ||= this.status === 'running';
    await this.stop(this.runId + 1);
  }

  /** The learner picked another backend: stop with every step kept, to go on over there. */
  async holdForBackendChange(): Promise<void> {
    this.resumeAfterMove ||= this.status === 'running';
    await this.stop(this.runId + 1);
    if (this.trainer) this.lastGood = await this.encode();
  }

  async moveToBackend(backend: BackendName): Promise<void> {
    const wasRunning = this.status === 'running' || this.resumeAfterMove;
    this.resumeAfterMove = false;
    this.backend = backend;
    await this.stop(this.runId + 1);
    if (!this.lastGood) {
      this.trainer = null;
      this.postStatus('empty', 'The model was lost with the GPU before it was first saved.');
      return;
    }
    try {
      this.trainer?.dispose();
    } catch {
      // Disposing tensors of a lost device may throw; they are gone either way.
    }
    this.trainer = null;
    this.restoreLastGood(this.lastGood, 'the last checkpoint');
    const message = `Continuing on ${backend} from step ${this.trainer!.optimizer.step}.`;
    if (wasRunning && this.settings) await this.start(this.runId + 1, this.settings, false);
    else this.postStatus('paused', message);
  }

  /** The EMA weights for sampling, or null when there is no model. */
  samplingModel(): SamplingModel | null {
    const trainer = this.trainer;
    if (!trainer) return null;
    return {
      denoise: this.denoiser(),
      schedule: trainer.options.schedule,
      prediction: trainer.options.prediction,
      step: trainer.optimizer.step,
    };
  }

  currentRunId(): number {
    return this.runId;
  }

  private denoiser(): Denoiser {
    const trainer = this.trainer!;
    const ema = trainer.ema.params();
    return (xt, t, labels) => unetForward(ema, trainer.options.config, xt, t, labels);
  }

  private async preview(runId: number): Promise<void> {
    const trainer = this.trainer!;
    const T = trainer.options.schedule.T;
    const process = new ReverseProcess(this.denoiser(), trainer.options.schedule, {
      sampler: { kind: 'ddim', steps: Math.min(PREVIEW_STEPS, T), spacing: 'trailing', eta: 0 },
      prediction: trainer.options.prediction,
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
        if (this.runId !== runId) return;
      }
      const images = (await process.current.data()) as Float32Array;
      const grid = tileGrid(images, 28, 10);
      this.charts.preview(trainer.optimizer.step, grid, 10, Array.from(PREVIEW_LABELS));
      this.post(
        {
          type: 'train/preview',
          runId,
          step: trainer.optimizer.step,
          frame: grid,
          columns: 10,
          labels: Array.from(PREVIEW_LABELS),
        },
        [grid.pixels.buffer],
      );
    } finally {
      process.dispose();
    }
  }

  private flushProgress(): void {
    const trainer = this.trainer;
    const settings = this.settings;
    if (!trainer || !settings) return;
    const stats: TrainProgressStats = {
      ...this.meter.stats(trainer.optimizer.step, settings),
      replay:
        this.backend === 'webgpu'
          ? {
              replayed: trainer.replay.replayed,
              encodeMs: trainer.replay.encodeMs,
              gpuMs: trainer.replay.gpuMs,
              programs: trainer.replay.counts?.programs ?? null,
              copies: trainer.replay.counts?.copies ?? null,
              failure: trainer.replay.lastFailure,
            }
          : null,
    };
    this.charts.progress(stats);
    this.post({ type: 'train/progress', runId: this.runId, points: this.unsent, ...stats });
    this.unsent = [];
  }

  private async run(runId: number): Promise<void> {
    const trainer = this.trainer!;
    const settings = this.settings!;
    const set = (await this.dataset()).set;
    const { train } = splitIndices(set);
    const meter = this.meter;
    let lastPost = performance.now();
    meter.startRun(lastPost);
    while (this.runId === runId && trainer.optimizer.step < settings.totalSteps) {
      const result = this.faults.nanBatch(trainer.optimizer.step + 1)
        ? await nanStep(trainer, settings.batchSize, set.rows)
        : await trainOnNextBatch(trainer, set, train, settings);
      if (result.nonFinite) {
        await this.recoverFromNonFinite(runId, result.step + 1);
        return;
      }
      const now = performance.now();
      meter.step(now, result, settings.schedule.T);
      const point = { step: result.step, loss: result.loss };
      this.history.push(point);
      this.unsent.push(point);
      if (now - lastPost > PROGRESS_INTERVAL_MS) {
        this.flushProgress();
        lastPost = now;
      }
      // Previews, scoring and saving stop the training clock (meter.resumeAt).
      if (settings.previewEvery > 0 && result.step % settings.previewEvery === 0) {
        await this.preview(runId);
        meter.resumeAt(performance.now());
      }
      if (meter.qualityDue(settings.qualityEvery, result.step)) {
        meter.qualityTook(await this.measureQuality(runId, result.step));
        meter.resumeAt(performance.now());
      }
      if (
        this.saveRequested ||
        (settings.autosaveEvery > 0 && result.step % settings.autosaveEvery === 0)
      ) {
        await this.autosave();
        meter.resumeAt(performance.now());
      }
      if (meter.elapsedMs - this.snapshotAt > SNAPSHOT_EVERY_MS) {
        await this.snapshot();
        meter.resumeAt(performance.now());
      }
      this.faults.afterStep(result.step);
      await yieldToEvents();
    }
    if (this.runId !== runId) return;
    this.flushProgress();
    if (settings.previewEvery > 0) await this.preview(runId);
    await this.autosave();
    this.loop = null;
    this.postStatus('finished', `Finished ${trainer.optimizer.step} steps.`);
  }

  /**
   * The quality meter mid-run; a failure is reported and training goes on. Returns how long its
   * sampling and scoring took (not the classifier's one-time load), the cost to budget for.
   */
  private async measureQuality(runId: number, step: number): Promise<number> {
    const start = performance.now();
    const elapsedMs = this.meter.elapsedMs;
    try {
      const { report: r, ms } = await this.scoreQuality(TRAINING_QUALITY_SAMPLES);
      const point: TrainQualityPoint = {
        step,
        samples: r.samples,
        classAccuracy: r.classAccuracy ?? null,
        kid: r.kid,
        kidRealFloor: r.kidRealFloor,
        meanConfidence: r.meanConfidence,
        ms: performance.now() - start,
        elapsedMs,
      };
      this.charts.quality(point);
      this.post({ type: 'train/quality', runId, point });
      return ms;
    } catch (error) {
      this.post({
        type: 'error',
        message: `Quality measurement at step ${step} failed (training goes on): ${String(error)}`,
      });
    }
    return performance.now() - start;
  }

  private async recoverFromNonFinite(runId: number, step: number): Promise<void> {
    this.flushProgress();
    this.loop = null;
    let restored = 'the weights before that step were kept';
    if (this.lastGood) {
      this.restoreLastGood(this.lastGood, 'the last good checkpoint');
      restored = `the weights from step ${this.trainer?.optimizer.step ?? 0} were restored`;
    }
    if (this.runId === runId) {
      this.postStatus(
        'paused',
        `The loss became NaN or infinite at step ${step}: training stopped and ${restored}. Try a lower learning rate.`,
      );
    }
  }
}

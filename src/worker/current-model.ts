/**
 * The model in memory: its trainer on the current backend, the settings of its run, its loss
 * history and charts, where it came from. A checkpoint becomes the model only when it builds
 * whole (adopt); the model becomes a checkpoint with its run's record (encode). Where models come
 * from and where they are kept is the lifecycle's (model-lifecycle.ts).
 */
import { encodeCheckpoint, type Checkpoint } from '../ml/checkpoint';
import { presetConfig, trainerFromSettings } from '../ml/train/from-settings';
import { restoreTrainer, snapshotTrainer, type ModelMeta } from '../ml/train/snapshot';
import type { Trainer } from '../ml/train/step';
import { countParams } from '../ml/unet/layout';
import { unetForward } from '../ml/unet/model';
import type { ModelCard } from '../shared/model-card';
import type { BackendName, FromWorker } from '../shared/protocol';
import type { LossPoint, ModelSummary, TrainSettings } from '../shared/train-protocol';
import { checkedMeta } from './checked-meta';
import { writeModelFile } from './model-files';
import { RunChartsRecorder } from './run-charts-recorder';
import type { SamplingModel } from './sample-job';

export type Meta = ModelMeta<TrainSettings>;

export interface ModelDeps {
  readonly post: (message: FromWorker) => void;
  /** The run id the history and charts messages carry. */
  readonly runId: () => number;
}

const NO_MODEL = 'There is no model yet: train one or load a model file.';

export class CurrentModel {
  protected current: Trainer | null = null;
  protected runSettings: TrainSettings | null = null;
  protected origin: ModelSummary['origin'] = 'new';
  /** The published card of the pretrained default model, while that model is the current one. */
  protected card: ModelCard | null = null;
  private history: LossPoint[] = [];
  /** The run's other charts and last preview, saved with it. */
  readonly charts = new RunChartsRecorder();

  constructor(
    protected readonly deps: ModelDeps,
    protected device: BackendName,
  ) {}

  get trainer(): Trainer | null {
    return this.current;
  }

  get settings(): TrainSettings | null {
    return this.runSettings;
  }

  get backend(): BackendName {
    return this.device;
  }

  summary(): ModelSummary | null {
    if (!this.current || !this.runSettings) return null;
    return {
      settings: this.runSettings,
      step: this.current.optimizer.step,
      params: countParams(this.current.options.config),
      origin: this.origin,
      backend: this.device,
      card: this.card,
    };
  }

  /** The EMA weights for sampling, or null when there is no model. */
  samplingModel(): SamplingModel | null {
    const trainer = this.current;
    if (!trainer) return null;
    const ema = trainer.ema.params();
    return {
      denoise: (xt, t, labels) => unetForward(ema, trainer.options.config, xt, t, labels),
      schedule: trainer.options.schedule,
      prediction: trainer.options.prediction,
      step: trainer.optimizer.step,
    };
  }

  /** A training step's loss, kept in the model's history. */
  record(point: LossPoint): void {
    this.history.push(point);
  }

  /** A freshly initialised model for these settings, with an empty record. */
  protected renew(settings: TrainSettings): void {
    this.current?.dispose();
    this.current = trainerFromSettings(settings, this.device);
    this.runSettings = settings;
    this.origin = 'new';
    this.card = null;
    this.history = [];
    this.charts.reset();
    this.deps.post({ type: 'train/history', runId: this.deps.runId(), points: [] });
  }

  /** No model at all. */
  protected drop(): void {
    this.current?.dispose();
    this.current = null;
    this.runSettings = null;
    this.card = null;
    this.history = [];
    this.charts.reset();
  }

  private meta(): Omit<Meta, 'kind' | 'step' | 'momentSteps' | 'emaUpdates'> {
    if (!this.runSettings) throw new Error('no model');
    return {
      settings: this.runSettings,
      history: { steps: this.history.map((p) => p.step), losses: this.history.map((p) => p.loss) },
      charts: this.charts.current,
      backend: this.device,
      savedAt: new Date().toISOString(),
    };
  }

  /** The whole state (weights, EMA, Adam moments) with the run's record, as checkpoint bytes. */
  protected async encode(): Promise<Uint8Array> {
    return encodeCheckpoint(await this.checkpoint());
  }

  private async checkpoint(): Promise<Checkpoint<Meta>> {
    if (!this.current) throw new Error(NO_MODEL);
    return snapshotTrainer(this.current, this.meta(), { optimizer: true });
  }

  /** Builds a trainer from a checkpoint; the current model is untouched unless this succeeds. */
  protected adopt(ckpt: Checkpoint<unknown>, name: string, origin = this.origin): void {
    const meta = checkedMeta(ckpt, name);
    const next = trainerFromSettings(meta.settings, this.device);
    try {
      restoreTrainer(next, presetConfig(meta.settings), ckpt as Checkpoint<Meta>, name);
    } catch (error) {
      next.dispose();
      throw error;
    }
    this.current?.dispose();
    this.current = next;
    this.runSettings = meta.settings;
    if (origin !== 'default') this.card = null;
    this.origin = origin;
    this.history = meta.history.steps.map((step, i) => ({
      step,
      loss: meta.history.losses[i] ?? NaN,
    }));
    const runId = this.deps.runId();
    this.deps.post({ type: 'train/history', runId, points: this.history });
    const charts = this.charts.restore(meta.charts);
    this.deps.post({ type: 'train/charts', runId, charts });
  }

  /** The model as a file to download: our .dpmodel, or the PyTorch export. */
  async exportFile(format?: 'pytorch'): Promise<{ bytes: Uint8Array; name: string }> {
    const ckpt = await this.checkpoint();
    return writeModelFile(ckpt, presetConfig(ckpt.config.settings), format);
  }
}

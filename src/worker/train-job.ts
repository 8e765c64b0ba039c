/**
 * The training job: what the worker's training messages call. It owns the run id and the
 * status, and coordinates the model's lifecycle (model-lifecycle.ts: new, autosave, restore,
 * files, recovery) with the training loop (train-loop.ts: steps, progress, previews, quality).
 * Loaded lazily by the worker so that tfjs never delays the first forward frame.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { BackendName, FromWorker, StorageStatus } from '../shared/protocol';
import type { QualityReport } from '../shared/quality-protocol';
import type { TrainSettings, TrainStatus } from '../shared/train-protocol';
import type { Dataset } from './dataset';
import { ModelLifecycle, type AutosaveStore, type Outcome } from './model-lifecycle';
import { readModelFile } from './model-files';
import { ModelStore } from './model-store';
import type { SamplingModel } from './sample-job';
import { TrainLoop, batchStepper, type FaultHooks } from './train-loop';

export type { FaultHooks } from './train-loop';

type Post = (message: FromWorker, transfer?: Transferable[]) => void;
type StoreListener = (status: StorageStatus, tookOver: boolean) => void;

/** A file of the pretrained model `npm run pretrain` publishes (loaded on a first visit). */
function fetchPublishedFile(file: string): Promise<Response> {
  const dir = new URL(`${import.meta.env.BASE_URL}models/default/`, self.location.origin);
  return fetch(new URL(file, dir));
}

export class TrainJob {
  private status: TrainStatus = 'empty';
  private runId = 0;
  private running: Promise<void> | null = null;
  private resumeAfterMove = false;
  private readonly model: ModelLifecycle;
  private readonly loop: TrainLoop;

  constructor(
    private readonly post: Post,
    private readonly dataset: () => Promise<Dataset>,
    backend: BackendName,
    scoreQuality: (count: number) => Promise<{ report: QualityReport; ms: number }>,
    private readonly faults: FaultHooks = { nanBatch: () => false, afterStep: () => undefined },
    makeStore: (onStatus: StoreListener) => AutosaveStore = (onStatus) => new ModelStore(onStatus),
    fetchDefault: (file: string) => Promise<Response> = fetchPublishedFile,
  ) {
    const store = makeStore((status, tookOver) => {
      this.post({ type: 'storage/status', status });
      // This tab took the autosave over from a closed one: its model goes there at once.
      if (tookOver) void this.model.saveSoon(this.status === 'running');
    });
    const runId = () => this.runId;
    const postModel = (message: FromWorker) => {
      // Another history (a new, loaded or restored model): the old one's unsent points are void.
      if (message.type === 'train/history') this.loop.forgetUnsent();
      post(message);
    };
    this.model = new ModelLifecycle({ post: postModel, runId, store, fetchDefault }, backend);
    this.loop = new TrainLoop({ post, model: this.model, runId, scoreQuality });
  }

  private postStatus(status: TrainStatus, message: string | null = null): void {
    this.status = status;
    const model = this.model.summary();
    this.post({ type: 'train/status', runId: this.runId, status, model, message });
  }

  private report(outcome: Outcome): void {
    this.postStatus(outcome.status, outcome.message);
  }

  /**
   * The page is going away (pagehide, or hidden): save what is not saved yet. A running loop
   * saves after its current step; a stopped model at once.
   */
  async saveNow(): Promise<void> {
    if (this.model.hasUnsaved()) await this.model.saveSoon(this.status === 'running');
  }

  async restoreAutosave(): Promise<void> {
    this.report(await this.model.restoreAutosave());
  }

  /** The shipped model again, at the learner's request: the current one and its autosave go. */
  async restoreDefault(runId: number): Promise<void> {
    await this.stop(runId);
    this.report(await this.model.restoreDefault());
  }

  async start(runId: number, settings: TrainSettings, fresh: boolean): Promise<void> {
    await this.stop(runId);
    const current = this.model.settings;
    if (fresh || !this.model.trainer || !current) {
      this.loop.reset();
      await this.model.create(settings);
    } else if (JSON.stringify(settings) !== JSON.stringify(current)) {
      await this.model.changeSettings(settings);
    }
    this.runId = runId;
    this.postStatus('running');
    this.running = this.run(runId).catch((error: unknown) => {
      // A run stopped on purpose (pause, device loss) may fail on its way out: not news.
      if (this.runId !== runId) return;
      const message = error instanceof Error ? error.message : String(error);
      this.postStatus('paused', `Training stopped: ${message}`);
    });
  }

  private async run(runId: number): Promise<void> {
    const trainer = this.model.trainer;
    const settings = this.model.settings;
    if (!trainer || !settings) return;
    const set = (await this.dataset()).set;
    const end = await this.loop.run(runId, batchStepper(trainer, set, settings, this.faults));
    if (end.kind === 'stopped') return;
    this.running = null;
    if (end.kind === 'finished') {
      this.postStatus('finished', `Finished ${trainer.optimizer.step} steps.`);
      return;
    }
    const step = this.model.restoreLastGood('the last good checkpoint');
    const restored =
      step === null
        ? 'the weights before that step were kept'
        : `the weights from step ${step} were restored`;
    if (this.runId === runId) {
      this.postStatus(
        'paused',
        `The loss became NaN or infinite at step ${end.step}: training stopped and ${restored}. Try a lower learning rate.`,
      );
    }
  }

  /** Stops the loop (if any) and waits until the current step is done. */
  private async stop(runId: number): Promise<void> {
    this.runId = runId;
    const running = this.running;
    this.running = null;
    if (running) await running;
  }

  async pause(runId: number): Promise<void> {
    const wasRunning = this.status === 'running';
    await this.stop(runId);
    if (!this.model.trainer) return;
    this.loop.flush();
    if (wasRunning) await this.model.autosave();
    this.postStatus('paused');
  }

  async reset(runId: number): Promise<void> {
    await this.stop(runId);
    this.loop.reset();
    await this.model.discard();
    this.post({ type: 'train/history', runId, points: [] });
    this.postStatus('empty');
  }

  exportModel(format?: 'pytorch'): Promise<{ bytes: Uint8Array; name: string }> {
    return this.model.exportFile(format);
  }

  async importModel(runId: number, file: Blob, name: string): Promise<void> {
    // Checked before the run stops: a bad file changes nothing.
    const ckpt = await readModelFile(file, name);
    await this.stop(runId);
    this.report(await this.model.loadFile(ckpt, name));
  }

  /** The GPU is gone: stop the loop now, and remember to resume once moved to another backend. */
  async pauseForDeviceLoss(): Promise<void> {
    this.resumeAfterMove ||= this.status === 'running';
    await this.stop(this.runId + 1);
  }

  /** The learner picked another backend: stop with every step kept, to go on over there. */
  async holdForBackendChange(): Promise<void> {
    this.resumeAfterMove ||= this.status === 'running';
    await this.stop(this.runId + 1);
    await this.model.keep();
  }

  /** After a device loss the tensors are gone: rebuild on the new backend from the last good state. */
  async moveToBackend(backend: BackendName): Promise<void> {
    const wasRunning = this.status === 'running' || this.resumeAfterMove;
    this.resumeAfterMove = false;
    await this.stop(this.runId + 1);
    const step = this.model.moveTo(backend);
    if (step === null) {
      this.postStatus('empty', 'The model was lost with the GPU before it was first saved.');
      return;
    }
    const settings = this.model.settings;
    if (wasRunning && settings) await this.start(this.runId + 1, settings, false);
    else this.postStatus('paused', `Continuing on ${backend} from step ${step}.`);
  }

  /** The EMA weights for sampling, or null when there is no model. */
  samplingModel(): SamplingModel | null {
    return this.model.samplingModel();
  }

  currentRunId(): number {
    return this.runId;
  }
}

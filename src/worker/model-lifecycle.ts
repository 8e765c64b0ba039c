/**
 * The model's lifecycle, apart from training it: a new model, the autosave and its restore,
 * in-memory snapshots (what a lost device or a NaN goes back to), a loaded file, the pretrained
 * default, and the move to another backend. It says what happened as an outcome; the training
 * job (train-job.ts) decides when to post it.
 */
import { decodeCheckpoint, type Checkpoint } from '../ml/checkpoint';
import { parseModelCard } from '../shared/model-card';
import type { BackendName, StorageStatus } from '../shared/protocol';
import { needsNewModel, type TrainSettings, type TrainStatus } from '../shared/train-protocol';
import { CurrentModel, type Meta, type ModelDeps } from './current-model';
import { fetchDefaultModel } from './model-files';

/** Where the autosave lives (model-store.ts; an in-memory fake in tests). */
export interface AutosaveStore {
  current(): Promise<StorageStatus>;
  /** False when autosave is off (another tab owns it, no IndexedDB): nothing written. */
  save(bytes: Uint8Array): Promise<boolean>;
  load(): Promise<Uint8Array | null>;
  clear(): Promise<void>;
}

export interface LifecycleDeps extends ModelDeps {
  readonly store: AutosaveStore;
  /** A file of the published default model ('model.dpmodel', 'card.json'). */
  readonly fetchDefault: (file: string) => Promise<Response>;
}

/** What a restore or a load came to, for the job to post as its status. */
export interface Outcome {
  readonly status: TrainStatus;
  readonly message: string | null;
}

/** Training time between in-memory snapshots (a lost GPU loses at most this much). */
const SNAPSHOT_EVERY_MS = 30_000;

export class ModelLifecycle extends CurrentModel {
  /** The last state known to be good: NaN recovery and device-loss recovery start from it. */
  private lastGood: Uint8Array | null = null;
  /** The optimiser step of the last autosave (null: none of this model). */
  private savedStep: number | null = null;
  private saveRequested = false;
  /** Training time of the last in-memory snapshot. */
  private snapshotAt = 0;

  constructor(
    private readonly life: LifecycleDeps,
    backend: BackendName,
  ) {
    super(life, backend);
  }

  /** A new model for these settings; a lost GPU before its first autosave goes back to it. */
  async create(settings: TrainSettings): Promise<void> {
    this.renew(settings);
    this.lastGood = null;
    await this.snapshot(0);
  }

  /** New optimiser settings on the same model: the whole state carries over. */
  async changeSettings(settings: TrainSettings): Promise<void> {
    const ckpt = decodeCheckpoint(await this.encode());
    this.adopt({ ...ckpt, config: { ...(ckpt.config as Meta), settings } }, 'the current model');
  }

  /** No model at all; the autosave goes too. */
  async discard(): Promise<void> {
    this.drop();
    this.lastGood = null;
    this.savedStep = null;
    await this.life.store.clear();
  }

  async autosave(): Promise<void> {
    const bytes = await this.encode();
    this.lastGood = bytes;
    this.savedStep = this.current?.optimizer.step ?? null;
    this.saveRequested = false;
    try {
      await this.life.store.save(bytes);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.post({ type: 'error', message });
    }
  }

  /** Steps trained since the last autosave. */
  hasUnsaved(): boolean {
    return this.current !== null && this.savedStep !== this.current.optimizer.step;
  }

  /** Saves now, or, while a run is going, after its current step. */
  async saveSoon(running: boolean): Promise<void> {
    if (this.current && !running) await this.autosave();
    else this.saveRequested = true;
  }

  /** Whether the run should autosave after `step`. */
  saveDue(step: number): boolean {
    const every = this.runSettings?.autosaveEvery ?? 0;
    return this.saveRequested || (every > 0 && step % every === 0);
  }

  /** A copy of the state in memory (not the autosave), for recovery before the next autosave. */
  async snapshot(elapsedMs: number): Promise<void> {
    this.lastGood = await this.encode();
    this.snapshotAt = elapsedMs;
  }

  snapshotDue(elapsedMs: number): boolean {
    return elapsedMs - this.snapshotAt > SNAPSHOT_EVERY_MS;
  }

  /** The state as it is now becomes the one to go back to (before a backend change). */
  async keep(): Promise<void> {
    if (this.current) this.lastGood = await this.encode();
  }

  /**
   * Back to the last good state after a NaN or a lost device, keeping the run's own settings
   * (batch, steps, learning rate…): the checkpoint may predate them, as on "Train more".
   * Returns the step restored, or null when there is nothing to go back to.
   */
  restoreLastGood(name: string): number | null {
    if (!this.lastGood) return null;
    const ckpt = decodeCheckpoint(this.lastGood);
    const meta = ckpt.config as Meta;
    const settings = this.runSettings;
    const keep = settings !== null && !needsNewModel(settings, meta.settings);
    this.adopt(keep ? { ...ckpt, config: { ...meta, settings } } : ckpt, name);
    return this.current?.optimizer.step ?? 0;
  }

  /**
   * The tensors are gone with a lost device, or stay behind on a backend change: the model is
   * rebuilt on `backend` from the last good state. Null when there is none (nothing survives).
   */
  moveTo(backend: BackendName): number | null {
    this.device = backend;
    if (!this.lastGood) {
      this.current = null;
      return null;
    }
    try {
      this.current?.dispose();
    } catch {
      // Disposing tensors of a lost device may throw; they are gone either way.
    }
    this.current = null;
    return this.restoreLastGood('the last checkpoint');
  }

  /** The autosave of an earlier visit, else the pretrained default. */
  async restoreAutosave(): Promise<Outcome> {
    const bytes = await this.life.store.load();
    if (!bytes) return this.loadDefault();
    const name = 'The autosaved model';
    try {
      this.adopt(decodeCheckpoint(bytes, name), name, 'autosave');
    } catch (error) {
      await this.life.store.clear();
      const message = `The autosaved model could not be restored and was discarded: ${String(error)}`;
      return { status: 'empty', message };
    }
    this.lastGood = bytes;
    this.savedStep = this.current?.optimizer.step ?? null;
    const readOnly =
      (await this.life.store.current()).autosave === 'off'
        ? ' Another tab holds the autosave: what this tab trains stays in memory.'
        : '';
    const message = `Restored the autosaved model at step ${this.current?.optimizer.step ?? 0}.${readOnly}`;
    return { status: 'paused', message };
  }

  /** The shipped model again, at the learner's request: the current one and its autosave go. */
  async restoreDefault(): Promise<Outcome> {
    await this.life.store.clear();
    this.savedStep = null;
    return this.loadDefault();
  }

  /** Nothing autosaved (a first visit): the pretrained default model, so Sample works at once. */
  private async loadDefault(): Promise<Outcome> {
    let published: Awaited<ReturnType<typeof fetchDefaultModel>>;
    try {
      published = await fetchDefaultModel(this.life.fetchDefault);
    } catch (error) {
      return { status: 'empty', message: error instanceof Error ? error.message : String(error) };
    }
    if (!published) return { status: 'empty', message: null };
    const name = 'The default model';
    try {
      this.adopt(decodeCheckpoint(published.bytes, name), name, 'default');
    } catch (error) {
      const message = `The pretrained default model could not be loaded (${String(error)}): train a new one.`;
      return { status: 'empty', message };
    }
    this.card = parseModelCard(published.card);
    this.lastGood = published.bytes;
    const message =
      `Loaded the pretrained default model (step ${this.current?.optimizer.step ?? 0}). ` +
      'Sample it now in “3 · Sample”, train it further with “Train more”, or start over with “New model”.';
    return { status: 'finished', message };
  }

  /** A checked file (model-files.ts) becomes the model, and the autosave: a reload brings it back. */
  async loadFile(ckpt: Checkpoint<unknown>, name: string): Promise<Outcome> {
    this.adopt(ckpt, `“${name}”`, 'file');
    await this.autosave();
    const message = `Loaded “${name}” (step ${this.current?.optimizer.step ?? 0}).`;
    return { status: 'paused', message };
  }
}

/**
 * The sampling job: runs the reverse process step by step on the current model (the trainer's
 * EMA weights, or a loaded file), streaming each step's x_t and x̂0 grids. Play runs steps with
 * an optional delay, pause stops after the current step, step computes one, cancel stops at once;
 * every message carries the runId so a new run never mixes with an old one.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { tileGrid } from '../ml/grid';
import {
  NO_LABEL,
  ReverseProcess,
  samplerOf,
  type Denoiser,
  type SampleOptions,
  type SampleStep,
  type Stepper,
} from '../ml/sample';
import { samplerRefusal, type ModelPrediction } from '../ml/prediction';
import type { Schedule } from '../ml/schedule';
import type { FromWorker } from '../shared/protocol';
import { gridColumns, type SampleFrame, type SampleSettings } from '../shared/sample-protocol';

type Post = (message: FromWorker, transfer?: Transferable[]) => void;

export interface SamplingModel {
  readonly denoise: Denoiser;
  readonly schedule: Schedule;
  readonly prediction: ModelPrediction;
  /** Training steps behind these weights. */
  readonly step: number;
}

const NO_MODEL =
  'There is no model to sample from yet: train one in the Train tab, or load a model file there.';
const COMPARE_FRAMES = 12;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function sampleOptions(
  settings: SampleSettings,
  prediction: ModelPrediction,
): SampleOptions {
  return {
    sampler: samplerOf(settings.sampler, settings.steps, settings),
    prediction,
    clip: settings.clip,
    labels: new Int32Array(settings.count).fill(settings.label ?? NO_LABEL),
    guidance: settings.guidance,
    seed: settings.seed,
    size: 28,
  };
}

async function toGrid(x: tf.Tensor, columns: number) {
  return tileGrid((await x.data()) as Float32Array, 28, columns);
}

/** One step as the page shows it: both grids read back, then the time so far. */
async function frameOf(
  s: SampleStep,
  columns: number,
  elapsedMs: () => number,
): Promise<SampleFrame> {
  const [xt, x0] = await Promise.all([toGrid(s.x, columns), toGrid(s.predX0, columns)]);
  return { index: s.index, total: s.total, t: s.t, prevT: s.prevT, xt, x0, elapsedMs: elapsedMs() };
}

/** A run to step through; `start`, when given, is shown first: x where the run starts, beside x0. */
export interface Built {
  readonly stepper: Stepper;
  readonly columns: number;
  readonly start?: { readonly index: number; readonly t: number; readonly x0: Float32Array };
}

export class SampleJob {
  private runId = 0;
  private process: Stepper | null = null;
  private columns = 4;
  private playing = false;
  private delayMs = 0;
  private computeMs = 0;
  /** Bumped by every cancel (and so every start): a compare loop stops when it changes. */
  private generation = 0;

  constructor(
    private readonly post: Post,
    private readonly model: () => SamplingModel | null,
  ) {}

  private postFrame(runId: number, side: 'main' | 'a' | 'b', frame: SampleFrame): void {
    this.post({ type: 'sample/frame', runId, side, frame }, [
      frame.xt.pixels.buffer,
      frame.x0.pixels.buffer,
    ]);
  }

  private state(
    state: 'playing' | 'paused' | 'done' | 'cancelled',
    message: string | null = null,
  ): void {
    this.post({ type: 'sample/state', runId: this.runId, state, message });
  }

  private dropProcess(): void {
    this.process?.dispose();
    this.process = null;
  }

  start(runId: number, settings: SampleSettings, play: boolean): Promise<void> {
    return this.begin(runId, play, (model) => {
      if (settings.steps > model.schedule.T)
        throw new Error(
          `This model has T = ${model.schedule.T}: use at most ${model.schedule.T} steps.`,
        );
      const opts = sampleOptions(settings, model.prediction);
      return {
        stepper: new ReverseProcess(model.denoise, model.schedule, opts),
        columns: gridColumns(settings.count),
      };
    });
  }

  /**
   * A run of any stepper built on the current model (plain sampling, or the Create tab's
   * SDEdit, inpainting and interpolation); a build that throws is refused with its message.
   */
  async begin(runId: number, play: boolean, build: (model: SamplingModel) => Built): Promise<void> {
    this.cancel(runId, false);
    const model = this.model();
    if (!model) {
      this.state('cancelled', NO_MODEL);
      return;
    }
    let built: Built;
    try {
      built = build(model);
    } catch (e) {
      this.state('cancelled', e instanceof Error ? e.message : String(e));
      return;
    }
    this.process = built.stepper;
    this.columns = built.columns;
    this.computeMs = 0;
    if (built.start) {
      const { index, t, x0 } = built.start;
      const xt = await toGrid(built.stepper.current, built.columns);
      const x0Grid = tileGrid(x0, 28, built.columns);
      if (this.runId !== runId || this.process !== built.stepper) return;
      const total = built.stepper.total;
      this.postFrame(runId, 'main', { index, total, t, prevT: t, xt, x0: x0Grid, elapsedMs: 0 });
    }
    if (play) this.play(runId, this.delayMs);
    else this.state('paused');
  }

  /**
   * Several runs to the end, one after another (the Create tab's strengths strip); each final
   * image is handed to `report` as it is ready. Cancel stops it like a compare.
   */
  async runEach(
    runId: number,
    build: (model: SamplingModel) => readonly (() => Stepper)[],
    report: (index: number, x: Float32Array) => void,
  ): Promise<void> {
    this.cancel(runId, false);
    const model = this.model();
    if (!model) {
      this.state('cancelled', NO_MODEL);
      return;
    }
    let makers: readonly (() => Stepper)[];
    try {
      makers = build(model);
    } catch (e) {
      this.state('cancelled', e instanceof Error ? e.message : String(e));
      return;
    }
    this.state('playing');
    const generation = this.generation;
    const stopped = () => this.runId !== runId || this.generation !== generation;
    await this.guarded(runId, async () => {
      for (const [k, make] of makers.entries()) {
        const stepper = make();
        try {
          while (!stepper.done) {
            const s = stepper.step();
            s.x.dispose();
            s.predX0.dispose();
            await sleep(0);
            if (stopped()) return;
          }
          const x = (await stepper.current.data()) as Float32Array;
          if (stopped()) return;
          report(k, x);
        } finally {
          stepper.dispose();
        }
      }
      this.state('done');
    });
  }

  play(runId: number, delayMs: number): void {
    if (runId !== this.runId || !this.process) return;
    this.delayMs = delayMs;
    if (this.playing) return;
    this.playing = true;
    this.state('playing');
    void this.run(runId);
  }

  pause(runId: number): void {
    if (runId !== this.runId) return;
    this.playing = false;
    if (this.process) this.state('paused');
  }

  async step(runId: number): Promise<void> {
    if (runId !== this.runId || !this.process || this.playing) return;
    await this.guarded(runId, () => this.stepOnce(runId));
  }

  /** Stops at once: the current step's frame is dropped and the process freed. */
  cancel(runId: number, announce = true): void {
    this.runId = runId;
    // A cancel may carry the running job's own runId: the generation still tells it to stop.
    this.generation += 1;
    this.playing = false;
    this.dropProcess();
    if (announce) this.state('cancelled');
  }

  /** A run's tensors live on the old backend: it ends, and the learner starts a new one. */
  stopForBackendChange(): void {
    if (!this.process) return;
    this.playing = false;
    this.dropProcess();
    this.state('cancelled', 'The backend changed: press Sample to run again.');
  }

  private async run(runId: number): Promise<void> {
    await this.guarded(runId, async () => {
      while (this.playing && this.runId === runId && this.process && !this.process.done) {
        await this.stepOnce(runId);
        await sleep(this.delayMs);
      }
    });
  }

  /** A step that throws ends the run with its message instead of leaving it "playing" forever. */
  private async guarded(runId: number, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (e) {
      if (this.runId !== runId) return;
      this.playing = false;
      this.dropProcess();
      this.state('cancelled', `Sampling stopped: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async stepOnce(runId: number): Promise<void> {
    const process = this.process;
    if (!process || process.done) return;
    const start = performance.now();
    const s = process.step();
    try {
      const frame = await frameOf(s, this.columns, () => {
        this.computeMs += performance.now() - start;
        return this.computeMs;
      });
      if (this.runId !== runId) return;
      this.postFrame(runId, 'main', frame);
    } finally {
      s.x.dispose();
      s.predX0.dispose();
    }
    if (process.done && this.runId === runId) {
      this.playing = false;
      this.dropProcess();
      this.state('done');
    }
  }

  /** Two settings from the same starting noise, one after the other, timed separately. */
  async compare(runId: number, a: SampleSettings, b: SampleSettings): Promise<void> {
    this.cancel(runId, false);
    const model = this.model();
    if (!model) {
      this.state('cancelled', NO_MODEL);
      return;
    }
    const refusal = [a, b]
      .map((x) => samplerRefusal(model.prediction, x.sampler))
      .find((r) => r !== null);
    if (refusal) {
      this.state('cancelled', refusal);
      return;
    }
    this.state('playing');
    const generation = this.generation;
    const stopped = () => this.runId !== runId || this.generation !== generation;
    const results: { side: 'a' | 'b'; steps: number; wallMs: number }[] = [];
    for (const [side, settings] of [['a', a] as const, ['b', b] as const]) {
      const process = new ReverseProcess(
        model.denoise,
        model.schedule,
        sampleOptions(settings, model.prediction),
      );
      const columns = gridColumns(settings.count);
      const every = Math.max(1, Math.ceil(process.timesteps.length / COMPARE_FRAMES));
      const start = performance.now();
      try {
        while (!process.done) {
          const s = process.step();
          const show = s.index % every === 0 || process.done;
          try {
            if (show) {
              const frame = await frameOf(s, columns, () => performance.now() - start);
              if (stopped()) return;
              this.postFrame(runId, side, frame);
            }
          } finally {
            s.x.dispose();
            s.predX0.dispose();
          }
          await sleep(0);
          if (stopped()) return;
        }
        await process.current.data();
        results.push({ side, steps: process.timesteps.length, wallMs: performance.now() - start });
      } finally {
        process.dispose();
      }
    }
    this.post({ type: 'sample/compared', runId, results });
    this.state('done');
  }
}

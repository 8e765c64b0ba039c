/**
 * The forward-noising visualizer's worker side: holds x0, ε and the schedule for the current run
 * and answers each timestep with x_t as pixels. Everything for one run is computed once here so
 * scrubbing costs one 784-value pass per frame.
 */
import { evenlySpacedTimesteps, scheduleOf, type Schedule } from '../ml/schedule';
import { gaussian } from '../ml/random';
import { hstack, modelToPixels, pixelsToModel, qSampleAt } from '../ml/forward';
import {
  IMAGE_PIXELS,
  IMAGE_SIZE,
  STRIP_GAP,
  type FromWorker,
  type ToWorker,
} from '../shared/protocol';

type Post = (message: FromWorker, transfer: Transferable[]) => void;
type Config = Extract<ToWorker, { type: 'forward/config' }>;

interface Run {
  readonly runId: number;
  readonly schedule: Schedule;
  readonly x0: Float32Array;
  readonly eps: Float32Array;
}

export class ForwardJob {
  private run: Run | null = null;

  constructor(private readonly post: Post) {}

  configure(config: Config): void {
    if (config.x0.length !== IMAGE_PIXELS) throw new Error(`x0 has ${config.x0.length} pixels`);
    const schedule = scheduleOf(config.schedule);
    const run: Run = {
      runId: config.runId,
      schedule,
      x0: pixelsToModel(config.x0),
      eps: gaussian(config.noiseSeed, IMAGE_PIXELS),
    };
    this.run = run;
    const noise = modelToPixels(run.eps);
    this.post(
      {
        type: 'forward/noise',
        runId: run.runId,
        frame: { width: IMAGE_SIZE, height: IMAGE_SIZE, pixels: noise },
      },
      [noise.buffer],
    );
    const timesteps = evenlySpacedTimesteps(schedule.T, config.stripCount);
    const images = timesteps.map((t) => modelToPixels(qSampleAt(schedule, t, run.x0, run.eps)));
    const strip = hstack(images, IMAGE_SIZE, STRIP_GAP);
    const width = strip.length / IMAGE_SIZE;
    this.post(
      {
        type: 'forward/strip',
        runId: run.runId,
        timesteps,
        frame: { width, height: IMAGE_SIZE, pixels: strip },
      },
      [strip.buffer],
    );
  }

  frame(runId: number, t: number): void {
    const run = this.run;
    // A frame for an older run is stale: the page has moved on.
    if (!run || run.runId !== runId) return;
    const clamped = Math.min(run.schedule.T - 1, Math.max(0, Math.round(t)));
    const pixels = modelToPixels(qSampleAt(run.schedule, clamped, run.x0, run.eps));
    this.post(
      {
        type: 'forward/frame',
        runId,
        t: clamped,
        frame: { width: IMAGE_SIZE, height: IMAGE_SIZE, pixels },
      },
      [pixels.buffer],
    );
  }
}

/**
 * Progress metering of a training run, apart from the run itself: training time (the clock
 * stops for previews, scoring and saving), steps/s over recent steps, ETA, the loss per timestep
 * bucket, and when the quality meter is due. Plain numbers in, plain numbers out: unit-tested
 * without tfjs or a worker.
 */
import {
  QUALITY_FIRST_MS,
  QUALITY_SHARE,
  TIMESTEP_BUCKETS,
  type TrainProgressStats,
  type TrainSettings,
} from '../shared/train-protocol';

/** Steps the steps/s figure is taken over. */
const RATE_WINDOW = 30;
/** How fast the per-bucket loss follows new samples (an exponential moving average). */
const BUCKET_SMOOTHING = 0.05;

export interface MeteredStep {
  readonly lr: number;
  readonly gradNorm: number;
  readonly timesteps: ArrayLike<number>;
  readonly perSampleLoss: ArrayLike<number>;
}

export class TrainMeter {
  /** Training time of this model's runs, ms. */
  elapsedMs = 0;
  private stepTimes: number[] = [];
  private buckets = new Array<number>(TIMESTEP_BUCKETS).fill(NaN);
  private clock = 0;
  private lr = 0;
  private gradNorm = 0;
  private nextQualityMs = QUALITY_FIRST_MS;

  /** A new model: everything starts again. */
  reset(): void {
    this.elapsedMs = 0;
    this.buckets.fill(NaN);
    this.nextQualityMs = QUALITY_FIRST_MS;
    this.stepTimes = [];
  }

  /** A run starts (or resumes) at `now`: the rate is measured afresh. */
  startRun(now: number): void {
    this.stepTimes = [];
    this.clock = now;
  }

  /** The clock resumes at `now`: time since the last mark was not training (a preview, a save). */
  resumeAt(now: number): void {
    this.clock = now;
  }

  /** One training step ended at `now`, for a model with T timesteps. */
  step(now: number, s: MeteredStep, T: number): void {
    this.elapsedMs += now - this.clock;
    this.clock = now;
    this.stepTimes.push(now);
    if (this.stepTimes.length > RATE_WINDOW) this.stepTimes.shift();
    this.lr = s.lr;
    this.gradNorm = s.gradNorm;
    for (let i = 0; i < s.timesteps.length; i++) {
      const t = s.timesteps[i] ?? 0;
      const b = Math.min(TIMESTEP_BUCKETS - 1, Math.floor((t * TIMESTEP_BUCKETS) / T));
      const l = s.perSampleLoss[i] ?? NaN;
      const prev = this.buckets[b] ?? NaN;
      this.buckets[b] = Number.isNaN(prev) ? l : prev + BUCKET_SMOOTHING * (l - prev);
    }
  }

  /** Whether the quality meter should run after `step`. */
  qualityDue(every: TrainSettings['qualityEvery'], step: number): boolean {
    const e = every ?? 0;
    return e === 'auto' ? this.elapsedMs >= this.nextQualityMs : e > 0 && step % e === 0;
  }

  /** A measurement took `ms`: with 'auto', the next waits until it is ≤ QUALITY_SHARE again. */
  qualityTook(ms: number): void {
    this.nextQualityMs = this.elapsedMs + (ms * (1 - QUALITY_SHARE)) / QUALITY_SHARE;
  }

  /** The figures of a progress message, less what only the trainer knows (replay). */
  stats(step: number, settings: TrainSettings): Omit<TrainProgressStats, 'replay'> {
    const times = this.stepTimes;
    const span = times.length > 1 ? (times[times.length - 1]! - times[0]!) / 1000 : 0;
    const stepsPerSec = span > 0 ? (times.length - 1) / span : 0;
    return {
      step,
      totalSteps: settings.totalSteps,
      stepsPerSec,
      imagesPerSec: stepsPerSec * settings.batchSize,
      elapsedMs: this.elapsedMs,
      etaMs: stepsPerSec > 0 ? ((settings.totalSteps - step) / stepsPerSec) * 1000 : NaN,
      lr: this.lr,
      gradNorm: this.gradNorm,
      bucketLoss: [...this.buckets],
    };
  }
}

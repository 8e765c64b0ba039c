/**
 * Training the 2-D denoiser, one step at a time so the caller (the lab's worker, the bench) can
 * report, yield to messages and stop between steps.
 */
import type { Schedule } from '../schedule';
import { learningRate } from '../train/lr';
import { Mlp, type Activation } from './mlp';
import { drawBatch, x0LossWeight, type Objective } from './objective';
import type { PointSet } from './points';

export interface Lab2dTrainSettings {
  readonly objective: Objective;
  readonly steps: number;
  readonly batchSize: number;
  /** Adam's peak rate: reached after `warmup` steps, then a cosine down to a tenth of it. */
  readonly learningRate: number;
  readonly warmup: number;
  /** Decay of the weights' moving average that sampling uses; 0: sample the last weights. */
  readonly emaDecay: number;
  /**
   * Min-SNR-γ loss weights for x₀-prediction (see x0LossWeight); 0: plain mean squared error.
   * ε, v and flow matching keep the plain error: weighting ε or v this way measured no better.
   */
  readonly minSnrGamma: number;
  readonly hidden: number;
  readonly layers: number;
  readonly activation: Activation;
  /** Octaves of Fourier features of the position (see MlpConfig). */
  readonly fourier: number;
  /** Train with labels (and label dropout) so sampling can be guided; needs ≥ 2 classes. */
  readonly conditional: boolean;
  readonly seed: number;
}

export const DEFAULT_LAB2D_TRAIN: Lab2dTrainSettings = {
  objective: 'epsilon',
  steps: 1500,
  batchSize: 128,
  learningRate: 1e-2,
  warmup: 100,
  emaDecay: 0.995,
  // Far above the paper's 5: in 2-D the x₀ samples kept improving up to γ ≈ 200 (at the linear
  // schedule's t ≈ 20), where the weight is ε's loss but for the cleanest few steps.
  minSnrGamma: 200,
  hidden: 64,
  layers: 3,
  // ReLU fuses into its matMul: a step costs about a fifth less than with SiLU, with samples as
  // close to the data (bench/README.md).
  activation: 'relu',
  fourier: 4,
  conditional: true,
  seed: 1,
};

export class Lab2dTrainer {
  readonly model: Mlp;
  private done = 0;

  constructor(
    readonly data: PointSet,
    readonly schedule: Schedule,
    readonly settings: Lab2dTrainSettings,
  ) {
    const conditional = settings.conditional && data.classes > 1;
    this.model = new Mlp(
      {
        hidden: settings.hidden,
        layers: settings.layers,
        classes: conditional ? data.classes : 0,
        objective: settings.objective,
        activation: settings.activation,
        fourier: settings.fourier,
      },
      settings.seed,
      settings.emaDecay,
    );
  }

  get step(): number {
    return this.done;
  }

  get finished(): boolean {
    return this.done >= this.settings.steps;
  }

  /** One training step; returns its loss. */
  async next(): Promise<number> {
    const s = this.settings;
    const batch = drawBatch(
      this.data,
      s.objective,
      this.schedule,
      s.batchSize,
      s.seed,
      this.done,
      this.model.config.classes > 0,
    );
    const { timesteps } = batch;
    const weighted =
      s.minSnrGamma > 0 && timesteps && s.objective === 'x0'
        ? {
            ...batch,
            weight: Float32Array.from(timesteps, (t) =>
              x0LossWeight(this.schedule.alphasCumprod[t] ?? 0, s.minSnrGamma),
            ),
          }
        : batch;
    const lr = learningRate(this.done + 1, {
      peak: s.learningRate,
      // A run shorter than the warmup (the lab allows a few steps) ramps over all of it.
      warmup: Math.min(s.warmup, s.steps),
      total: s.steps,
      floor: s.learningRate / 10,
    });
    const loss = await this.model.step(weighted, lr);
    this.done += 1;
    return loss;
  }

  /** The model to sample with: the moving average of its weights when there is one. */
  result(): Mlp {
    this.model.useAverage();
    return this.model;
  }
}

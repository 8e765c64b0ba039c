/**
 * What the 2-D model learns to predict and how a training batch is drawn, in plain typed arrays
 * (only the network itself runs in tfjs, so a step dispatches as few kernels as possible).
 */
import { gaussian, mulberry32 } from '../random';
import { alphaBarAt, type Schedule } from '../schedule';
import { flowTargets } from './flow';
import type { PointSet } from './points';

export const OBJECTIVES = ['epsilon', 'v', 'x0', 'flow'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export const OBJECTIVE_LABELS: Record<Objective, string> = {
  epsilon: 'Noise ε (DDPM)',
  v: 'Velocity v (v-prediction)',
  x0: 'Clean point x₀',
  flow: 'Flow matching (ε − x₀)',
};

export function isFlow(objective: Objective): boolean {
  return objective === 'flow';
}

/**
 * The network's time input: the integer diffusion t, or flow-matching t ∈ [0, 1] scaled to the
 * same 0..1000 range, so one sinusoidal embedding serves both.
 */
export function timeInput(objective: Objective, time: number, T: number): number {
  return isFlow(objective) ? time * 1000 : (time * 1000) / T;
}

export interface Batch {
  readonly xt: Float32Array;
  readonly target: Float32Array;
  /** Network time input per point (see timeInput). */
  readonly tau: Float32Array;
  /** Class per point, or `classes` for "no label" (dropped for guidance); null when unlabelled. */
  readonly labels: Int32Array | null;
  /** The diffusion timestep per point (null for flow matching), for loss weights. */
  readonly timesteps: Int32Array | null;
  /** Each point's weight in the loss; absent: all 1. */
  readonly weight?: Float32Array;
}

/** Share of training examples whose label is hidden, so one network also learns p(x) for guidance. */
export const LABEL_DROPOUT = 0.1;

/** One batch, reproducible from (seed, step). */
export function drawBatch(
  data: PointSet,
  objective: Objective,
  schedule: Schedule,
  size: number,
  seed: number,
  step: number,
  conditional: boolean,
): Batch {
  const rng = mulberry32((seed * 1_000_003 + step * 7919) >>> 0);
  const n = data.labels.length;
  const x0 = new Float32Array(2 * size);
  const labels = conditional ? new Int32Array(size) : null;
  for (let b = 0; b < size; b++) {
    const i = Math.floor(rng() * n);
    x0[2 * b] = data.xy[2 * i] ?? 0;
    x0[2 * b + 1] = data.xy[2 * i + 1] ?? 0;
    if (labels) labels[b] = rng() < LABEL_DROPOUT ? data.classes : (data.labels[i] ?? 0);
  }
  const eps = gaussian((seed * 31 + step * 104_729 + 17) >>> 0, 2 * size);
  const tau = new Float32Array(size);
  if (isFlow(objective)) {
    const t = Float32Array.from({ length: size }, () => rng());
    t.forEach((tb, b) => (tau[b] = timeInput(objective, tb, schedule.T)));
    return { ...flowTargets(x0, eps, t), tau, labels, timesteps: null };
  }
  const xt = new Float32Array(2 * size);
  const target = new Float32Array(2 * size);
  const timesteps = new Int32Array(size);
  for (let b = 0; b < size; b++) {
    const t = Math.floor(rng() * schedule.T);
    timesteps[b] = t;
    tau[b] = timeInput(objective, t, schedule.T);
    const ab = alphaBarAt(schedule, t);
    const [a, s] = [Math.sqrt(ab), Math.sqrt(1 - ab)];
    for (let k = 2 * b; k < 2 * b + 2; k++) {
      const x = x0[k] ?? 0;
      const e = eps[k] ?? 0;
      xt[k] = a * x + s * e;
      target[k] = objective === 'epsilon' ? e : objective === 'v' ? a * e - s * x : x;
    }
  }
  return { xt, target, tau, labels, timesteps };
}

/**
 * The loss weight of one x₀ target at ᾱ under min-SNR-γ (Hang et al. 2023): x₀'s squared error is
 * ε's divided by SNR = ᾱ/(1−ᾱ), so weighting it by min(SNR, γ) makes it ε's loss on all but the
 * cleanest points and puts up to γ times more weight on those, where x₀ must copy its input.
 */
export function x0LossWeight(alphaBar: number, gamma: number): number {
  return Math.min(alphaBar / (1 - alphaBar), gamma);
}

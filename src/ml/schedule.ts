/**
 * Noise schedules following diffusers' DDPMScheduler (0-based t, docs/ARCHITECTURE.md, "Diffusion math").
 * Float64 throughout: ᾱ_t is a long product and the chart shows log-SNR near t = T−1.
 */
export const SCHEDULE_KINDS = ['linear', 'cosine', 'scaled-linear', 'sigmoid'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export const T_MIN = 10;
export const T_MAX = 1000;

export interface Schedule {
  readonly kind: ScheduleKind;
  readonly T: number;
  /** Rescaled so that ᾱ at T−1 is exactly 0 (rescaleZeroTerminalSnr). */
  readonly zeroTerminalSnr: boolean;
  readonly betas: Float64Array;
  readonly alphas: Float64Array;
  readonly alphasCumprod: Float64Array;
}

const BETA_START = 1e-4;
const BETA_END = 0.02;
const COSINE_S = 0.008;
const COSINE_MAX_BETA = 0.999;

function linspace(start: number, end: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = start;
    return out;
  }
  const step = (end - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = start + step * i;
  return out;
}

function cosineBetas(T: number): Float64Array {
  const f = (u: number) => Math.cos(((u + COSINE_S) / (1 + COSINE_S)) * (Math.PI / 2)) ** 2;
  const betas = new Float64Array(T);
  for (let i = 0; i < T; i++) {
    betas[i] = Math.min(1 - f((i + 1) / T) / f(i / T), COSINE_MAX_BETA);
  }
  return betas;
}

function makeBetas(kind: ScheduleKind, T: number): Float64Array {
  switch (kind) {
    case 'linear':
      return linspace(BETA_START, BETA_END, T);
    case 'scaled-linear':
      return linspace(Math.sqrt(BETA_START), Math.sqrt(BETA_END), T).map((b) => b * b);
    case 'sigmoid':
      return linspace(-6, 6, T).map(
        (x) => (1 / (1 + Math.exp(-x))) * (BETA_END - BETA_START) + BETA_START,
      );
    case 'cosine':
      return cosineBetas(T);
    default: {
      const never: never = kind;
      throw new Error(`unknown schedule kind: ${String(never)}`);
    }
  }
}

export function isScheduleKind(value: string): value is ScheduleKind {
  return (SCHEDULE_KINDS as readonly string[]).includes(value);
}

/**
 * Zero terminal SNR (Lin et al. 2023, "Common Diffusion Noise Schedules and Sample Steps are
 * Flawed"; diffusers' `rescale_zero_terminal_snr`): shift √ᾱ so its last value is 0 and scale it
 * so its first is unchanged, then read the betas back. Most schedules end with some signal left
 * (linear at T = 50: ᾱ_{T−1} = 0.60), so training never sees pure noise while sampling starts
 * from it; after rescaling x_{T−1} is pure noise and the last β is exactly 1.
 */
export function rescaleZeroTerminalSnr(betas: Float64Array): Float64Array {
  const T = betas.length;
  const sqrtBar = new Float64Array(T);
  let prod = 1;
  for (let i = 0; i < T; i++) {
    prod *= 1 - (betas[i] ?? 0);
    sqrtBar[i] = Math.sqrt(prod);
  }
  const first = sqrtBar[0] ?? 1;
  const last = sqrtBar[T - 1] ?? 0;
  // T = 1: first = last, nothing to stretch; its one β goes to 1 like every last β.
  const scale = first === last ? 0 : first / (first - last);
  const bar = sqrtBar.map((s) => ((s - last) * scale) ** 2);
  return bar.map((b, i) => (i === 0 ? 1 - b : 1 - b / (bar[i - 1] ?? 1)));
}

/** The schedule a ScheduleConfig names (a missing zeroTerminalSnr, as in older files, is off). */
export function scheduleOf(config: {
  readonly kind: ScheduleKind;
  readonly T: number;
  readonly zeroTerminalSnr?: boolean;
}): Schedule {
  return makeSchedule(config.kind, config.T, config.zeroTerminalSnr ?? false);
}

export function makeSchedule(kind: ScheduleKind, T: number, zeroTerminalSnr = false): Schedule {
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`T must be a positive integer, got ${T}`);
  const plain = makeBetas(kind, T);
  const betas = zeroTerminalSnr ? rescaleZeroTerminalSnr(plain) : plain;
  const alphas = betas.map((b) => 1 - b);
  const alphasCumprod = new Float64Array(T);
  let prod = 1;
  for (let i = 0; i < T; i++) {
    prod *= alphas[i] ?? 1;
    alphasCumprod[i] = prod;
  }
  return { kind, T, zeroTerminalSnr, betas, alphas, alphasCumprod };
}

/** ᾱ at t, with diffusers' convention ᾱ_prev = 1 for t < 0. */
export function alphaBarAt(schedule: Schedule, t: number): number {
  if (t < 0) return 1;
  const value = schedule.alphasCumprod[t];
  if (value === undefined) throw new RangeError(`t=${t} outside 0..${schedule.T - 1}`);
  return value;
}

/** The live numbers the forward panel shows for one timestep. */
export interface TimestepStats {
  readonly t: number;
  readonly beta: number;
  readonly alphaBar: number;
  readonly sqrtAlphaBar: number;
  readonly sqrtOneMinusAlphaBar: number;
  readonly snr: number;
  readonly logSnr: number;
}

export function timestepStats(schedule: Schedule, t: number): TimestepStats {
  const alphaBar = alphaBarAt(schedule, t);
  const snr = alphaBar / (1 - alphaBar);
  return {
    t,
    beta: schedule.betas[t] ?? 0,
    alphaBar,
    sqrtAlphaBar: Math.sqrt(alphaBar),
    sqrtOneMinusAlphaBar: Math.sqrt(1 - alphaBar),
    snr,
    logSnr: Math.log(snr),
  };
}

/** `count` evenly spaced timesteps from 0 to T−1 inclusive (the forward strip). */
export function evenlySpacedTimesteps(T: number, count: number): number[] {
  if (count <= 1) return [0];
  return Array.from({ length: count }, (_, i) => Math.round((i * (T - 1)) / (count - 1)));
}

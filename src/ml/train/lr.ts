/**
 * Learning-rate schedule: linear warmup, then half a cosine down to a floor, then the floor.
 * Warmup matters for Adam here: its first steps use tiny second-moment estimates, and a full-size
 * step through a freshly initialised UNet can throw the loss to NaN.
 */
export interface LrOptions {
  readonly peak: number;
  /** Updates spent ramping from peak/warmup up to peak; 0 starts at peak. */
  readonly warmup: number;
  /** Update at which the cosine reaches `floor`. */
  readonly total: number;
  readonly floor: number;
}

export function validateLr(o: LrOptions): void {
  if (!(o.peak > 0)) throw new RangeError(`peak lr must be > 0, got ${o.peak}`);
  if (!(o.floor >= 0 && o.floor <= o.peak)) {
    throw new RangeError(`floor must be in [0, peak], got ${o.floor}`);
  }
  if (!(o.warmup >= 0 && o.total >= o.warmup)) {
    throw new RangeError(`need 0 ≤ warmup ≤ total, got warmup=${o.warmup}, total=${o.total}`);
  }
}

/**
 * The rate for update number `step`, counted from 1 like Adam's bias-correction step, so the
 * first update already moves (diffusers' 0-based version spends its first step at lr = 0).
 */
export function learningRate(step: number, o: LrOptions): number {
  validateLr(o);
  if (step <= 0) return 0;
  if (step < o.warmup) return (o.peak * step) / o.warmup;
  const span = o.total - o.warmup;
  if (span <= 0) return step === o.warmup ? o.peak : o.floor;
  const progress = Math.min((step - o.warmup) / span, 1);
  return o.floor + (o.peak - o.floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

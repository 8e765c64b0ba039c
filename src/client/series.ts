/**
 * Growing series (loss per step, throughput) kept outside React: the worker sends only new
 * points, charts read a down-sampled copy at their own pace.
 */
export interface Point {
  readonly step: number;
  readonly value: number;
}

export class Series {
  private points: Point[] = [];
  private version = 0;
  private readonly listeners = new Set<() => void>();

  replace(points: readonly Point[]): void {
    this.points = [...points];
    this.changed();
  }

  append(points: readonly Point[]): void {
    if (points.length === 0) return;
    this.points.push(...points);
    this.changed();
  }

  get length(): number {
    return this.points.length;
  }

  /** Every point, for a summary that must not miss the lowest (downsample averages it away). */
  get all(): readonly Point[] {
    return this.points;
  }

  get revision(): number {
    return this.version;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** At most `max` points: bucket means, so a spike is not lost to plain striding. */
  downsample(max: number): Point[] {
    const n = this.points.length;
    if (n <= max) return [...this.points];
    const per = n / max;
    const out: Point[] = [];
    for (let b = 0; b < max; b++) {
      const from = Math.floor(b * per);
      const to = Math.max(from + 1, Math.floor((b + 1) * per));
      let sum = 0;
      for (let i = from; i < to; i++) sum += this.points[i]?.value ?? 0;
      out.push({ step: this.points[to - 1]?.step ?? 0, value: sum / (to - from) });
    }
    return out;
  }

  private changed(): void {
    this.version += 1;
    this.listeners.forEach((l) => l());
  }
}

/** Exponential smoothing like TensorBoard's slider: 0 = raw, 0.99 = very smooth, debiased. */
export function smooth(points: readonly Point[], weight: number): Point[] {
  let last = 0;
  let norm = 0;
  return points.map((p) => {
    last = last * weight + (1 - weight) * p.value;
    norm = norm * weight + (1 - weight);
    return { step: p.step, value: norm > 0 ? last / norm : p.value };
  });
}

export const lossSeries = new Series();
export const throughputSeries = new Series();

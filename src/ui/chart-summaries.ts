/**
 * One sentence per chart for screen readers (the chart itself is a picture): what it holds, the
 * latest value and the notable one, e.g. "Loss: 412 points, last 0.031, lowest 0.029 at step 380".
 */
import { fmt, formatDuration } from './format';

export interface SummaryPoint {
  readonly step: number;
  readonly value: number;
}

function extreme(points: readonly SummaryPoint[], pick: 'min' | 'max'): SummaryPoint | null {
  let best: SummaryPoint | null = null;
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    if (!best || (pick === 'min' ? p.value < best.value : p.value > best.value)) best = p;
  }
  return best;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function lossSummary(points: readonly SummaryPoint[]): string {
  const last = points.at(-1);
  const low = extreme(points, 'min');
  if (!last || !low) return 'Loss: no points yet; they appear once training runs.';
  return `Loss: ${plural(points.length, 'point')}, last ${fmt(last.value, 2)} at step ${last.step}, lowest ${fmt(low.value, 2)} at step ${low.step}`;
}

export function throughputSummary(points: readonly SummaryPoint[]): string {
  const last = points.at(-1);
  const high = extreme(points, 'max');
  if (!last || !high) return 'Throughput: no points yet; they appear once training runs.';
  return `Throughput: ${plural(points.length, 'point')}, last ${fmt(last.value, 2)} steps/s at step ${last.step}, highest ${fmt(high.value, 2)} steps/s`;
}

/** `buckets[b]` is the mean loss for t in ranges[b] (NaN where no sample fell). */
export function bucketSummary(
  buckets: readonly number[] | undefined,
  ranges: readonly string[],
): string {
  const points = (buckets ?? []).map((value, step) => ({ step, value }));
  const high = extreme(points, 'max');
  const low = extreme(points, 'min');
  if (!high || !low) return 'Loss by timestep: no figures yet; they appear once training runs.';
  return `Loss by timestep over ${plural(points.filter((p) => Number.isFinite(p.value)).length, 'range')} of t: highest ${fmt(high.value, 2)} for t ${ranges[high.step] ?? ''}, lowest ${fmt(low.value, 2)} for t ${ranges[low.step] ?? ''}`;
}

/** Accuracy points: `value` in 0–1 at training time `step` in ms. */
export function accuracySummary(points: readonly SummaryPoint[]): string {
  const last = points.at(-1);
  const best = extreme(points, 'max');
  if (!last || !best) return 'Class accuracy against training time: no measurements yet.';
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  return `Class accuracy: ${plural(points.length, 'measurement')}, last ${pct(last.value)} after ${formatDuration(last.step)} of training, best ${pct(best.value)} after ${formatDuration(best.step)}`;
}

/** A schedule curve: its first and last values, per schedule shown. */
export function curveSummary(
  title: string,
  series: readonly { readonly name: string; readonly points: readonly SummaryPoint[] }[],
): string {
  const parts = series.map(({ name, points }) => {
    const finite = points.filter((p) => Number.isFinite(p.value));
    const first = finite[0];
    const last = finite.at(-1);
    if (!first || !last) return `${name}: no values`;
    return `${name} from ${fmt(first.value, 3)} at t = ${first.step} to ${fmt(last.value, 3)} at t = ${last.step}`;
  });
  return `${title} against t: ${parts.join('; ')}`;
}

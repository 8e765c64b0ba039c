/**
 * What the Train tab's charts showed besides the loss (which is the model's `history`): throughput,
 * the quality meter's points, the last loss-by-timestep figures and the last preview grid. It
 * belongs to the run, so it travels in the model's meta (autosave and file) and comes back after
 * a reload. Bounded: long runs keep every other point once a list is full.
 */
import type { TrainProgressStats, TrainQualityPoint } from './train-protocol';

export const MAX_THROUGHPUT_POINTS = 1000;
export const MAX_QUALITY_POINTS = 500;

export interface RunPreview {
  readonly step: number;
  readonly width: number;
  readonly height: number;
  readonly columns: number;
  readonly labels: readonly number[];
  /** The grayscale grid, base64 (compact in JSON). */
  readonly pixels: string;
}

export interface RunCharts {
  readonly throughput: { readonly steps: readonly number[]; readonly values: readonly number[] };
  readonly quality: readonly TrainQualityPoint[];
  /** The last progress figures (steps/s, ETA, loss by timestep…), or null before any. */
  readonly lastStats: TrainProgressStats | null;
  readonly preview: RunPreview | null;
}

export const EMPTY_RUN_CHARTS: RunCharts = {
  throughput: { steps: [], values: [] },
  quality: [],
  lastStats: null,
  preview: null,
};

/** `list` with `item` appended; once longer than `max`, every other older entry is dropped. */
export function boundedPush<T>(list: readonly T[], item: T, max: number): T[] {
  const out = [...list, item];
  return out.length <= max ? out : out.filter((_, i) => i % 2 === 1 || i === out.length - 1);
}

export function pixelsToBase64(pixels: Uint8Array): string {
  let s = '';
  for (let i = 0; i < pixels.length; i += 0x8000)
    s += String.fromCharCode(...pixels.subarray(i, i + 0x8000));
  return btoa(s);
}

export function base64ToPixels(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

const isNumber = (v: unknown): v is number => typeof v === 'number';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function checkedPreview(v: unknown): RunPreview | null {
  if (!isObject(v)) return null;
  const { step, width, height, columns, labels, pixels } = v;
  if (![step, width, height, columns].every(isNumber) || typeof pixels !== 'string') return null;
  if (!Array.isArray(labels) || !labels.every(isNumber)) return null;
  try {
    if (base64ToPixels(pixels).length !== (width as number) * (height as number)) return null;
  } catch {
    return null;
  }
  return v as unknown as RunPreview;
}

/**
 * The charts of a model's meta, or the empty ones: they are the run's record, not its weights, so
 * a missing (older files) or damaged part is dropped rather than refusing the model.
 */
export function checkedRunCharts(value: unknown): RunCharts {
  if (!isObject(value)) return EMPTY_RUN_CHARTS;
  const t = value['throughput'];
  const steps = isObject(t) ? t['steps'] : null;
  const values = isObject(t) ? t['values'] : null;
  const throughput =
    Array.isArray(steps) &&
    Array.isArray(values) &&
    steps.length === values.length &&
    steps.every(isNumber) &&
    values.every(isNumber)
      ? { steps: steps, values: values }
      : EMPTY_RUN_CHARTS.throughput;
  const q = value['quality'];
  const quality = Array.isArray(q)
    ? (q.filter(
        (p) => isObject(p) && isNumber(p['step']) && isNumber(p['elapsedMs']) && isNumber(p['kid']),
      ) as TrainQualityPoint[])
    : [];
  const s = value['lastStats'];
  const lastStats =
    isObject(s) && isNumber(s['step']) && Array.isArray(s['bucketLoss'])
      ? (s as unknown as TrainProgressStats)
      : null;
  return { throughput, quality, lastStats, preview: checkedPreview(value['preview']) };
}

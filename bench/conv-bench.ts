/**
 * Filter gradient of a 3×3 'same' conv: tfjs' stock Conv2DBackpropFilter kernel against the
 * im2col variants of src/ml/conv2d.ts, on the UNet's conv shapes, in one process per backend.
 */
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Tf } from '../src/node/backends';
import { type ConvStride, type FilterGradVariant, conv2dFilterGrad } from '../src/ml/conv2d';
import { type MeasureOptions, type Timing, fmtMs, measure, table } from './timing';

export interface ConvShape {
  readonly h: number;
  readonly cin: number;
  readonly cout: number;
  readonly stride: ConvStride;
}

export const CONV_SHAPES: readonly ConvShape[] = [
  { h: 28, cin: 32, cout: 32, stride: 1 },
  { h: 14, cin: 64, cout: 64, stride: 1 },
  { h: 7, cin: 128, cout: 128, stride: 1 },
  { h: 28, cin: 32, cout: 64, stride: 2 },
  { h: 14, cin: 64, cout: 128, stride: 2 },
];

/** Stock first: it is the baseline every other column is compared with. */
export const CONV_VARIANTS: readonly FilterGradVariant[] = [
  'stock',
  'matmul2d',
  'matmul2dT',
  'depthwise',
  'splitK',
];

export interface ConvRecord {
  readonly backend: string;
  readonly batch: number;
  readonly shape: ConvShape;
  readonly variant: FilterGradVariant;
  readonly status: 'ok' | 'unsupported' | 'skipped' | 'error';
  readonly timing?: Timing;
  /** stock median ÷ this median: > 1 means faster than stock. */
  readonly speedupVsStock?: number;
  /** max|this − stock| / max|stock| on the same inputs. */
  readonly relErrVsStock?: number;
  readonly note?: string;
}

export interface ConvBenchOptions {
  readonly batches: readonly number[];
  readonly measure: MeasureOptions;
  /** A call predicted (from a smaller batch) to take longer than this is skipped. */
  readonly skipAboveMs: number;
  readonly log: (line: string) => void;
}

export function shapeLabel(s: ConvShape): string {
  return `${s.h}² ${s.cin}→${s.cout} s${s.stride}`;
}

function relErr(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
    den = Math.max(den, Math.abs(b[i] ?? NaN));
  }
  return den === 0 ? num : num / den;
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

export async function runConvBench(
  tf: Tf,
  backend: string,
  opts: ConvBenchOptions,
): Promise<ConvRecord[]> {
  const records: ConvRecord[] = [];
  // ms per multiply-add of each variant, from its latest measurement on this backend (any shape or
  // batch), to predict the next call: a variant's speed depends mostly on the GEMM size.
  const msPerMac = new Map<FilterGradVariant, number>();
  const sorted = [...opts.batches].sort((a, b) => a - b);
  for (const batch of sorted) {
    for (const [si, shape] of CONV_SHAPES.entries()) {
      const ho = Math.ceil(shape.h / shape.stride);
      const macs = batch * ho * ho * 9 * shape.cin * shape.cout;
      const filterShape = [3, 3, shape.cin, shape.cout] as const;
      const x = tf.randomUniform(
        [batch, shape.h, shape.h, shape.cin],
        -1,
        1,
        'float32',
        1 + si,
      ) as Tensor4D;
      const dy = tf.randomUniform(
        [batch, ho, ho, shape.cout],
        -1,
        1,
        'float32',
        101 + si,
      ) as Tensor4D;
      // The values of each variant's latest call, compared with stock's at the end: no extra calls.
      const last = new Map<FilterGradVariant, Float32Array>();
      const run = async (variant: FilterGradVariant): Promise<void> => {
        const out = conv2dFilterGrad(x, dy, filterShape, shape.stride, variant);
        try {
          last.set(variant, await out.data<'float32'>());
        } finally {
          out.dispose();
        }
      };
      let stockMs: number | undefined;
      let stockOut: Float32Array | undefined;
      for (const variant of CONV_VARIANTS) {
        const base = { backend, batch, shape, variant };
        const rate = msPerMac.get(variant);
        const predicted = rate === undefined ? undefined : rate * macs;
        if (predicted !== undefined && predicted > opts.skipAboveMs) {
          const note = `skipped: ~${fmtMs(predicted)} per call predicted (limit ${fmtMs(opts.skipAboveMs)})`;
          records.push({ ...base, status: 'skipped', note });
          opts.log(`  ${backend} b${batch} ${shapeLabel(shape)} ${variant}: ${note}`);
          continue;
        }
        let timing: Timing;
        try {
          timing = await measure(() => run(variant), opts.measure, {
            coldLimitMs: opts.skipAboveMs,
          });
        } catch (error) {
          const unsupported = /not registered|not implemented|unsupported/i.test(message(error));
          records.push({
            ...base,
            status: unsupported ? 'unsupported' : 'error',
            note: message(error),
          });
          opts.log(`  ${backend} b${batch} ${shapeLabel(shape)} ${variant}: ${message(error)}`);
          continue;
        }
        msPerMac.set(variant, timing.medianMs / macs);
        let relErrVsStock: number | undefined;
        const values = last.get(variant);
        if (variant === 'stock') {
          stockMs = timing.medianMs;
          stockOut = values;
        } else if (stockOut && values) {
          relErrVsStock = relErr(values, stockOut);
        }
        records.push({
          ...base,
          status: 'ok',
          timing,
          ...(stockMs !== undefined && variant !== 'stock'
            ? { speedupVsStock: stockMs / timing.medianMs }
            : {}),
          ...(relErrVsStock !== undefined ? { relErrVsStock } : {}),
        });
        opts.log(
          `  ${backend} b${batch} ${shapeLabel(shape)} ${variant}: ${fmtMs(timing.medianMs)}` +
            (timing.cold
              ? ' (cold call only)'
              : ` (${timing.runs} runs, first ${fmtMs(timing.firstMs)})`),
        );
      }
      tf.dispose([x, dy]);
    }
  }
  return records;
}

function cell(r: ConvRecord | undefined): string {
  if (!r) return '—';
  if (r.status === 'unsupported') return 'unsupported';
  if (r.status === 'skipped') return 'skipped';
  if (r.status === 'error' || !r.timing) return 'error';
  const once = r.timing.cold ? '†' : r.timing.runs === 1 ? '*' : '';
  const speed = r.speedupVsStock === undefined ? '' : ` (${r.speedupVsStock.toFixed(2)}×)`;
  return `${fmtMs(r.timing.medianMs)}${once}${speed}`;
}

/** One table per backend: rows shape × batch, columns variants; × = stock ms ÷ variant ms. */
export function formatConvTable(records: readonly ConvRecord[]): string {
  const batches = [...new Set(records.map((r) => r.batch))].sort((a, b) => a - b);
  const rows: string[][] = [];
  for (const batch of batches) {
    for (const shape of CONV_SHAPES) {
      const at = (v: FilterGradVariant): ConvRecord | undefined =>
        records.find((r) => r.batch === batch && r.shape === shape && r.variant === v);
      const errs = CONV_VARIANTS.map((v) => at(v)?.relErrVsStock).filter(
        (e): e is number => e !== undefined,
      );
      rows.push([
        shapeLabel(shape),
        String(batch),
        ...CONV_VARIANTS.map((v) => cell(at(v))),
        errs.length > 0 ? Math.max(...errs).toExponential(1) : '—',
      ]);
    }
  }
  return table(['shape', 'batch', ...CONV_VARIANTS, 'max rel err'], rows);
}

export function convNotes(records: readonly ConvRecord[]): string[] {
  const seen = new Set<string>();
  const notes: string[] = [];
  for (const r of records) {
    if (r.status === 'ok' || !r.note) continue;
    const line =
      r.status === 'unsupported'
        ? `${r.variant}: unsupported (${r.note})`
        : `${r.variant} b${r.batch} ${shapeLabel(r.shape)}: ${r.note}`;
    if (!seen.has(line)) {
      seen.add(line);
      notes.push(line);
    }
  }
  if (records.some((r) => r.timing?.runs === 1 && !r.timing.cold)) {
    notes.push('* one timed call (after a warm-up): a call was over the timing budget');
  }
  if (records.some((r) => r.timing?.cold)) {
    notes.push('† first (cold) call only, compilation included: it was over the per-call limit');
  }
  return notes;
}

/**
 * Training and sampling speed of the UNet presets (src/ml/unet, src/ml/train) on one backend:
 * train steps/s and images/s, tensor memory (live after a step, peak during one via tf.profile,
 * and on webgpu the GPU bytes), and DDIM-50 sampling images/s at 16 samples with the EMA weights.
 * Inputs are random images in [-1, 1] and random labels: speed does not depend on the data.
 */
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import type { FilterGradVariant } from '../src/ml/conv2d';
import { ReverseProcess } from '../src/ml/sample';
import { makeSchedule } from '../src/ml/schedule';
import { filterGradForBackend } from '../src/ml/train/from-settings';
import { microBatchFor, stepPathFor } from '../src/ml/train/memory';
import { DEFAULT_MEMORY_LIMIT_MB } from '../src/shared/train-protocol';
import { createTrainer } from '../src/ml/train/step';
import { PRESETS, PRESET_NAMES, type Preset } from '../src/ml/unet/config';
import { countParams } from '../src/ml/unet/layout';
import { unetForward } from '../src/ml/unet/model';
import type { NodeBackendName, Tf } from '../src/node/backends';
import { fmtMs, table } from './timing';

/** The filter-gradient variant each backend trains with unless told otherwise (src/ml/conv2d.ts). */
export const DEFAULT_FILTER_GRAD: Readonly<Record<NodeBackendName, FilterGradVariant>> = {
  webgpu: filterGradForBackend('webgpu'),
  wasm: filterGradForBackend('wasm'),
  cpu: filterGradForBackend('cpu'),
};

/** Samples per DDIM run; the full bench also runs the larger count. */
export const SAMPLE_COUNTS = [16, 64] as const;
const GUIDANCE = 2;
export const DDIM_STEPS = 50;

export interface TrainBenchOptions {
  readonly quick: boolean;
  readonly filterGrad?: FilterGradVariant;
  /** Timed train steps: at least minSteps, then more until budgetMs is spent (at most maxSteps). */
  readonly minSteps?: number;
  readonly maxSteps?: number;
  readonly budgetMs?: number;
  /** A step predicted (from a smaller batch) to take longer than this is skipped. */
  readonly skipAboveMs?: number;
  /** The app's memory limit per step (MB): bigger batches run as summed micro-batches. */
  readonly memoryLimitMB?: number;
  readonly log: (line: string) => void;
}

type MemoryFields = Record<string, number>;

export interface TrainRecord {
  readonly backend: string;
  readonly preset: Preset;
  readonly params: number;
  readonly batch: number;
  /** Samples per forward/backward pass (the batch, or a micro-batch under the memory limit). */
  readonly microBatch?: number;
  readonly filterGrad: FilterGradVariant;
  readonly status: 'ok' | 'skipped' | 'error';
  readonly note?: string;
  /** The first step: compilation, buffer pools (and tf.profile's bookkeeping). */
  readonly firstStepMs?: number;
  readonly timedSteps?: number;
  /** The figure is the first step (it was over the skip limit): compilation included. */
  readonly cold?: boolean;
  /** Wall time of the timed steps ÷ their count, synced once at the end. */
  readonly msPerStep?: number;
  /**
   * webgpu where the device has timestamp queries: the GPU's own time for a recent timed
   * (replayed) step, ms. Near msPerStep: the step waits on the GPU; far below: on JavaScript.
   */
  readonly gpuMsPerStep?: number;
  readonly stepsPerSec?: number;
  readonly imagesPerSec?: number;
  /** tf.memory() after a step (params, Adam moments, EMA and whatever the backend keeps). */
  readonly memoryAfterStep?: MemoryFields;
  /** tf.profile's peakBytes over one whole step. */
  readonly peakBytes?: number;
  /** Tensors left behind by the trainer after dispose (should be 0). */
  readonly leakedTensors?: number;
  readonly samplings?: readonly SamplingRecord[];
}

export interface SamplingRecord {
  readonly samples: number;
  readonly steps: number;
  /** DDIM steps actually timed; fewer than `steps` means the figure is extrapolated. */
  readonly timedSteps: number;
  /** The figure is the warm-up step alone (it was over the skip limit): compilation included. */
  readonly cold: boolean;
  readonly msPerStep: number;
  readonly imagesPerSec: number;
}

function memoryFields(m: object): MemoryFields {
  const out: MemoryFields = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === 'number' && k !== 'numTensors' && k !== 'numDataBuffers') out[k] = v;
  }
  return out;
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

/** Resolves once every queued op on the backend has finished (reads one element). */
async function sync(t: Tensor): Promise<void> {
  await t.data();
}

function randomBatch(tf: Tf, batch: number, seed: number): { x0: Tensor4D; labels: Int32Array } {
  const x0 = tf.randomUniform([batch, 28, 28, 1], -1, 1, 'float32', seed) as Tensor4D;
  const labels = Int32Array.from({ length: batch }, (_, i) => (i * 7 + seed) % 10);
  return { x0, labels };
}

/**
 * DDIM-50 (η = 0, trailing) with classifier-free guidance (both passes in one batch), through the
 * app's own ReverseProcess; times what fits in `budgetMs` and extrapolates to 50 steps.
 */
async function benchSampling(
  params: ReadonlyMap<string, Tensor>,
  preset: Preset,
  count: number,
  budgetMs: number,
  skipAboveMs: number,
): Promise<SamplingRecord> {
  const config = PRESETS[preset];
  const process = new ReverseProcess(
    (xt, t, labels) => unetForward(params, config, xt, t, labels),
    makeSchedule('linear', 1000),
    {
      sampler: { kind: 'ddim', steps: DDIM_STEPS, spacing: 'trailing', eta: 0 },
      prediction: 'epsilon',
      clip: true,
      labels: Int32Array.from({ length: count }, (_, i) => i % 10),
      guidance: GUIDANCE,
      seed: 7,
      size: 28,
    },
  );
  const oneStep = async () => {
    const s = process.step();
    s.predX0.dispose();
    await sync(s.x);
    s.x.dispose();
  };
  try {
    // Warm-up step (compiles the programs), which also estimates the cost of one step.
    const w0 = performance.now();
    await oneStep();
    const estimate = performance.now() - w0;
    const record = (timedSteps: number, msPerStep: number, cold: boolean): SamplingRecord => ({
      samples: count,
      steps: DDIM_STEPS,
      timedSteps,
      cold,
      msPerStep,
      imagesPerSec: count / ((msPerStep * DDIM_STEPS) / 1000),
    });
    if (estimate > skipAboveMs) return record(1, estimate, true);
    const timed = Math.max(
      1,
      Math.min(DDIM_STEPS - 1, Math.floor(budgetMs / Math.max(estimate, 1))),
    );
    const t0 = performance.now();
    for (let i = 0; i < timed; i++) await oneStep();
    return record(timed, (performance.now() - t0) / timed, false);
  } finally {
    process.dispose();
  }
}

async function benchOne(
  tf: Tf,
  backend: NodeBackendName,
  preset: Preset,
  batch: number,
  filterGrad: FilterGradVariant,
  opts: TrainBenchOptions,
): Promise<TrainRecord> {
  const config = PRESETS[preset];
  const microBatch = microBatchFor(
    preset,
    batch,
    opts.memoryLimitMB ?? DEFAULT_MEMORY_LIMIT_MB,
    stepPathFor(backend),
  );
  const base = { backend, preset, params: countParams(config), batch, microBatch, filterGrad };
  const minSteps = opts.minSteps ?? (opts.quick ? 2 : 3);
  const maxSteps = opts.maxSteps ?? 20;
  const budgetMs = opts.budgetMs ?? (opts.quick ? 2000 : 5000);
  const skipAboveMs = opts.skipAboveMs ?? (opts.quick ? 15_000 : 30_000);
  const before = tf.memory().numTensors;
  const trainer = createTrainer({
    config,
    schedule: makeSchedule('linear', 1000),
    prediction: 'epsilon',
    lr: { peak: 2e-4, warmup: 100, total: 10_000, floor: 2e-5 },
    clipNorm: 1,
    emaDecay: 0.999,
    labelDropout: 0.1,
    filterGrad,
    microBatch,
    seed: 1,
  });
  const { x0, labels } = randomBatch(tf, batch, 3);
  const anyParam = trainer.params.values().next().value;
  try {
    // First step under tf.profile: peak bytes; it is also the warm-up.
    const f0 = performance.now();
    const profile = await tf.profile(async () => {
      await trainer.step(x0, labels);
      return [];
    });
    if (anyParam) await sync(anyParam);
    const firstStepMs = performance.now() - f0;
    const memoryAfterStep = memoryFields(tf.memory());
    // Timed steps, synced once at the end: step() awaits its own loss read, but the Adam and EMA
    // updates it enqueues afterwards finish only by the next read. A first step over the skip
    // limit is the figure itself (marked cold): repeating it would take minutes.
    let done = 1;
    let msPerStep = firstStepMs;
    const cold = firstStepMs > skipAboveMs;
    if (!cold) {
      const steps = firstStepMs > budgetMs ? 1 : minSteps;
      if (steps > 1) await trainer.step(x0, labels); // one more warm-up when steps are cheap
      done = 0;
      const t0 = performance.now();
      while (done < maxSteps && (done < steps || performance.now() - t0 < budgetMs)) {
        await trainer.step(x0, labels);
        done++;
      }
      if (anyParam) await sync(anyParam);
      msPerStep = (performance.now() - t0) / done;
    }
    // The last timed replay's GPU time (webgpu with timestamp queries; else null).
    const gpuMs = (await trainer.settledGpuMs()) ?? undefined;
    opts.log(
      `  ${backend} ${preset} b${batch} train (${filterGrad}): ${fmtMs(msPerStep)}/step ` +
        `(${cold ? 'first step only' : `${done} steps, first ${fmtMs(firstStepMs)}`})`,
    );
    // Sampling once per preset, at the first batch size measured.
    const samplings: SamplingRecord[] = [];
    let samplingNote: string | undefined;
    for (const count of batch === 8
      ? opts.quick
        ? SAMPLE_COUNTS.slice(0, 1)
        : SAMPLE_COUNTS
      : []) {
      // A guided forward of 2·count costs about a third of a train step at 2·count.
      const predicted = (msPerStep * 2 * count) / batch / 3;
      if (predicted > skipAboveMs) {
        samplingNote = `DDIM x${count} skipped: ~${fmtMs(predicted)} per step predicted`;
        opts.log(`  ${backend} ${preset}: ${samplingNote}`);
        continue;
      }
      const s = await benchSampling(trainer.ema.params(), preset, count, budgetMs, skipAboveMs);
      samplings.push(s);
      opts.log(
        `  ${backend} ${preset} DDIM-${DDIM_STEPS} x${count} (guidance ${GUIDANCE}): ${fmtMs(s.msPerStep)}` +
          `/step (${s.cold ? 'first step only' : `${s.timedSteps} timed`})`,
      );
    }
    return {
      ...base,
      status: 'ok',
      firstStepMs,
      timedSteps: done,
      cold,
      msPerStep,
      ...(gpuMs !== undefined ? { gpuMsPerStep: gpuMs } : {}),
      stepsPerSec: 1000 / msPerStep,
      imagesPerSec: (1000 / msPerStep) * batch,
      memoryAfterStep,
      peakBytes: profile.peakBytes,
      ...(samplings.length > 0 ? { samplings } : {}),
      ...(samplingNote ? { note: samplingNote } : {}),
    };
  } catch (error) {
    opts.log(`  ${backend} ${preset} b${batch}: error: ${message(error)}`);
    return { ...base, status: 'error', note: message(error) };
  } finally {
    tf.dispose([x0]);
    trainer.dispose();
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) opts.log(`  ${backend} ${preset} b${batch}: ${leaked} tensors left behind`);
  }
}

export async function runTrainBench(
  tf: Tf,
  backend: NodeBackendName,
  opts: TrainBenchOptions,
): Promise<TrainRecord[]> {
  const presets: readonly Preset[] = opts.quick ? ['tiny'] : PRESET_NAMES;
  const batches = opts.quick ? [8] : [8, 64];
  const skipAboveMs = opts.skipAboveMs ?? (opts.quick ? 15_000 : 30_000);
  const filterGrad = opts.filterGrad ?? DEFAULT_FILTER_GRAD[backend];
  const records: TrainRecord[] = [];
  // ms per image per parameter of the latest step measured: predicts bigger batches and presets
  // (roughly; conv cost grows a bit slower than the parameter count here).
  let rate: number | undefined;
  for (const preset of presets) {
    const params = countParams(PRESETS[preset]);
    for (const batch of batches) {
      const predicted = rate === undefined ? undefined : rate * batch * params;
      if (predicted !== undefined && predicted > skipAboveMs) {
        const note = `skipped: ~${fmtMs(predicted)} per step predicted (limit ${fmtMs(skipAboveMs)})`;
        opts.log(`  ${backend} ${preset} b${batch}: ${note}`);
        records.push({
          backend,
          preset,
          params,
          batch,
          filterGrad,
          status: 'skipped',
          note,
        });
        continue;
      }
      const r = await benchOne(tf, backend, preset, batch, filterGrad, opts);
      if (r.msPerStep !== undefined) rate = r.msPerStep / batch / params;
      records.push(r);
    }
  }
  return records;
}

function mib(bytes: number | undefined): string {
  return bytes === undefined ? '—' : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export function formatTrainTable(records: readonly TrainRecord[]): string {
  const gpu = records.some((r) => r.memoryAfterStep?.numBytesInGPU !== undefined);
  const gpuTime = records.some((r) => r.gpuMsPerStep !== undefined);
  const header = [
    'preset',
    'params',
    'batch',
    'passes',
    'dW via',
    'ms/step',
    ...(gpuTime ? ['GPU ms/step'] : []),
    'steps/s',
    'img/s',
    'live after step',
    'peak in step',
    ...(gpu ? ['GPU bytes', 'GPU allocated'] : []),
    ...SAMPLE_COUNTS.map((n) => `DDIM-${DDIM_STEPS} x${n} img/s`),
  ];
  const rows = records.map((r) => {
    const m = r.memoryAfterStep;
    const passes =
      r.microBatch === undefined ? '—' : `${Math.ceil(r.batch / r.microBatch)}×${r.microBatch}`;
    const head = [
      r.preset,
      `${(r.params / 1e6).toFixed(2)}M`,
      String(r.batch),
      passes,
      r.filterGrad,
    ];
    if (r.status !== 'ok') return [...head, r.status === 'skipped' ? 'skipped' : 'error'];
    const sampling = SAMPLE_COUNTS.map((n) => {
      const s = r.samplings?.find((x) => x.samples === n);
      if (!s) return r.batch === 8 ? 'skipped' : '—';
      return (
        `${s.imagesPerSec.toPrecision(3)}${s.cold ? '†' : ''}` +
        (s.timedSteps < s.steps ? ` (${s.timedSteps}/${s.steps} timed)` : '')
      );
    });
    return [
      ...head,
      `${fmtMs(r.msPerStep)}${r.cold ? '†' : r.timedSteps === 1 ? '*' : ''}`,
      ...(gpuTime ? [fmtMs(r.gpuMsPerStep)] : []),
      (r.stepsPerSec ?? NaN).toPrecision(3),
      (r.imagesPerSec ?? NaN).toPrecision(3),
      mib(m?.numBytes),
      mib(r.peakBytes),
      ...(gpu ? [mib(m?.numBytesInGPU), mib(m?.numBytesAllocatedInGPU)] : []),
      ...sampling,
    ];
  });
  const notes = records
    .filter((r) => r.note)
    .map((r) => `  note: ${r.preset} b${r.batch}: ${r.note}`);
  const single = [
    ...(records.some((r) => r.timedSteps === 1 && !r.cold) ? ['  * one timed step only'] : []),
    ...(gpuTime
      ? [
          "  GPU ms/step: the GPU's own time for a recent replayed step (timestamp queries); the" +
            ' rest of ms/step is JavaScript, the loss read-back and waiting',
        ]
      : []),
    ...(records.some((r) => r.cold || r.samplings?.some((s) => s.cold))
      ? ['  † first (cold) step only, compilation included: it was over the per-step limit']
      : []),
  ];
  return [
    `UNet training step (random data, ε-loss, Adam + EMA) and DDIM sampling (guidance ${GUIDANCE}) with the EMA weights`,
    table(header, rows),
    ...notes,
    ...single,
  ].join('\n');
}

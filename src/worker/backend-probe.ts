/**
 * The speed probe: on the tfjs backend in force, one sampling step (a forward pass of the default
 * recipe's UNet) and a few training steps, timed. A software GPU can take minutes for what
 * WebAssembly does in a second, so the forward pass comes first, under a deadline: after it
 * nothing but a read is in flight, so a probe that overruns can be abandoned while the backend
 * changes (its tensors are freed when the read lands).
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { initParams, PRESETS, unetForward } from '../ml/unet';
import { trainerOptions } from '../ml/train/from-settings';
import { createTrainer } from '../ml/train/step';
import { formatSeconds, PROBE_SAMPLE_BATCH, PROBE_TRAIN_BATCH } from '../shared/backend-choice';
import type { BackendName } from '../shared/protocol';
import { DEFAULT_TRAIN_SETTINGS } from '../shared/train-protocol';

type Tf = typeof TfCore;

export interface ProbeTimes {
  readonly trainMs: number | null;
  readonly sampleMs: number | null;
  readonly note: string | null;
}

const TIMED_TRAIN_STEPS = 2;

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Resolves with the value, or with null once `ms` have passed (the work goes on regardless). */
function within<T>(work: Promise<T>, ms: number): Promise<T | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(null), ms);
    work.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

/** One forward pass of a freshly initialised UNet at the sampling batch, awaited to the end. */
function forwardOnce(tf: Tf): Promise<number> {
  const config = PRESETS[DEFAULT_TRAIN_SETTINGS.preset];
  const T = DEFAULT_TRAIN_SETTINGS.schedule.T;
  const n = PROBE_SAMPLE_BATCH;
  const params = initParams(config, 1);
  const start = performance.now();
  const out = tf.tidy(() =>
    unetForward(
      params,
      config,
      tf.randomNormal([n, 28, 28, 1], 0, 1, 'float32', 1) as TfCore.Tensor4D,
      tf.fill([n], Math.floor(T / 2), 'int32') as TfCore.Tensor1D,
      tf.tensor1d(
        Array.from({ length: n }, (_, i) => i % 11),
        'int32',
      ),
    ),
  );
  // Everything is enqueued: from here only the read is pending, whichever backend is set later.
  return out
    .data()
    .then(() => performance.now() - start)
    .finally(() => {
      out.dispose();
      for (const p of params.values()) p.dispose();
    });
}

/** The median of a few training steps; null when the first (compiling) one overran `deadlineMs`. */
async function trainSteps(
  tf: Tf,
  backend: BackendName,
  deadlineMs: number,
): Promise<number | null> {
  const settings = { ...DEFAULT_TRAIN_SETTINGS, batchSize: PROBE_TRAIN_BATCH };
  const trainer = createTrainer(trainerOptions(settings, backend));
  const x0 = tf.randomUniform([PROBE_TRAIN_BATCH, 28, 28, 1], -1, 1, 'float32', 2);
  const labels = Int32Array.from({ length: PROBE_TRAIN_BATCH }, (_, i) => i % 10);
  try {
    // The first step compiles programs (and on WebGPU records the step for replay).
    const first = performance.now();
    await trainer.step(x0 as TfCore.Tensor4D, labels);
    if (performance.now() - first > deadlineMs) return null;
    const times: number[] = [];
    for (let i = 0; i < TIMED_TRAIN_STEPS; i++) {
      const start = performance.now();
      await trainer.step(x0 as TfCore.Tensor4D, labels);
      times.push(performance.now() - start);
    }
    return median(times);
  } finally {
    x0.dispose();
    trainer.dispose();
  }
}

/**
 * Times the backend in force. `deadlineMs` bounds the first (compiling) and the timed sampling
 * step each; a backend that misses it is reported with a note instead of figures.
 */
export async function probeBackend(
  tf: Tf,
  backend: BackendName,
  deadlineMs: number,
): Promise<ProbeTimes> {
  const tooSlow = (what: string) => ({
    trainMs: null,
    sampleMs: null,
    note: `${what} took over ${formatSeconds(deadlineMs)}`,
  });
  try {
    if ((await within(forwardOnce(tf), deadlineMs)) === null)
      return tooSlow('the first sampling step');
    const sampleMs = await within(forwardOnce(tf), deadlineMs);
    if (sampleMs === null) return tooSlow('a sampling step');
    // A forward pass in time bounds a training step to a few times that. Steps are awaited to
    // the end, never abandoned half done: the rest of a step would run on the next backend.
    const trainMs = await trainSteps(tf, backend, deadlineMs);
    if (trainMs === null) return { ...tooSlow('the first training step'), sampleMs };
    return { trainMs, sampleMs, note: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { trainMs: null, sampleMs: null, note: `the probe failed: ${message}` };
  }
}

/**
 * Recorded-and-replayed training steps against steps run through tfjs, on webgpu through Dawn
 * (SwiftShader here, a real GPU where there is one). Run by
 * src/ml/kernels/step-recording-webgpu.test.ts in its own process (Dawn needs its library path
 * at process start).
 *
 * Two micro-UNet trainers with the same seed, one replaying (the default) and one with replay
 * off, get the same six batches of 3 (micro-batches of 2 and 1): a new x0 every step, a batch of
 * NaN pixels at step 3 (nothing may change), and Adam state assigned anew before step 5 (the
 * recording no longer fits; a new one must be made). Prints one JSON line: {"losses": [[replay,
 * tfjs]…] (NaN as null), "stateErr" (largest |difference| over weights, moments and EMA), "replay": ReplayInfo,
 * "leakedTensors", "leakedBytes"} or {"unavailable": reason}.
 */
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { makeSchedule } from '../ml/schedule';
import { type Trainer, createTrainer } from '../ml/train/step';
import { MICRO } from '../ml/unet/micro-config';
import { reexecWithDawnEnv } from './backends';
import { webgpuForCheck } from './check-backend';
import { runMain } from './run-main';

reexecWithDawnEnv();

const BATCH = 3;

async function main(): Promise<void> {
  const tf = await webgpuForCheck();
  if (!tf) return;
  const backend = tf.backend() as unknown as { bufferManager: { numBytesUsed: number } };
  // Freed buffers return to the pool at the next submit: read something to get there.
  const settle = async (): Promise<void> => {
    const t = tf.scalar(1);
    const sq = tf.square(t);
    await sq.data();
    tf.dispose([t, sq]);
  };
  await settle();
  const tensorsBefore = tf.memory().numTensors;
  const bytesBefore = backend.bufferManager.numBytesUsed;

  const make = (replay: boolean): Trainer =>
    createTrainer({
      config: MICRO,
      schedule: makeSchedule('cosine', 1000),
      prediction: 'v',
      lr: { peak: 2e-3, warmup: 2, total: 8, floor: 1e-5 },
      clipNorm: 1,
      emaDecay: 0.99,
      labelDropout: 0.1,
      microBatch: 2,
      weightDecay: 0.01,
      seed: 9,
      replay,
    });
  const replayed = make(true);
  const plain = make(false);
  const losses: [number, number][] = [];
  for (let i = 0; i < 6; i++) {
    if (i === 4) {
      for (const t of [replayed, plain]) t.optimizer.setState(await t.optimizer.getState());
    }
    const x0 = (
      i === 2
        ? tf.fill([BATCH, 28, 28, 1], NaN)
        : tf.randomUniform([BATCH, 28, 28, 1], -1, 1, 'float32', 100 + i)
    ) as Tensor4D;
    const labels = Int32Array.from({ length: BATCH }, (_, j) => (i + j) % 11);
    const a = await replayed.step(x0, labels);
    const b = await plain.step(x0, labels);
    losses.push([a.loss, b.loss]);
    x0.dispose();
  }
  let stateErr = 0;
  const state = (t: Trainer): Tensor[] => [
    ...t.params.values(),
    ...t.optimizer.stateTensors(),
    ...t.ema.stateTensors(),
  ];
  const ref = state(plain);
  for (const [k, t] of state(replayed).entries()) {
    const [x, y] = await Promise.all([t.data(), ref[k]?.data() ?? []]);
    for (let j = 0; j < Math.max(x.length, y.length); j++) {
      stateErr = Math.max(stateErr, Math.abs((x[j] ?? NaN) - (y[j] ?? NaN)) || 0);
      if (Number.isNaN((x[j] ?? NaN) - (y[j] ?? NaN))) stateErr = Infinity;
    }
  }
  const replay = replayed.replay;
  replayed.dispose();
  plain.dispose();
  await settle();
  process.stdout.write(
    `${JSON.stringify({
      losses,
      stateErr,
      replay,
      leakedTensors: tf.memory().numTensors - tensorsBefore,
      leakedBytes: backend.bufferManager.numBytesUsed - bytesBefore,
    })}\n`,
  );
}

runMain(main);

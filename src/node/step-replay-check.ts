/**
 * Recorded-and-replayed training steps against steps run through tfjs, on webgpu through Dawn
 * (SwiftShader here, a real GPU where there is one). Run by
 * src/ml/replay/step-replay.test.ts in its own process (Dawn needs its library path
 * at process start).
 *
 * Two micro-UNet trainers with the same seed, one replaying (the default) and one with replay
 * off, get the same seven batches of 3 (micro-batches of 2 and 1): a new x0 every step, a batch of
 * NaN pixels at step 3 (nothing may change), Adam state assigned anew before step 5 (the
 * recording no longer fits; a new one must be made), and step 7 replayed with each program timed
 * (a profile). Prints one JSON line: {"losses": [[replay, tfjs]…] (NaN as null), "stateErr"
 * (largest relative difference over weights, moments and EMA; NaN where either is), "previewErr"
 * (the same for the EMA weights split out between steps, as a preview takes them), "replay":
 * ReplayInfo, "profile" (what step 7's profile covered), "params" (weight tensors), "recorder"
 * (with the GPU time of its replays, where the device has timestamp queries), "leakedTensors",
 * "leakedBytes"} or {"unavailable": reason}.
 */
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { type ProgramTime, StepReplay } from '../ml/replay';
import { webgpuInternals } from '../ml/replay/tfjs-internals';
import { makeSchedule } from '../ml/schedule';
import { type Trainer, createTrainer } from '../ml/train/step';
import { MICRO } from '../ml/unet/micro-config';
import { type Tf, reexecWithDawnEnv } from './backends';
import { maxRelErr, webgpuForCheck } from './check-helpers';
import { runMain } from './run-main';

reexecWithDawnEnv();

const BATCH = 3;
const STEPS = 7;

async function main(): Promise<void> {
  const tf = await webgpuForCheck();
  if (!tf) return;
  const gpu = webgpuInternals(tf.backend());
  const bytesUsed = (): number => gpu?.bytesInUse() ?? NaN;
  // Freed buffers return to the pool at the next submit: read something to get there.
  const settle = async (): Promise<void> => {
    const t = tf.scalar(1);
    const sq = tf.square(t);
    await sq.data();
    tf.dispose([t, sq]);
  };
  await settle();
  const tensorsBefore = tf.memory().numTensors;
  const bytesBefore = bytesUsed();

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
  const state = (t: Trainer): Tensor[] => [
    ...t.params.values(),
    ...t.optimizer.stateTensors(),
    ...t.ema.stateTensors(),
  ];
  const replayed = make(true);
  const plain = make(false);
  const losses: [number, number][] = [];
  let previewErr = 0;
  let profile: Promise<ProgramTime[]> | null = null;
  for (let i = 0; i < STEPS; i++) {
    // The last step replays with every program timed in a pass of its own: it must train alike.
    if (i === STEPS - 1) profile = replayed.profileNextStep();
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
    // Read everything, as an autosave does: tfjs keeps what it read, which must not go stale.
    if (i === 1) await Promise.all(state(replayed).map((t) => t.data()));
    // The EMA weights as previews take them between steps (split out of the replayed average),
    // twice: the second must see the replays since the first.
    if (i === 1 || i === 3) {
      const err = await tensorsErr(
        [...replayed.ema.params().values()],
        [...plain.ema.params().values()],
      );
      previewErr = Math.max(previewErr, err);
    }
  }
  const stateErr = await tensorsErr(state(replayed), state(plain));
  const programs = (await profile) ?? [];
  const replay = replayed.replay;
  const params = replayed.params.size;
  replayed.dispose();
  plain.dispose();
  const recorder = await checkRecorder(tf);
  await settle();
  process.stdout.write(
    `${JSON.stringify({
      losses,
      stateErr,
      previewErr,
      replay,
      profile: {
        dispatches: programs.reduce((n, p) => n + p.dispatches, 0),
        unnamed: programs.filter((p) => p.program === '?').length,
        timed: programs.filter((p) => p.ms > 0).length,
        programs: programs.length,
      },
      params,
      recorder,
      leakedTensors: tf.memory().numTensors - tensorsBefore,
      leakedBytes: bytesUsed() - bytesBefore,
    })}\n`,
  );
}

/** The largest maxRelErr between tensors and their references, pair by pair. */
async function tensorsErr(ours: readonly Tensor[], ref: readonly Tensor[]): Promise<number> {
  let err = ours.length === ref.length ? 0 : Infinity;
  for (const [k, t] of ours.entries()) {
    const [x, y] = await Promise.all([t.data(), ref[k]?.data() ?? []]);
    err = Math.max(err, maxRelErr(x, y));
  }
  return err;
}

/**
 * The engine on its own: a one-segment "step" v ← v + x replayed with new x, and two recordings
 * it must refuse (a buffer of a tensor that outlives the step; a read-back it was not told of).
 */
async function checkRecorder(tf: Tf) {
  const step = StepReplay.for(tf.backend());
  if (!step.serves(tf.backend())) return { available: false };
  const init = tf.tensor1d([1, 2, 3]);
  const v = tf.variable(init);
  init.dispose();
  /** 'ok', or why the recording was refused. */
  const record = async (body: (x: Tensor) => Promise<void>): Promise<string> => {
    const recorded = step.info.recorded;
    await step.record(
      [v],
      'v + x',
      async (rec) => {
        const x = tf.tensor1d([0.5, 0.5, 0.5]);
        rec.input('x', x);
        rec.resume();
        await body(x);
        x.dispose();
      },
      () => true,
    );
    return step.info.recorded > recorded ? 'ok' : (step.info.lastFailure ?? '?');
  };
  const addX = (x: Tensor): void => {
    const next = tf.add(v, x) as typeof v;
    v.assign(next);
    next.dispose();
  };
  const recorded = await record(async (x) => addX(x));
  let gpuMs: number | null | 'no timestamp-query' = null;
  let profile: [string, number][] | 'no timestamp-query' | null = null;
  const values: number[][] = [Array.from(await v.data())];
  if (recorded === 'ok') {
    for (const x of [
      [10, 20, 30],
      [100, 200, 300],
    ]) {
      await step.run(0, { x: Float32Array.from(x) });
      values.push(Array.from(await v.data()));
    }
    gpuMs = step.canTime ? await step.settledGpuMs() : 'no timestamp-query';
    // A profiled replay (the dispatch in a timed pass of its own) computes the same.
    const timed = step.profileNext();
    await step.run(0, { x: Float32Array.of(1000, 2000, 3000) });
    values.push(Array.from(await v.data()));
    profile = (await timed)?.map((p) => [p.program, p.dispatches]) ?? 'no timestamp-query';
    step.dispose();
  }
  const outside = tf.tensor1d([7, 7, 7]);
  const heldOutside = await record(async () => addX(outside));
  outside.dispose();
  const unmarkedRead = await record(async (x) => {
    addX(x);
    await v.data();
  });
  // Gives back a recording that should have been refused, if one was kept.
  step.dispose();
  v.dispose();
  return {
    available: true,
    recorded,
    values,
    gpuMs,
    profile,
    heldOutside: heldOutside === 'ok' ? 'accepted' : heldOutside,
    unmarkedRead: unmarkedRead === 'ok' ? 'accepted' : unmarkedRead,
  };
}

runMain(main);

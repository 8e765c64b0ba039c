/**
 * Runs our WGSL kernels (src/ml/kernels) on webgpu through Dawn and compares them with the
 * tfjs-ops formulation on the same backend: GroupNorm value and gradients, the conv filter
 * gradient through im2col, the conv input gradient through the tiled transposed conv, the flat
 * pack/split by buffer copies, and whole training steps with everything on against everything
 * off. Prints one JSON line: {"backend", "cases": [{shape, groups, act, maxRelErr, noCopiesErr
 * (the GroupNorm gradient without buffer copies), leaked}],
 * "convCases": [{shape, k, stride, maxRelErr, gathered}], "inputGradCases": [{shape, stride,
 * maxRelErr, transposed}], "channelSumErr", "adamErr", "flat": {...}, "steps": {...}} or {"unavailable": reason}.
 * Used by src/ml/kernels/webgpu-kernels.test.ts; runs in its own process because Dawn needs
 * its library path set at process start.
 */
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { conv2d, conv2dFilterGrad } from '../ml/conv2d';
import { channelSum } from '../ml/channel-sum';
import { setCustomKernels, setGroupNormCopies } from '../ml/kernels/register';
import { makeSchedule } from '../ml/schedule';
import { Adam } from '../ml/train/adam';
import { FlatLayout } from '../ml/train/flat';
import { createTrainer } from '../ml/train/step';
import { groupNorm } from '../ml/unet/group-norm';
import { MICRO } from '../ml/unet/micro-config';
import { type Tf, reexecWithDawnEnv } from './backends';
import { maxRelErr, webgpuForCheck } from './check-helpers';
import { runMain } from './run-main';

reexecWithDawnEnv();

const CASES: [number, number, number, number, number][] = [
  [2, 5, 3, 8, 4],
  [3, 7, 7, 16, 8],
  [1, 4, 6, 6, 3],
  [2, 2, 2, 4, 1],
];

async function main(): Promise<void> {
  const tf = await webgpuForCheck();
  if (!tf) return;
  const cases = [];
  for (const act of [false, true]) {
    for (const [b, h, w, c, groups] of CASES) {
      const x = tf.add(tf.mul(tf.randomNormal([b, h, w, c], 0, 1, 'float32', 7), 3), 1.5);
      const g = tf.randomNormal([c], 1, 0.5, 'float32', 8);
      const beta = tf.randomNormal([c], 0, 0.5, 'float32', 9);
      const r = tf.randomNormal([b, h, w, c], 0, 1, 'float32', 10);
      const run = async (kernels: boolean): Promise<number[][]> => {
        const f = (xi: typeof x, gi: typeof g, bi: typeof beta) =>
          tf.sum(tf.mul(groupNorm(xi as never, gi, bi, groups, { silu: act, kernels }), r));
        const out = tf.tidy(() => {
          const y = groupNorm(x as never, g, beta, groups, { silu: act, kernels });
          return [y, ...tf.grads(f)([x, g, beta])];
        });
        const values = await Promise.all(out.map(async (t) => Array.from(await t.data())));
        tf.dispose(out);
        return values;
      };
      const before = tf.memory().numTensors;
      const ours = await run(true);
      const leaked = tf.memory().numTensors - before;
      const ref = await run(false);
      // The path for a backend without buffer copies: dγ and dβ as two programs.
      setGroupNormCopies(false);
      const noCopies = await run(true);
      setGroupNormCopies(true);
      // Each output (y, dx, dγ, dβ) against its own scale.
      const errOf = (v: number[][]) => Math.max(...ref.map((rv, k) => maxRelErr(v[k] ?? [], rv)));
      cases.push({
        shape: [b, h, w, c],
        groups,
        act,
        maxRelErr: errOf(ours),
        noCopiesErr: errOf(noCopies),
        leaked,
      });
      tf.dispose([x, g, beta, r]);
    }
  }
  // im2col: the filter gradient through our gather kernel against pad + slices + concat.
  const convCases: {
    shape: number[];
    k: number;
    stride: 1 | 2;
    maxRelErr: number;
    gathered: boolean;
  }[] = [];
  for (const [b, h, w, cin, cout, k, stride] of [
    [2, 7, 7, 3, 4, 3, 1],
    [2, 8, 8, 4, 6, 3, 2],
    [1, 9, 10, 2, 3, 5, 2],
  ] as const) {
    const x = tf.randomNormal([b, h, w, cin], 0, 1, 'float32', 3);
    const dy = tf.randomNormal(
      [b, Math.ceil(h / stride), Math.ceil(w / stride), cout],
      0,
      1,
      'float32',
      4,
    );
    const grad = async (kernels: boolean): Promise<Float32Array> => {
      setCustomKernels(kernels);
      const g = conv2dFilterGrad(x as never, dy as never, [k, k, cin, cout], stride, 'matmul2d');
      const v = (await g.data()) as Float32Array;
      g.dispose();
      setCustomKernels(true);
      return v;
    };
    let ours: Float32Array = new Float32Array();
    // Profiled, to be sure the gather kernel is what ran.
    const { kernelNames } = await tf.profile(async () => {
      ours = await grad(true);
    });
    const ref = await grad(false);
    convCases.push({
      shape: [b, h, w, cin],
      k,
      stride,
      maxRelErr: maxRelErr(ours, ref),
      gathered: kernelNames.includes('DPIm2Col'),
    });
    tf.dispose([x, dy]);
  }
  const inputGradCases = await checkInputGrads(tf);
  const channelSumErr = await checkChannelSum(tf);
  const adamErr = await checkAdam(tf);
  const flat = await checkFlatCopies(tf);
  const steps = await checkSteps(tf);
  process.stdout.write(
    `${JSON.stringify({ backend: tf.getBackend(), cases, convCases, inputGradCases, channelSumErr, adamErr, flat, steps })}\n`,
  );
}

/**
 * dx of our conv (tfjs' tiled transposed conv on webgpu) against the flipped-filter conv on
 * stride 1 and tfjs' naive transposed conv on stride 2.
 */
async function checkInputGrads(tf: Tf) {
  const NAIVE_FLAG = 'WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE';
  const out = [];
  for (const [b, h, w, cin, cout, stride] of [
    [2, 7, 7, 8, 16, 1],
    [3, 8, 8, 16, 8, 1],
    [2, 8, 8, 4, 6, 2],
    [1, 7, 7, 3, 5, 2],
  ] as const) {
    const x = tf.randomNormal([b, h, w, cin], 0, 1, 'float32', 5) as Tensor4D;
    const f = tf.randomNormal([3, 3, cin, cout], 0, 1, 'float32', 6) as Tensor4D;
    const r = tf.randomNormal(
      [b, Math.ceil(h / stride), Math.ceil(w / stride), cout],
      0,
      1,
      'float32',
      7,
    );
    const dx = async (kernels: boolean) => {
      setCustomKernels(kernels);
      tf.env().set(NAIVE_FLAG, !kernels);
      const g = tf.grad((xi: Tensor) => tf.sum(tf.mul(conv2d(xi as Tensor4D, f, stride), r)))(x);
      const v = await g.data();
      g.dispose();
      setCustomKernels(true);
      tf.env().set(NAIVE_FLAG, false);
      return v;
    };
    let ours: ArrayLike<number> = [];
    const { kernelNames } = await tf.profile(async () => {
      ours = await dx(true);
    });
    out.push({
      shape: [b, h, w, cin],
      stride,
      maxRelErr: maxRelErr(ours, await dx(false)),
      transposed: kernelNames.includes('Conv2DBackpropInput') && !kernelNames.includes('Reverse'),
    });
    tf.dispose([x, f, r]);
  }
  return out;
}

/** The one-program bias gradient against tf.sum, largest relative error over a few shapes. */
async function checkChannelSum(tf: Tf): Promise<number> {
  let err = 0;
  for (const shape of [
    [2, 7, 7, 16],
    [3, 40],
    [1, 1, 1, 5],
    [8, 28, 28, 16],
    [130, 3],
  ]) {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 12);
    const ours = channelSum(x);
    const ref = tf.sum(x, [...shape.keys()].slice(0, -1));
    const used = ours.shape.join() === ref.shape.join();
    err = Math.max(err, used ? maxRelErr(await ours.data(), await ref.data()) : Infinity);
    tf.dispose([x, ours, ref]);
  }
  return err;
}

/**
 * Three AdamW updates (weight decay, a clip scale, two parameters) with the WGSL update and with
 * tfjs ops: largest relative error over parameters and both moments.
 */
async function checkAdam(tf: Tf): Promise<number> {
  const run = async (kernels: boolean) => {
    setCustomKernels(kernels);
    const vars = new Map([
      ['a', tf.variable(tf.randomNormal([3, 5], 0, 1, 'float32', 13))],
      ['b', tf.variable(tf.randomNormal([7], 0, 1, 'float32', 14))],
    ]);
    const adam = new Adam(vars, { weightDecay: 0.01 });
    for (let i = 0; i < 3; i++) {
      const g = tf.randomNormal([22], 0, 1, 'float32', 20 + i) as Tensor as never;
      adam.applyFlat(g, 1e-2, i === 1 ? 0.5 : 1).dispose();
      (g as Tensor).dispose();
    }
    const state = await adam.getState();
    const flat = adam.flatten(vars);
    const values = [
      ...(await flat.data()),
      ...[...state.m.values()].flatMap((x) => [...x]),
      ...[...state.v.values()].flatMap((x) => [...x]),
    ];
    tf.dispose([flat, ...vars.values()]);
    adam.dispose();
    setCustomKernels(true);
    return values;
  };
  let ours: number[] = [];
  const { kernelNames } = await tf.profile(async () => {
    ours = await run(true);
  });
  // Infinity when the WGSL update did not run, so the comparison cannot pass vacuously.
  return kernelNames.includes('DPAdam') ? maxRelErr(ours, await run(false)) : Infinity;
}

/**
 * FlatLayout's flatten and split by buffer copies against the values: mixed shapes, a tensor
 * still held on the CPU, inputs freed (their buffers free for new tensors) before the read.
 */
async function checkFlatCopies(tf: Tf) {
  const shapes = [[3, 3, 2, 4], [4], [1], [5, 7], [2, 2, 2, 2]];
  const values = shapes.map((s, k) =>
    Float32Array.from({ length: s.reduce((a, d) => a * d, 1) }, (_, i) => k * 1000 + i),
  );
  const expected = Float32Array.from(values.flatMap((v) => Array.from(v)));
  const before = tf.memory().numTensors;
  const tensors = new Map(
    shapes.map((s, k) => {
      const t = tf.tensor(values[k] ?? [], s);
      if (k === 1) return [`p${k}`, t] as const;
      // The others on the GPU, as a program's output.
      const onGpu = tf.mul(t, 1);
      t.dispose();
      return [`p${k}`, onGpu] as const;
    }),
  );
  const layout = new FlatLayout(tensors);
  let flatValues: ArrayLike<number> = [];
  let pieceErr = 0;
  let shapesMatch = true;
  const { kernelNames } = await tf.profile(async () => {
    const flat = layout.flatten(tensors);
    tf.dispose([...tensors.values()]);
    // New tensors of the same sizes may get the freed buffers before the copies have run.
    const decoys = shapes.map((s) => tf.fill(s, -1));
    flatValues = await flat.data();
    const pieces = layout.split(flat);
    tf.dispose([flat, ...decoys]);
    let k = 0;
    for (const [, piece] of pieces) {
      shapesMatch &&= piece.shape.join() === shapes[k]?.join();
      pieceErr = Math.max(pieceErr, maxRelErr(await piece.data(), values[k] ?? []));
      k++;
    }
    tf.dispose([...pieces.values()]);
  });
  return {
    flattenErr: maxRelErr(flatValues, expected),
    pieceErr,
    shapesMatch,
    copied: kernelNames.includes('DPPackFlat') && kernelNames.includes('DPUnpackFlat'),
    leaked: tf.memory().numTensors - before,
  };
}

/** Three steps of the micro UNet (28×28, batch 2) with our kernels on, and with them off. */
async function checkSteps(tf: Tf) {
  const x0 = tf.randomUniform([2, 28, 28, 1], -1, 1, 'float32', 11) as Tensor4D;
  const labels = Int32Array.from([3, 10]);
  const run = async (kernels: boolean) => {
    setCustomKernels(kernels);
    const trainer = createTrainer({
      config: MICRO,
      schedule: makeSchedule('linear', 1000),
      prediction: 'epsilon',
      lr: { peak: 1e-3, warmup: 1, total: 10, floor: 1e-5 },
      clipNorm: 1,
      emaDecay: 0.99,
      labelDropout: 0.1,
      seed: 4,
    });
    const losses = [];
    for (let i = 0; i < 3; i++) losses.push((await trainer.step(x0, labels)).loss);
    const params = trainer.optimizer.flatten(trainer.params);
    const values = await params.data();
    params.dispose();
    trainer.dispose();
    setCustomKernels(true);
    return { losses, values };
  };
  const ours = await run(true);
  const ref = await run(false);
  x0.dispose();
  return {
    lossErr: maxRelErr(ours.losses, ref.losses),
    paramErr: maxRelErr(ours.values, ref.values),
  };
}

runMain(main);

/**
 * The PyTorch twin (python/diffusion_playground) against the app's tfjs UNet: the shipped default
 * model exported for PyTorch and sampled with DDIM from the same starting noise in both; then
 * trained a few steps in PyTorch, loaded back and sampled again in both. Same weights and same
 * noise must give the same samples to 1e-4.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { torchPython } from '../node/torch-available';
import { decodeCheckpoint, type Checkpoint } from './checkpoint';
import { decodeModelFile } from './model-file';
import { ReverseProcess, samplerOf } from './sample';
import { makeSchedule } from './schedule';
import { encodeTorchExport } from './torch-export';
import { modelMeta, type ModelMeta } from './train/snapshot';
import { PRESETS, type Preset } from './unet/config';
import { unetForward } from './unet/model';

interface Settings {
  preset: Preset;
  prediction: 'epsilon' | 'v' | 'x0' | 'flow';
  schedule: { kind: 'linear'; T: number };
}

// Few samples and steps: tfjs' CPU backend runs these convolutions in plain JavaScript.
const LABELS = Int32Array.from([0, 7, 10]);
const STEPS = 10;
const GUIDANCE = 2;
const TOLERANCE = 1e-4;

const PYTHON = torchPython();
let dir = '';

type Sampler = 'ddim' | 'euler' | 'heun';

/** DDIM (trailing, η 0) or a flow sampler, guidance 2, of the checkpoint's EMA weights in tfjs: (x_T, x_0). */
async function sampleTfjs(ckpt: Checkpoint<unknown>, seed: number, sampler: Sampler = 'ddim') {
  const { settings } = modelMeta<Settings>(ckpt, 'model');
  const config = PRESETS[settings.preset];
  const params = new Map<string, tf.Tensor>();
  for (const [key, t] of ckpt.tensors)
    if (key.startsWith('ema/')) params.set(key.slice(4), tf.tensor(t.values, [...t.shape]));
  const process = new ReverseProcess(
    (xt, t, labels) => unetForward(params, config, xt, t, labels),
    makeSchedule(settings.schedule.kind, settings.schedule.T),
    {
      sampler: samplerOf(sampler, STEPS, { spacing: 'trailing', eta: 0, variance: 'fixed-small' }),
      prediction: settings.prediction,
      clip: false,
      labels: LABELS,
      guidance: GUIDANCE,
      seed,
      size: 28,
    },
  );
  const noise = (await process.current.data()) as Float32Array;
  while (!process.done) {
    const s = process.step();
    s.x.dispose();
    s.predX0.dispose();
  }
  const out = (await process.current.data()) as Float32Array;
  process.dispose();
  for (const p of params.values()) p.dispose();
  return { noise, out };
}

function python(...args: string[]): string {
  return execFileSync(PYTHON ?? 'python3', ['-m', 'diffusion_playground', ...args], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: 'python', OMP_NUM_THREADS: '1' },
    timeout: 300_000,
  });
}

/** The same sampling in PyTorch from the file at `model`, starting from `noise`. */
function samplePython(model: string, noise: Float32Array, sampler: Sampler = 'ddim'): Float32Array {
  const noiseFile = join(dir, 'noise.f32');
  const outFile = join(dir, 'out.f32');
  writeFileSync(noiseFile, noise);
  python(
    'sample',
    model,
    '--noise',
    noiseFile,
    '--labels',
    Array.from(LABELS).join(','),
    '--sampler',
    sampler,
    '--steps',
    String(STEPS),
    '--guidance',
    String(GUIDANCE),
    '--no-clip',
    '--device',
    'cpu',
    '--out',
    outFile,
  );
  const bytes = readFileSync(outFile);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
}

describe.skipIf(PYTHON === null)('the PyTorch twin', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(join(tmpdir(), 'dp-torch-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('samples the exported default model as tfjs does, and its further training loads back and samples alike', async () => {
    const shipped = decodeCheckpoint<ModelMeta<Settings>>(
      new Uint8Array(readFileSync('public/models/default/model.dpmodel')),
    );
    const preset = shipped.config.settings.preset;
    const zip = join(dir, 'export.zip');
    writeFileSync(zip, encodeTorchExport(shipped, PRESETS[preset]));

    const there = await sampleTfjs(shipped, 7);
    const diff = maxAbsDiff(there.out, samplePython(zip, there.noise));
    console.log(
      `tfjs vs PyTorch, exported default model, DDIM-${STEPS}: max |Δ| = ${diff.toExponential(2)}`,
    );
    expect(diff).toBeLessThan(TOLERANCE);
    // Not a vacuous pass: the samples are images, not zeros.
    expect(Math.max(...there.out.map(Math.abs))).toBeGreaterThan(0.5);

    if (!existsSync('public/data/mnist.bin')) execFileSync('node', ['scripts/build-mnist.mjs']);
    const trained = join(dir, 'trained.zip');
    python('train', zip, '--steps', '3', '--batch', '4', '--device', 'cpu', '--out', trained);
    const back = decodeModelFile(new Uint8Array(readFileSync(trained)), 'trained.zip');
    const meta = modelMeta<Settings>(back, 'trained.zip');
    expect(meta.step).toBe(shipped.config.step + 3);
    expect(meta.emaUpdates).toBe(shipped.config.emaUpdates + 3);
    expect(meta.history.steps.slice(-3)).toEqual([1, 2, 3].map((k) => shipped.config.step + k));
    // Trained in PyTorch: new weights, the optimiser's moments with them.
    expect(back.tensors.has('adam.m/convIn.w')).toBe(true);
    const before = shipped.tensors.get('ema/convIn.w')!.values;
    expect(maxAbsDiff(back.tensors.get('ema/convIn.w')!.values, before)).toBeGreaterThan(0);

    const again = await sampleTfjs(back, 8);
    const diffBack = maxAbsDiff(again.out, samplePython(trained, again.noise));
    console.log(
      `tfjs vs PyTorch, trained further in PyTorch and loaded back: max |Δ| = ${diffBack.toExponential(2)}`,
    );
    expect(diffBack).toBeLessThan(TOLERANCE);
  }, 600_000);

  it('samples a flow-matching model with Euler and Heun as tfjs does, and trains it further', async () => {
    // The default model's weights read as a velocity: not digits, but the same numbers on both
    // sides, through the continuous timestep inputs τ·T − 1 and both steps.
    const shipped = decodeCheckpoint<ModelMeta<Settings>>(
      new Uint8Array(readFileSync('public/models/default/model.dpmodel')),
    );
    const flow = {
      ...shipped,
      config: { ...shipped.config, settings: { ...shipped.config.settings, prediction: 'flow' } },
    } as Checkpoint<ModelMeta<Settings>>;
    const zip = join(dir, 'flow.zip');
    writeFileSync(zip, encodeTorchExport(flow, PRESETS[shipped.config.settings.preset]));
    const outs: Float32Array[] = [];
    for (const sampler of ['euler', 'heun'] as const) {
      const there = await sampleTfjs(flow, 7, sampler);
      outs.push(there.out);
      const diff = maxAbsDiff(there.out, samplePython(zip, there.noise, sampler));
      console.log(
        `tfjs vs PyTorch, flow model, ${sampler}-${STEPS}: max |Δ| = ${diff.toExponential(2)}`,
      );
      expect(diff).toBeLessThan(TOLERANCE);
      expect(maxAbsDiff(there.out, there.noise)).toBeGreaterThan(0.1);
    }
    // Heun is not Euler under another name.
    expect(maxAbsDiff(outs[0]!, outs[1]!)).toBeGreaterThan(1e-3);
    if (!existsSync('public/data/mnist.bin')) execFileSync('node', ['scripts/build-mnist.mjs']);
    const trained = join(dir, 'flow-trained.zip');
    python('train', zip, '--steps', '2', '--batch', '4', '--device', 'cpu', '--out', trained);
    const back = decodeModelFile(new Uint8Array(readFileSync(trained)), 'flow-trained.zip');
    expect(modelMeta<Settings>(back, 'flow-trained.zip').settings.prediction).toBe('flow');
    const again = await sampleTfjs(back, 8, 'heun');
    expect(maxAbsDiff(again.out, samplePython(trained, again.noise, 'heun'))).toBeLessThan(
      TOLERANCE,
    );
  }, 600_000);
});

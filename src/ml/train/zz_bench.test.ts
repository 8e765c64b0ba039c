import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { createTrainer } from './step';
import { makeSchedule } from '../schedule';
import { gaussian } from '../random';
import { PRESETS, type UNetConfig } from '../unet/config';
import type { FilterGradVariant } from '../conv2d';

const MICRO: UNetConfig = {
  preset: 'custom',
  channels: [8, 16, 16],
  blocksPerLevel: 1,
  timeEmbedDim: 32,
  groups: 4,
  attention: true,
  numClasses: 10,
};
import { it } from 'vitest';
it('bench', async () => {
  const [backend, cfgName, bs, hs, fg, ns] = (process.env.BENCH ?? '').split(' ');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await tf.setBackend(backend ?? 'cpu');
  const config = cfgName === 'micro' ? MICRO : PRESETS[cfgName as 'tiny'];
  const b = Number(bs),
    h = Number(hs),
    n = Number(ns ?? 4);
  const tr = createTrainer({
    config,
    schedule: makeSchedule('linear', 1000),
    prediction: 'epsilon',
    lr: { peak: 1e-3, warmup: 5, total: 100, floor: 1e-4 },
    clipNorm: 1,
    emaDecay: 0.999,
    labelDropout: 0.1,
    seed: 1,
    filterGrad: fg as FilterGradVariant,
  });
  const x0 = tf.tensor4d(gaussian(1, b * h * h), [b, h, h, 1]);
  const labels = Int32Array.from({ length: b }, (_, i) => i % 10);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await tr.step(x0, labels);
    times.push(performance.now() - t0);
  }
  const { unetForward } = await import('../unet/model');
  const ft: number[] = [];
  const t = tf.tensor1d(
    Array.from({ length: b }, (_, i) => i * 100),
    'int32',
  );
  const l = tf.tensor1d(labels, 'int32');
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const y = unetForward(tr.params, config, x0, t, l);
    await y.data();
    y.dispose();
    ft.push(performance.now() - t0);
  }
  const med = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!.toFixed(0);
  console.log(
    backend,
    cfgName,
    b,
    h,
    fg,
    'step',
    times.map((x) => x.toFixed(0)).join(' '),
    'median',
    med(times.slice(1)),
    '| fwd',
    ft.map((x) => x.toFixed(0)).join(' '),
    'median',
    med(ft.slice(1)),
  );
}, 600000);

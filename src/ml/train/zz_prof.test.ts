import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { createTrainer } from './step';
import { makeSchedule } from '../schedule';
import { gaussian } from '../random';

it('prof', async () => {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await tf.setBackend(process.env.BK ?? 'cpu');
  const b = 8,
    h = 8;
  const tr = createTrainer({
    config: {
      preset: 'custom',
      channels: [8, 16, 16],
      blocksPerLevel: 1,
      timeEmbedDim: 32,
      groups: 4,
      attention: true,
      numClasses: 10,
    },
    schedule: makeSchedule('linear', 1000),
    prediction: 'epsilon',
    lr: { peak: 1e-3, warmup: 5, total: 100, floor: 1e-4 },
    clipNorm: 1,
    emaDecay: 0.999,
    labelDropout: 0.1,
    seed: 1,
    filterGrad: (process.env.FG ?? 'matmul2d') as 'stock',
  });
  const x0 = tf.tensor4d(gaussian(1, b * h * h), [b, h, h, 1]);
  const labels = Int32Array.from({ length: b }, (_, i) => i % 10);
  await tr.step(x0, labels);
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await tr.step(x0, labels);
  });
  const wall = performance.now() - t0;
  const cnt = new Map<string, [number, number]>();
  for (const k of info.kernels) {
    const c = cnt.get(k.name) ?? [0, 0];
    c[0]++;
    c[1] += k.kernelTimeMs as number;
    cnt.set(k.name, c);
  }
  let tot = 0;
  for (const [, [, t]] of cnt) tot += t;
  console.log('wall', wall.toFixed(0), 'kernel sum', tot.toFixed(0), 'n', info.kernels.length);
  console.log(
    [...cnt]
      .sort((a, b) => b[1][1] - a[1][1])
      .slice(0, 25)
      .map(([k, v]) => `${k} ${v[0]} ${v[1].toFixed(1)}`)
      .join('\n'),
  );
  const t1 = performance.now();
  for (let i = 0; i < 3; i++) await tr.step(x0, labels);
  console.log('unprofiled step', ((performance.now() - t1) / 3).toFixed(0));
  tr.dispose();
  x0.dispose();
}, 120000);

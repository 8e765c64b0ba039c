/**
 * Where a training step's time goes: tf.profile's kernel counts and times for one step of the
 * tiny preset at batch 8, then the unprofiled ms/step. Usage: npx tsx bench/profile-step.ts [wasm|cpu|webgpu]
 */
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { setupNodeBackend } from '../src/node/backends';
import { trainerFromSettings } from '../src/ml/train/from-settings';
import { DEFAULT_TRAIN_SETTINGS } from '../src/shared/train-protocol';
const name = process.argv[2] ?? 'wasm';
if (name !== 'wasm' && name !== 'cpu' && name !== 'webgpu')
  throw new Error(`unknown backend ${name}`);
const { tf } = await setupNodeBackend(name);
const settings = { ...DEFAULT_TRAIN_SETTINGS, batchSize: 8 };
const trainer = trainerFromSettings(settings, tf.getBackend());
const x0 = tf.randomUniform([8, 28, 28, 1], -1, 1) as Tensor4D;
const labels = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
await trainer.step(x0, labels);
await trainer.step(x0, labels);
const t0 = performance.now();
const prof = await tf.profile(async () => {
  await trainer.step(x0, labels);
  return [];
});
const wall = performance.now() - t0;
// tf.profile also records customGrad scopes and ops run through runKernelFunc; not kernels.
const isScope = (name: string): boolean => name === 'unnamed scope' || name.endsWith('__op');
// No program runs for these on a GPU backend (metadata or a reference count only).
const FREE = new Set(['Reshape', 'Identity', 'Cast']);
const kernels = prof.kernels.filter((k) => !isScope(k.name));
const dispatched = kernels.filter((k) => !FREE.has(k.name)).length;
const by = new Map<string, { n: number; ms: number }>();
for (const k of kernels) {
  const e = by.get(k.name) ?? { n: 0, ms: 0 };
  e.n++;
  e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  by.set(k.name, e);
}
console.log(
  `kernels ${kernels.length} (${dispatched} that run a program on a GPU), wall ${wall.toFixed(0)} ms (profiled)`,
);
for (const [k, v] of [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, 18)) {
  console.log(k.padEnd(28), String(v.n).padStart(5), v.ms.toFixed(1).padStart(8));
}
const t1 = performance.now();
for (let i = 0; i < 3; i++) await trainer.step(x0, labels);
console.log('unprofiled ms/step', ((performance.now() - t1) / 3).toFixed(0));

/**
 * Steps/s of the sweep's (preset, batch) pairs in one process, interleaved over rounds, so the
 * time-to-digits sweep converts equal steps to equal minutes with figures from the same load.
 *
 *   npx tsx bench/ttd-speed.ts [--presets micro,tiny --batches 8,16 --rounds 3 --steps 10]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { makeSchedule } from '../src/ml/schedule';
import { filterGradForBackend } from '../src/ml/train/from-settings';
import { createTrainer } from '../src/ml/train/step';
import { PRESETS, type Preset } from '../src/ml/unet/config';
import { setupNodeBackend } from '../src/node/backends';
import { runMain } from '../src/node/run-main';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      presets: { type: 'string', default: 'micro,tiny' },
      batches: { type: 'string', default: '8,16' },
      rounds: { type: 'string', default: '3' },
      steps: { type: 'string', default: '10' },
    },
  });
  const { tf } = await setupNodeBackend('wasm');
  const presets = values.presets.split(',') as Preset[];
  const batches = values.batches.split(',').map(Number);
  const ms = new Map<string, number[]>();
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const preset of presets) {
      for (const b of batches) {
        const trainer = createTrainer({
          config: PRESETS[preset],
          schedule: makeSchedule('cosine', 1000),
          prediction: 'v',
          lr: { peak: 2e-3, warmup: 10, total: 1000, floor: 1e-4 },
          clipNorm: 1,
          emaDecay: 0.995,
          minSnrGamma: 5,
          labelDropout: 0.1,
          filterGrad: filterGradForBackend('wasm'),
          seed: 1,
        });
        const x0 = tf.randomUniform([b, 28, 28, 1], -1, 1) as Tensor4D;
        const labels = Int32Array.from({ length: b }, (_, i) => i % 10);
        for (let i = 0; i < 3; i++) await trainer.step(x0, labels);
        const t0 = performance.now();
        const n = Number(values.steps);
        for (let i = 0; i < n; i++) await trainer.step(x0, labels);
        const key = `${preset} b${b}`;
        ms.set(key, [...(ms.get(key) ?? []), (performance.now() - t0) / n]);
        trainer.dispose();
        x0.dispose();
        process.stderr.write(`round ${round} ${key}: load ${(loadavg()[0] ?? NaN).toFixed(2)}\n`);
      }
    }
  }
  for (const [key, list] of ms) {
    const sorted = [...list].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
    process.stdout.write(
      `${key.padEnd(10)} median ${median.toFixed(0)} ms/step (${sorted.map((v) => v.toFixed(0)).join(', ')})\n`,
    );
  }
}

runMain(main);

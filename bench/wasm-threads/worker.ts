/// <reference types="vite/client" />
/**
 * Times training steps of the app's default recipe on the wasm backend, registered exactly as the
 * app's worker registers it (threads when the page is cross-origin isolated, else one), then
 * profiles one more step to see where its time goes.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { trainerFromSettings } from '../../src/ml/train/from-settings';
import { DEFAULT_TRAIN_SETTINGS } from '../../src/shared/train-protocol';
import { registerWasm } from '../../src/worker/wasm-setup';
import type { BenchOutcome, BenchRequest, KernelTime } from './protocol';

async function run({ batch, warmup, steps }: BenchRequest): Promise<BenchOutcome> {
  const { threads, note } = await registerWasm(tf);
  if (!(await tf.setBackend('wasm'))) return { ok: false, error: 'wasm did not start' };
  const trainer = trainerFromSettings({ ...DEFAULT_TRAIN_SETTINGS, batchSize: batch }, 'wasm');
  const x0 = tf.randomUniform([batch, 28, 28, 1], -1, 1, 'float32', 7) as tf.Tensor4D;
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
  try {
    for (let i = 0; i < warmup; i++) await trainer.step(x0, labels);
    const stepMs: number[] = [];
    for (let i = 0; i < steps; i++) {
      const start = performance.now();
      await trainer.step(x0, labels);
      stepMs.push(performance.now() - start);
    }
    const start = performance.now();
    const profile = await tf.profile(async () => {
      await trainer.step(x0, labels);
      return [];
    });
    const profiledMs = performance.now() - start;
    const byName = new Map<string, KernelTime>();
    for (const k of profile.kernels) {
      // customGrad scopes and ops run through runKernelFunc appear too; they are not kernels.
      if (k.name === 'unnamed scope' || k.name.endsWith('__op')) continue;
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      const e = byName.get(k.name) ?? { name: k.name, count: 0, ms: 0 };
      byName.set(k.name, { name: k.name, count: e.count + 1, ms: e.ms + ms });
    }
    const kernels = [...byName.values()].sort((a, b) => b.ms - a.ms);
    return {
      ok: true,
      result: {
        crossOriginIsolated: globalThis.crossOriginIsolated === true,
        threads,
        note,
        stepMs,
        profiledMs,
        kernels,
      },
    };
  } finally {
    x0.dispose();
    trainer.dispose();
  }
}

self.onmessage = (e: MessageEvent<BenchRequest>) => {
  run(e.data).then(
    (outcome) => self.postMessage(outcome),
    (error: unknown) =>
      self.postMessage({
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
};

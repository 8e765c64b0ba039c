/**
 * Our fused kernels (src/ml/kernels) against the tfjs-ops formulation of the same math, in one
 * process: a training step of the tiny preset, steps alternating between the two paths so load
 * changes hit both alike. Prints median ms/step, the ratio and kernels per step.
 */
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { setCustomKernels } from '../src/ml/kernels/register';
import { trainerFromSettings } from '../src/ml/train/from-settings';
import type { NodeBackendName, Tf } from '../src/node/backends';
import { DEFAULT_TRAIN_SETTINGS } from '../src/shared/train-protocol';
import { fmtMs, median, table } from './timing';

export interface KernelsRecord {
  readonly backend: NodeBackendName;
  readonly batch: number;
  readonly opsMs: number;
  readonly fusedMs: number;
  /** Kernels per step that run a program on a GPU backend (no Reshape, Identity, Cast). */
  readonly opsKernels: number;
  readonly fusedKernels: number;
  readonly pairs: number;
}

const FREE = new Set(['Reshape', 'Identity', 'Cast']);
const isScope = (name: string): boolean => name === 'unnamed scope' || name.endsWith('__op');

export async function runKernelsBench(
  tf: Tf,
  backend: NodeBackendName,
  opts: { readonly batch: number; readonly pairs: number; readonly log: (s: string) => void },
): Promise<KernelsRecord> {
  const settings = { ...DEFAULT_TRAIN_SETTINGS, preset: 'tiny' as const, batchSize: opts.batch };
  const trainer = trainerFromSettings(settings, backend);
  const x0 = tf.randomUniform([opts.batch, 28, 28, 1], -1, 1) as Tensor4D;
  const labels = Int32Array.from({ length: opts.batch }, (_, i) => i % 10);
  const step = async (fused: boolean): Promise<number> => {
    setCustomKernels(fused);
    const t0 = performance.now();
    await trainer.step(x0, labels);
    return performance.now() - t0;
  };
  const count = async (fused: boolean): Promise<number> => {
    setCustomKernels(fused);
    const prof = await tf.profile(async () => {
      await trainer.step(x0, labels);
      return [];
    });
    return prof.kernels.filter((k) => !isScope(k.name) && !FREE.has(k.name)).length;
  };
  try {
    for (const fused of [false, true, false, true]) await step(fused);
    const ops: number[] = [];
    const fused: number[] = [];
    for (let i = 0; i < opts.pairs; i++) {
      ops.push(await step(false));
      fused.push(await step(true));
      opts.log(`kernels ${backend} b${opts.batch}: pair ${i + 1}/${opts.pairs}`);
    }
    return {
      backend,
      batch: opts.batch,
      opsMs: median(ops),
      fusedMs: median(fused),
      opsKernels: await count(false),
      fusedKernels: await count(true),
      pairs: opts.pairs,
    };
  } finally {
    setCustomKernels(true);
    trainer.dispose();
    x0.dispose();
  }
}

export function formatKernelsTable(r: KernelsRecord): string {
  return [
    `our kernels vs tfjs ops, tiny train step, batch ${r.batch}, ${r.pairs} alternating pairs, median`,
    table(
      ['path', 'ms/step', 'kernels/step'],
      [
        ['tfjs ops', fmtMs(r.opsMs), String(r.opsKernels)],
        ['our kernels', fmtMs(r.fusedMs), String(r.fusedKernels)],
        [
          'ratio',
          `${(r.opsMs / r.fusedMs).toFixed(2)}×`,
          `${(r.opsKernels / r.fusedKernels).toFixed(2)}×`,
        ],
      ],
    ),
  ].join('\n');
}

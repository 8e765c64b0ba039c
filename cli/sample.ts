/**
 * `sample`: the reverse process on a model's EMA weights (what the app samples from), written as a
 * PNG grid, or with --animate as an animated PNG of x_t at every step.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import UPNG from 'upng-js';
import { tileGrid, type GridImage } from '../src/ml/grid';
import type { SamplerName } from '../src/ml/prediction';
import { NO_LABEL, ReverseProcess, samplerOf } from '../src/ml/sample';
import type { NodeBackendName } from '../src/node/backends';
import { gridColumns } from '../src/shared/sample-protocol';
import { encodeApng, grayToRgba } from '../src/worker/apng';
import { describeBackend, log } from './common';
import { openSamplingModel } from './model';
import { pickSampler } from './sampler-option';

export interface SampleArgs {
  readonly model: string;
  /** Absent: the model's deterministic sampler (DDIM, or Euler for flow matching). */
  readonly sampler?: SamplerName;
  readonly steps: number;
  readonly eta: number;
  readonly n: number;
  /** null: any digit (unconditional). */
  readonly label: number | null;
  readonly guidance: number;
  readonly seed: number;
  readonly out: string;
  readonly animate: boolean;
  readonly scale: number;
  readonly delayMs: number;
  /** Clip x̂0 to [−1, 1] at each step. */
  readonly clip: boolean;
  readonly backend: NodeBackendName | undefined;
}

export function encodePng(grid: GridImage, scale: number): Uint8Array {
  const w = grid.width * scale;
  const h = grid.height * scale;
  return new Uint8Array(UPNG.encode([grayToRgba(grid, scale)], w, h, 0));
}

export async function sample(
  args: SampleArgs,
): Promise<{ file: string; width: number; height: number }> {
  const model = await openSamplingModel(args.model, args.steps, args.backend);
  try {
    const kind = pickSampler(model.prediction, args.sampler);
    log(
      `sampling ${args.n} × ${args.label === null ? 'any digit' : `digit ${args.label}`} from ` +
        `${model.path} (step ${model.meta.step}) with ${kind} ${args.steps} steps on ${describeBackend(model.backend)}`,
    );
    const rp = new ReverseProcess(model.denoise, model.schedule, {
      sampler: samplerOf(kind, args.steps, {
        spacing: 'trailing',
        eta: args.eta,
        variance: 'fixed-small',
      }),
      prediction: model.prediction,
      clip: args.clip,
      labels: new Int32Array(args.n).fill(args.label ?? NO_LABEL),
      guidance: args.guidance,
      seed: args.seed,
      size: 28,
    });
    const columns = gridColumns(args.n);
    const frames: GridImage[] = [];
    try {
      if (args.animate)
        frames.push(tileGrid((await rp.current.data()) as Float32Array, 28, columns));
      while (!rp.done) {
        const s = rp.step();
        try {
          if (args.animate) frames.push(tileGrid((await s.x.data()) as Float32Array, 28, columns));
        } finally {
          s.x.dispose();
          s.predX0.dispose();
        }
      }
      const final = tileGrid((await rp.current.data()) as Float32Array, 28, columns);
      const bytes = args.animate
        ? encodeApng(frames, args.scale, args.delayMs)
        : encodePng(final, args.scale);
      const file = resolve(args.out);
      writeFileSync(file, bytes);
      const width = final.width * args.scale;
      const height = final.height * args.scale;
      log(`wrote ${file} (${width}×${height}${args.animate ? `, ${frames.length} frames` : ''})`);
      return { file, width, height };
    } finally {
      rp.dispose();
    }
  } finally {
    model.dispose();
  }
}

/**
 * `npm run bench:lab2d [-- --backends wasm,cpu] [--steps N] [--presets a,b] [--objectives a,b]
 *   [--recipe JSON] [--samplers ddim:50,ddpm:200,euler:50,heun:100] [--seeds 1,2] [--no-label]
 *   [--normalise]`
 *
 * The 2-D lab's figures: for each preset × objective (× seed), the seconds to train the lab's
 * default model (src/ml/lab2d/trainer.ts): wall clock, the process's CPU time and their ratio
 * (tfjs-wasm in Node runs on one thread, so on a machine busy with other work the CPU time is
 * what the training itself cost, and CPU/wall says how much of a core it got). Then, for each
 * sampler that fits the objective, the energy distance of 1000 unguided samples (each particle a
 * label in the data's proportions, as the lab samples) to each of two disjoint sets of 1000
 * held-out points (the mean of the two), divided by the floor: the energy distance two
 * independent samples of 1000 from the data score on average (energyDistanceFloor; the issue asks
 * for within 2× of it). The one draw of held-out against held-out the bench used as its floor
 * before is printed in brackets. The training points are the other half of the preset.
 * `--normalise` trains and samples on the preset centred and scaled to unit variance.
 * Figures only, no thresholds. Progress and tables go to stdout.
 */
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { setupNodeBackend, type NodeBackendName } from '../src/node/backends';
import { runMain } from '../src/node/run-main';
import { PRESETS, makePreset, type PresetName } from '../src/ml/lab2d/datasets';
import { energyDistance, energyDistanceFloor } from '../src/ml/lab2d/distance';
import { labelsInProportion, learnedPredict } from '../src/ml/lab2d/learned';
import { OBJECTIVES, type Objective } from '../src/ml/lab2d/objective';
import { pointsOfClass, splitPoints } from '../src/ml/lab2d/points';
import { runDiffusion, runFlow } from '../src/ml/lab2d/reverse';
import {
  DEFAULT_LAB2D_TRAIN,
  Lab2dTrainer,
  type Lab2dTrainSettings,
} from '../src/ml/lab2d/trainer';
import { gaussian, mulberry32 } from '../src/ml/random';
import { makeSchedule } from '../src/ml/schedule';
import type { Prediction } from '../src/ml/samplers';

const SAMPLES = 1000;

function pick<T extends string>(raw: string | undefined, all: readonly T[]): T[] {
  if (raw === undefined) return [...all];
  const items = raw.split(',').map((s) => s.trim());
  for (const i of items) {
    if (!(all as readonly string[]).includes(i))
      throw new Error(`unknown '${i}' (choose from ${all.join(', ')})`);
  }
  return items as T[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backends: { type: 'string', default: 'wasm' },
      steps: { type: 'string', default: String(DEFAULT_LAB2D_TRAIN.steps) },
      presets: { type: 'string' },
      objectives: { type: 'string' },
      recipe: { type: 'string', default: '{}' },
      // Samplers tried on each trained model, as method:steps (ddim, ddpm for ε / v / x₀;
      // euler, heun for flow matching); the training is the cost, sampling is cheap.
      samplers: { type: 'string', default: 'ddim:50,ddpm:200,euler:50,heun:50' },
      seeds: { type: 'string', default: '1' },
      // Unguided samples of a conditional model through the "no label" class, as the lab did
      // before (the lab now gives each particle a label in the data's proportions).
      'no-label': { type: 'boolean', default: false },
      // Train and sample on the preset centred and scaled to unit variance (one scale for both
      // axes): energy distance scales with the points, so the ratio to the floor is what
      // un-scaling the samples afterwards would give.
      normalise: { type: 'boolean', default: false },
    },
  });
  const backends = pick(values.backends, [
    'wasm',
    'cpu',
  ] as const satisfies readonly NodeBackendName[]);
  const presets = pick<PresetName>(values.presets, PRESETS);
  const objectives = pick<Objective>(values.objectives, OBJECTIVES);
  const steps = Number(values.steps);
  const recipe = {
    ...DEFAULT_LAB2D_TRAIN,
    ...(JSON.parse(values.recipe) as Partial<Lab2dTrainSettings>),
    steps,
  };
  const schedule = makeSchedule('linear', 1000);
  const samplers = values.samplers.split(',').map((spec) => {
    const [method = '', n = '50'] = spec.split(':');
    if (!['ddim', 'ddpm', 'euler', 'heun'].includes(method))
      throw new Error(`unknown sampler '${method}' (ddim, ddpm, euler, heun)`);
    return { method, steps: Number(n) };
  });
  const seeds = values.seeds.split(',').map(Number);
  console.log(
    `# lab2d bench: ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}, recipe ${JSON.stringify(recipe)}`,
  );
  console.log(
    'backend | preset | objective | seed | train s (wall) | train s (CPU) | CPU/wall | final loss | floor (one draw) | ratio per sampler',
  );
  for (const backend of backends) {
    const { tf } = await setupNodeBackend(backend);
    for (const preset of presets) {
      const raw = makePreset(preset, 4000, 7);
      const all = values.normalise ? { ...raw, xy: standardised(raw.xy) } : raw;
      const [train, held] = splitPoints(all, 0.5, mulberry32(3));
      const [heldA, heldB] = splitPoints(held, 0.5, mulberry32(4));
      const a = pointsOfClass(heldA, -1);
      const b = pointsOfClass(heldB, -1);
      // The yardstick: what two independent samples of these sizes score on average. The one
      // draw heldA-vs-heldB the bench used before scatters by about half of that (printed too).
      const floor = energyDistanceFloor(pointsOfClass(held, -1), SAMPLES, a.length / 2);
      const oneDraw = energyDistance(a, b);
      for (const objective of objectives) {
        for (const seed of seeds) {
          const trainer = new Lab2dTrainer(train, schedule, { ...recipe, objective, seed });
          const start = performance.now();
          const cpuStart = process.cpuUsage();
          let loss = NaN;
          let tail = 0;
          while (!trainer.finished) {
            const l = await trainer.next();
            // The mean of the last 100 losses: one batch's loss is noisy.
            if (trainer.step > steps - 100) {
              tail += l;
              loss = tail / Math.min(100, trainer.step);
            }
          }
          const seconds = (performance.now() - start) / 1000;
          const used = process.cpuUsage(cpuStart);
          const cpuSeconds = (used.user + used.system) / 1e6;
          const noise = gaussian(11, 2 * SAMPLES);
          const labels = values['no-label'] ? null : labelsInProportion(train.labels, SAMPLES, 12);
          const predict = learnedPredict(trainer.result(), schedule.T, -1, 1, labels);
          const ratios: string[] = [];
          for (const { method, steps: n } of samplers) {
            const flowSampler = method === 'euler' || method === 'heun';
            if (flowSampler !== (objective === 'flow')) continue;
            const traj =
              method === 'euler' || method === 'heun'
                ? runFlow(method, n, noise, predict)
                : runDiffusion(
                    method === 'ddpm' ? 'ddpm' : 'ddim',
                    schedule,
                    n,
                    objective as Prediction,
                    noise,
                    5,
                    predict,
                  );
            const samples = traj.frames.subarray(traj.frames.length - 2 * SAMPLES);
            // Against both held-out halves, averaged: the same expectation, less scatter.
            const d = (energyDistance(samples, a) + energyDistance(samples, b)) / 2;
            ratios.push(`${method}-${n} ${(d / Math.max(floor, 1e-9)).toFixed(2)}`);
          }
          console.log(
            [
              backend,
              preset,
              objective,
              seed,
              seconds.toFixed(1),
              cpuSeconds.toFixed(1),
              (cpuSeconds / seconds).toFixed(2),
              loss.toFixed(3),
              `${floor.toFixed(4)} (${oneDraw.toFixed(4)})`,
              ratios.join(', '),
            ].join(' | '),
          );
          trainer.model.dispose();
        }
      }
    }
    console.log(`# ${backend}: tensors left ${tf.memory().numTensors}`);
  }
}

/** The points centred and divided by their pooled standard deviation. */
function standardised(xy: Float32Array): Float32Array {
  const n = xy.length / 2;
  let [mx, my] = [0, 0];
  for (let i = 0; i < n; i++) [mx, my] = [mx + (xy[2 * i] ?? 0) / n, my + (xy[2 * i + 1] ?? 0) / n];
  let v = 0;
  for (let i = 0; i < n; i++) v += ((xy[2 * i] ?? 0) - mx) ** 2 + ((xy[2 * i + 1] ?? 0) - my) ** 2;
  const s = Math.sqrt(v / (2 * n));
  return xy.map((c, k) => (c - (k % 2 === 0 ? mx : my)) / s);
}

runMain(main);

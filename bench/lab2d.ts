/**
 * `npm run bench:lab2d [-- --backends wasm,cpu] [--steps N] [--presets a,b] [--objectives a,b] [--recipe JSON]`
 *
 * The 2-D lab's figures: for each preset × objective, the seconds to train the lab's default
 * model (wall clock, and the process's CPU time: tfjs-wasm in Node runs on one thread, so on a
 * machine busy with other work the CPU time is what the training itself cost) (src/ml/lab2d/trainer.ts) and the energy distance of 1000 samples (DDIM-50 for ε / v /
 * x₀, Euler-50 for flow matching) to 1000 held-out points, beside the floor: two disjoint
 * held-out sets against each other (same sizes, so the same finite-sample bias; the issue asks
 * for within 2× of it). "ratio" is distance / floor. The training points are the other half.
 * Figures only, no thresholds. Progress and tables go to stdout.
 */
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { setupNodeBackend, type NodeBackendName } from '../src/node/backends';
import { runMain } from '../src/node/run-main';
import { PRESETS, makePreset, type PresetName } from '../src/ml/lab2d/datasets';
import { energyDistance } from '../src/ml/lab2d/distance';
import { learnedPredict } from '../src/ml/lab2d/learned';
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
  console.log(
    `# lab2d bench: ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}, recipe ${JSON.stringify(recipe)}`,
  );
  console.log(
    'backend | preset | objective | train s (wall) | train s (CPU) | ms/step (wall) | final loss | energy dist | floor | ratio',
  );
  for (const backend of backends) {
    const { tf } = await setupNodeBackend(backend);
    for (const preset of presets) {
      const all = makePreset(preset, 4000, 7);
      const [train, held] = splitPoints(all, 0.5, mulberry32(3));
      const [heldA, heldB] = splitPoints(held, 0.5, mulberry32(4));
      const a = pointsOfClass(heldA, -1);
      const floor = energyDistance(a, pointsOfClass(heldB, -1));
      for (const objective of objectives) {
        const trainer = new Lab2dTrainer(train, schedule, { ...recipe, objective });
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
        const predict = learnedPredict(trainer.model, schedule.T, -1, 1);
        const traj =
          objective === 'flow'
            ? runFlow('euler', 50, noise, predict)
            : runDiffusion('ddim', schedule, 50, objective, noise, 5, predict);
        const samples = traj.frames.subarray(traj.frames.length - 2 * SAMPLES);
        const d = energyDistance(samples, a);
        console.log(
          [
            backend,
            preset,
            objective,
            seconds.toFixed(1),
            cpuSeconds.toFixed(1),
            ((seconds * 1000) / steps).toFixed(1),
            loss.toFixed(3),
            d.toFixed(4),
            floor.toFixed(4),
            (d / Math.max(floor, 1e-9)).toFixed(1),
          ].join(' | '),
        );
        trainer.model.dispose();
      }
    }
    console.log(`# ${backend}: tensors left ${tf.memory().numTensors}`);
  }
}

runMain(main);

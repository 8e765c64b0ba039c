/**
 * The tfjs side of the 2-D lab: training one model per family (diffusion: ε / v / x₀; flow
 * matching) and running the reverse processes and fields with it or with the exact denoiser.
 * Backend: WebAssembly on one thread, measured several times faster than tfjs' CPU backend for
 * this MLP (bench/lab2d.ts) and faster than two threads (see start); the CPU backend only if
 * WebAssembly cannot start.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { epsilonFromOutput, scoreFromEpsilon, travelFromVelocity } from '../ml/lab2d/field';
import { labelsInProportion, learnedPredict } from '../ml/lab2d/learned';
import { diffusionLevel } from '../ml/lab2d/mixture';
import type { Mlp } from '../ml/lab2d/mlp';
import type { PointSet } from '../ml/lab2d/points';
import {
  idealDiffusion,
  idealFlow,
  runDiffusion,
  runFlow,
  type Predict,
  type Trajectory,
} from '../ml/lab2d/reverse';
import { Lab2dTrainer, type Lab2dTrainSettings } from '../ml/lab2d/trainer';
import { gaussian } from '../ml/random';
import type { Prediction } from '../ml/samplers';
import { makeSchedule, type Schedule } from '../ml/schedule';
import {
  familyOf,
  type Family,
  type SampleRequest,
  type ScheduleSpec,
  type ToLab2d,
  type TrajectoryMessage,
} from '../shared/lab2d-protocol';
import type { Post } from './lab2d-job';
import { registerWasm } from './wasm-setup';

/** Progress goes out this often; the loop also yields to messages (stop, density) this often. */
const REPORT_MS = 100;

interface Trained {
  readonly model: Mlp;
  readonly schedule: Schedule;
}

function scheduleOf(spec: ScheduleSpec): Schedule {
  return makeSchedule(spec.kind, spec.T);
}

export class Lab2dModels {
  private readonly trained = new Map<Family, Trained>();
  private running: { id: number; stop: boolean } | null = null;

  constructor(private readonly post: Post) {}

  async start(): Promise<void> {
    try {
      // One thread: the MLP's kernels are so small that handing half of each to a second thread
      // costs more than it saves, and on a busy 2-core machine the wait for that thread dominates
      // (1500 steps in Chromium at load 11–13: 22–24 s on 2 threads, 13–14 s on one).
      const threads = await registerWasm(tf, 'faster for this tiny network');
      if (!(await tf.setBackend('wasm'))) throw new Error('it failed to initialise');
      this.post({
        type: 'backend',
        backend: 'wasm',
        note: threads.note ?? `${threads.threads} threads`,
      });
    } catch (error) {
      await import('@tensorflow/tfjs-backend-cpu');
      await tf.setBackend('cpu');
      const why = error instanceof Error ? error.message : String(error);
      this.post({ type: 'backend', backend: 'cpu', note: `WebAssembly did not start (${why})` });
    }
  }

  stop(id: number): void {
    if (this.running?.id === id) this.running.stop = true;
  }

  async train(
    id: number,
    data: PointSet,
    settings: Lab2dTrainSettings,
    spec: ScheduleSpec,
  ): Promise<void> {
    if (this.running) this.running.stop = true;
    const run = { id, stop: false };
    this.running = run;
    const schedule = scheduleOf(spec);
    const trainer = new Lab2dTrainer(data, schedule, settings);
    const family = familyOf(settings.objective);
    let seconds = 0;
    let losses: number[] = [];
    let since = performance.now();
    try {
      while (!trainer.finished && !run.stop) {
        const t0 = performance.now();
        losses.push(await trainer.next());
        seconds += (performance.now() - t0) / 1000;
        if (performance.now() - since >= REPORT_MS || trainer.finished) {
          const batch = Float32Array.from(losses);
          this.post({ type: 'train/progress', id, step: trainer.step, losses: batch, seconds }, [
            batch.buffer,
          ]);
          losses = [];
          since = performance.now();
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }
    } catch (error) {
      trainer.model.dispose();
      throw error;
    } finally {
      if (this.running === run) this.running = null;
    }
    this.trained.get(family)?.model.dispose();
    this.trained.set(family, { model: trainer.result(), schedule });
    this.post({ type: 'train/done', id, family, step: trainer.step, seconds, stopped: run.stop });
  }

  private learned(family: Family): Trained {
    const t = this.trained.get(family);
    if (!t) {
      throw new Error(
        family === 'flow'
          ? 'No flow-matching model yet: train one with the objective "Flow matching".'
          : 'No diffusion model yet: train one with the objective ε, v or x₀.',
      );
    }
    return t;
  }

  sample(id: number, data: PointSet, request: SampleRequest, spec: ScheduleSpec): void {
    const { guideClass, scale } = request;
    const noise = gaussian(request.seed, 2 * request.particles);
    const ideal = { data: data.xy, labels: data.labels, guideClass, scale };
    // Unguided particles each take a label in the data's proportions (see learnedPredict).
    const labels = labelsInProportion(data.labels, request.particles, request.seed + 2);
    const trajectories: TrajectoryMessage[] = request.methods.map((method) => {
      let traj: Trajectory;
      if (method === 'flow') {
        const predict: Predict =
          request.source === 'exact'
            ? idealFlow(ideal)
            : learnedPredict(this.learned('flow').model, spec.T, guideClass, scale, labels);
        traj = runFlow(request.solver, request.steps, noise, predict);
      } else {
        const exact = request.source === 'exact';
        const trained = exact ? null : this.learned('diffusion');
        const schedule = trained?.schedule ?? scheduleOf(spec);
        const predict = trained
          ? learnedPredict(trained.model, schedule.T, guideClass, scale, labels)
          : idealDiffusion(ideal, schedule);
        const prediction: Prediction = trained
          ? (trained.model.config.objective as Prediction)
          : 'x0';
        const steps = Math.min(request.steps, schedule.T);
        traj = runDiffusion(method, schedule, steps, prediction, noise, request.seed + 1, predict);
      }
      return { method, frames: traj.frames, times: traj.times };
    });
    this.post(
      { type: 'samples', id, trajectories },
      trajectories.flatMap((t) => [t.frames.buffer, t.times.buffer]),
    );
  }

  field(message: Extract<ToLab2d, { type: 'field' }>, data: PointSet): void {
    const { id, family, time, at, guideClass, scale } = message;
    const ideal = { data: data.xy, labels: data.labels, guideClass, scale };
    const trained = this.trained.get(family) ?? null;
    let exact: Float32Array;
    let learned: Float32Array | null = null;
    if (family === 'flow') {
      exact = travelFromVelocity(idealFlow(ideal)(at, time));
      if (trained) {
        const predict = learnedPredict(trained.model, trained.schedule.T, guideClass, scale);
        learned = travelFromVelocity(predict(at, time));
      }
    } else {
      const schedule = trained?.schedule ?? scheduleOf(message.schedule);
      const t = Math.min(time, schedule.T - 1);
      const level = diffusionLevel(schedule, t);
      const x0 = idealDiffusion(ideal, schedule)(at, t);
      exact = scoreFromEpsilon(level, epsilonFromOutput('x0', level, at, x0));
      if (trained) {
        const out = learnedPredict(trained.model, schedule.T, guideClass, scale)(at, t);
        const prediction = trained.model.config.objective as Prediction;
        learned = scoreFromEpsilon(level, epsilonFromOutput(prediction, level, at, out));
      }
    }
    const transfer = learned ? [exact.buffer, learned.buffer] : [exact.buffer];
    this.post({ type: 'field', id, learned, exact }, transfer);
  }
}

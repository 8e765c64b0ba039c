import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeSchedule } from '../ml/schedule';
import type { StepResult } from '../ml/train/step';
import type { FromWorker } from '../shared/protocol';
import type { QualityReport } from '../shared/quality-protocol';
import {
  DEFAULT_TRAIN_SETTINGS,
  type LossPoint,
  type TrainSettings,
} from '../shared/train-protocol';
import { RunChartsRecorder } from './run-charts-recorder';
import { TrainLoop, type LoopModel, type Stepper } from './train-loop';

const quiet = { previewEvery: 0, qualityEvery: 0, autosaveEvery: 0 } as const;

/** A model that only counts: what the loop asks of it is recorded. */
function fakeModel(overrides: Partial<TrainSettings>) {
  const settings: TrainSettings = { ...DEFAULT_TRAIN_SETTINGS, ...quiet, ...overrides };
  const trainer = {
    optimizer: { step: 0 },
    // As a recorded WebGPU step reports itself: the progress message passes it on.
    replay: {
      counts: { programs: 40, copies: 3, directWrites: 2 },
      recorded: 1,
      replayed: 9,
      encodeMs: 0.5,
      gpuMs: 2,
      lastFailure: null,
    },
  };
  const history: LossPoint[] = [];
  const saves: number[] = [];
  const snapshotChecks: number[] = [];
  const model: LoopModel = {
    trainer,
    settings,
    backend: 'webgpu',
    charts: new RunChartsRecorder(),
    record: (p) => history.push(p),
    samplingModel: () => ({
      denoise: (xt) => tf.mul(xt, 0.5) as tf.Tensor4D,
      schedule: makeSchedule('linear', 40),
      prediction: 'x0',
      step: trainer.optimizer.step,
    }),
    saveDue: (step) => settings.autosaveEvery > 0 && step % settings.autosaveEvery === 0,
    autosave: () => {
      saves.push(trainer.optimizer.step);
      return Promise.resolve();
    },
    snapshotDue: (elapsedMs) => {
      snapshotChecks.push(elapsedMs);
      return false;
    },
    snapshot: () => Promise.resolve(),
  };
  return { model, trainer, history, saves, snapshotChecks };
}

/** Steps whose loss is `loss(step)` (NaN: a non-finite step, nothing updated); `tick` per step. */
function fakeSteps(
  trainer: { optimizer: { step: number } },
  loss: (step: number) => number,
  tick: () => void,
  onStep: (step: number) => void = () => undefined,
): Stepper {
  return {
    step: (): Promise<StepResult> => {
      const next = trainer.optimizer.step + 1;
      const l = loss(next);
      const nonFinite = !Number.isFinite(l);
      if (!nonFinite) trainer.optimizer.step = next;
      tick();
      onStep(next);
      return Promise.resolve({
        loss: l,
        step: trainer.optimizer.step,
        nonFinite,
        lr: 1e-3,
        gradNorm: 1,
        timesteps: Int32Array.from([10]),
        perSampleLoss: Float32Array.from([l]),
      });
    },
    afterStep: () => undefined,
  };
}

function setUp(overrides: Partial<TrainSettings>, scoreQuality = noQuality) {
  const fake = fakeModel(overrides);
  const messages: FromWorker[] = [];
  let clock = 0;
  let runId = 1;
  const loop = new TrainLoop({
    post: (m) => messages.push(m),
    model: fake.model,
    runId: () => runId,
    scoreQuality: (count) => scoreQuality(count, (ms) => (clock += ms)),
    now: () => clock,
  });
  return {
    ...fake,
    loop,
    messages,
    advance: (ms: number) => (clock += ms),
    stopRun: () => (runId += 1),
    of: <T extends FromWorker['type']>(type: T) =>
      messages.filter((m): m is Extract<FromWorker, { type: T }> => m.type === type),
  };
}

type Score = (
  count: number,
  spend: (ms: number) => void,
) => Promise<{ report: QualityReport; ms: number }>;
const noQuality: Score = () => Promise.reject(new Error('not asked for'));

describe('the training loop', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('posts only new loss points, in batches, and finishes with an autosave', async () => {
    const t = setUp({ totalSteps: 10 });
    const end = await t.loop.run(
      1,
      fakeSteps(
        t.trainer,
        (s) => 1 / s,
        () => t.advance(200),
      ),
    );
    expect(end).toEqual({ kind: 'finished' });
    const progress = t.of('train/progress');
    // Every 500 ms of a 200 ms step, then the rest at the end.
    expect(progress.map((m) => m.points.map((p) => p.step))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
      [10],
    ]);
    expect(t.history.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(progress.at(-1)).toMatchObject({
      step: 10,
      totalSteps: 10,
      elapsedMs: 2000,
      replay: { replayed: 9, encodeMs: 0.5, gpuMs: 2, programs: 40, copies: 3, failure: null },
    });
    expect(t.saves).toEqual([10]);
  });

  it('yields to messages between steps: a pause stops it after the step under way', async () => {
    const t = setUp({ totalSteps: 100 });
    // The pause arrives as a message while step 3 runs.
    const steps = fakeSteps(
      t.trainer,
      () => 0.5,
      () => undefined,
      (step) => {
        if (step === 3) setTimeout(t.stopRun, 0);
      },
    );
    expect(await t.loop.run(1, steps)).toEqual({ kind: 'stopped' });
    expect(t.trainer.optimizer.step).toBe(3);
    expect(t.saves).toEqual([]);
  });

  it('stops at a NaN loss, with the points before it sent and nothing saved', async () => {
    const t = setUp({ totalSteps: 10, autosaveEvery: 1 });
    const end = await t.loop.run(
      1,
      fakeSteps(
        t.trainer,
        (s) => (s === 4 ? NaN : 1),
        () => t.advance(1),
      ),
    );
    expect(end).toEqual({ kind: 'non-finite', step: 4 });
    expect(t.history.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(t.of('train/progress').flatMap((m) => m.points.map((p) => p.step))).toEqual([1, 2, 3]);
    // The autosaves of steps 1–3 only: the NaN step saves nothing.
    expect(t.saves).toEqual([1, 2, 3]);
  });

  it('previews, measures and saves between steps, off the training clock', async () => {
    const report: QualityReport = {
      samples: 50,
      kid: 0.1,
      kidRealFloor: 0.01,
      classAccuracy: 0.8,
      meanConfidence: 0.9,
      predictedCounts: [],
      memorisation: 0,
      memorisationThreshold: 1,
    };
    let asked = 0;
    const score: Score = (_count, spend) => {
      asked += 1;
      spend(5000);
      return asked === 1
        ? Promise.resolve({ report, ms: 5000 })
        : Promise.reject(new Error('the classifier is gone'));
    };
    const t = setUp({ totalSteps: 4, previewEvery: 2, qualityEvery: 2, autosaveEvery: 3 }, score);
    const end = await t.loop.run(
      1,
      fakeSteps(
        t.trainer,
        () => 1,
        () => t.advance(10_000),
      ),
    );
    expect(end).toEqual({ kind: 'finished' });
    // Each step's 10 s only: the 5 s of scoring are not training time.
    expect(t.snapshotChecks).toEqual([10_000, 20_000, 30_000, 40_000]);
    const previews = t.of('train/preview');
    expect(previews.map((m) => m.step)).toEqual([2, 4, 4]);
    expect(previews[0]).toMatchObject({ frame: { width: 298, height: 58 }, columns: 10 });
    expect(t.of('train/quality').map((m) => m.point)).toEqual([
      expect.objectContaining({ step: 2, kid: 0.1, ms: 5000, elapsedMs: 20_000 }),
    ]);
    expect(t.of('error').map((m) => m.message)).toEqual([
      'Quality measurement at step 4 failed (training goes on): Error: the classifier is gone',
    ]);
    expect(t.saves).toEqual([3, 4]);
  });
});

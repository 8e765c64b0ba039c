import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeSchedule } from '../ml/schedule';
import { standInDenoiser } from '../ml/stand-in-denoiser';
import type { CreateTask } from '../shared/create-protocol';
import type { FromWorker } from '../shared/protocol';
import { DEFAULT_SAMPLE_SETTINGS, type SampleSettings } from '../shared/sample-protocol';
import { createStepper, runStrengths } from './create-job';
import { SampleJob, type SamplingModel } from './sample-job';

const schedule = makeSchedule('linear', 100);
const model: SamplingModel = { denoise: standInDenoiser, schedule, prediction: 'epsilon', step: 1 };
const settings: SampleSettings = { ...DEFAULT_SAMPLE_SETTINGS, steps: 10, label: 3, count: 1 };
const digit = Uint8Array.from({ length: 784 }, (_, i) => ((i % 28) * 9) % 256);
const bottom = Uint8Array.from({ length: 784 }, (_, i) => (i >= 392 ? 1 : 0));

/** Starts a Create run in the worker's sampling job and collects what it posts until it ends. */
async function run(task: CreateTask, s: SampleSettings = settings, m: SamplingModel = model) {
  const messages: FromWorker[] = [];
  let finish: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  const job = new SampleJob(
    (m) => {
      messages.push(m);
      if (m.type === 'sample/state' && (m.state === 'done' || m.state === 'cancelled')) finish();
    },
    () => m,
  );
  await job.begin(1, true, (m) => createStepper(m, s, task));
  await ended;
  const frames = messages.flatMap((m) => (m.type === 'sample/frame' ? [m.frame] : []));
  return { frames, last: messages.at(-1) };
}

describe('Create runs through the sampling job', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('SDEdit at 0.6 of 10 steps: shows x_t0 beside the drawing, then 6 steps', async () => {
    const before = tf.memory().numTensors;
    const { frames, last } = await run({ kind: 'sdedit', image: digit, strength: 0.6 });
    expect(last).toMatchObject({ type: 'sample/state', state: 'done' });
    expect(frames.map((f) => f.index)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    const start = frames[0]!;
    expect(start.t).toBe(start.prevT);
    expect(start.t).toBe(59);
    // x̂0 of the start frame is the drawing itself.
    expect(Array.from(start.x0.pixels)).toEqual(Array.from(digit));
    expect(frames.at(-1)!.prevT).toBeLessThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('inpainting streams every move (steps and jumps back) and keeps the known half', async () => {
    const { frames, last } = await run({
      kind: 'inpaint',
      image: digit,
      mask: bottom,
      jumpLength: 2,
      jumpCount: 2,
    });
    expect(last).toMatchObject({ state: 'done' });
    // Start, 10 steps and 3 stretches of 2 taken again (jumps at 0, 2, 4, 6: those below 10 − 2).
    expect(frames).toHaveLength(1 + 10 + 4 * (1 + 2));
    expect(frames.some((f) => f.prevT > f.t)).toBe(true);
    const final = frames.at(-1)!.xt.pixels;
    for (let i = 0; i < 392; i++) expect(Math.abs(final[i]! - digit[i]!)).toBeLessThanOrEqual(1);
  });

  it('interpolation: one row of k frames, with DDIM η = 0 whatever the form says', async () => {
    const { frames } = await run(
      { kind: 'interpolate-seeds', seedB: 9, frames: 5 },
      { ...settings, sampler: 'ddpm' },
    );
    expect(frames).toHaveLength(10);
    expect(frames[0]!.xt).toMatchObject({ width: 5 * 28 + 4 * 2, height: 28 });
    const classes = await run({ kind: 'interpolate-classes', classA: 1, classB: 7, frames: 3 });
    expect(classes.frames.at(-1)!.xt.width).toBe(3 * 28 + 2 * 2);
  });

  it('a flow-matching model: SDEdit starts at τ = strength, inpainting and interpolation run with Euler', async () => {
    const flow: SamplingModel = { ...model, prediction: 'flow' };
    const euler: SampleSettings = { ...settings, sampler: 'euler' };
    const sdedit = await run({ kind: 'sdedit', image: digit, strength: 0.6 }, euler, flow);
    expect(sdedit.last).toMatchObject({ state: 'done' });
    // τ = 0.6 is t = τ·T − 1 = 59 on the grid; then 6 Euler steps to τ = 0.
    expect(sdedit.frames[0]!.t).toBe(59);
    expect(sdedit.frames.map((f) => f.t).slice(1)).toEqual([59, 49, 39, 29, 19, 9]);
    const inpaint = await run(
      { kind: 'inpaint', image: digit, mask: bottom, jumpLength: 2, jumpCount: 2 },
      { ...settings, sampler: 'heun' },
      flow,
    );
    expect(inpaint.last).toMatchObject({ state: 'done' });
    const final = inpaint.frames.at(-1)!.xt.pixels;
    for (let i = 0; i < 392; i++) expect(Math.abs(final[i]! - digit[i]!)).toBeLessThanOrEqual(1);
    // Interpolation takes the model's deterministic sampler, whatever the form says.
    const walk = await run({ kind: 'interpolate-seeds', seedB: 9, frames: 3 }, settings, flow);
    expect(walk.last).toMatchObject({ state: 'done' });
    expect(walk.frames).toHaveLength(10);
    // A sampler that does not fit the model is refused in words.
    const refused = await run({ kind: 'sdedit', image: digit, strength: 0.6 }, settings, flow);
    expect(refused.frames).toHaveLength(0);
    expect(refused.last).toMatchObject({
      state: 'cancelled',
      message:
        'This model was trained with flow matching (it predicts a velocity): sample it with Euler or Heun, not DDIM.',
    });
  });

  it.each([
    [
      { kind: 'inpaint', image: digit, mask: new Uint8Array(784), jumpLength: 1, jumpCount: 1 },
      /mask is empty/,
    ],
    [
      { kind: 'sdedit', image: new Uint8Array(100), strength: 0.5 },
      /must be 28×28 \(784 pixels\); it has 100/,
    ],
    [{ kind: 'sdedit', image: digit, strength: 0.05 }, /keeps no step/],
    [{ kind: 'sdedit', image: digit, strength: 1.5 }, /at most 1/],
    [{ kind: 'interpolate-seeds', seedB: 2, frames: 1 }, /Frames must be/],
    [
      {
        kind: 'inpaint',
        image: digit,
        mask: new Uint8Array(784).fill(1),
        jumpLength: 1,
        jumpCount: 21,
      },
      /Resample count must be a whole number from 1 to 20; got 21/,
    ],
    [{ kind: 'interpolate-classes', classA: 1, classB: 11, frames: 4 }, /digits 0–9/],
  ] as [CreateTask, RegExp][])('refuses %j in words, with no frame', async (task, message) => {
    const { frames, last } = await run(task);
    expect(frames).toHaveLength(0);
    expect(last).toMatchObject({
      state: 'cancelled',
      message: expect.stringMatching(message) as unknown,
    });
  });

  it('the strengths strip reports each strength from one seed; cancel stops it', async () => {
    const messages: FromWorker[] = [];
    const job = new SampleJob(
      (m) => messages.push(m),
      () => model,
    );
    const strengths = [0.2, 0.6, 1];
    await runStrengths(job, (m) => messages.push(m), {
      type: 'create/strengths',
      runId: 4,
      settings,
      image: digit,
      strengths,
    });
    const results = messages.flatMap((m) => (m.type === 'create/strength' ? [m] : []));
    expect(results.map((r) => r.strength)).toEqual(strengths);
    expect(results[0]!.frame).toMatchObject({ width: 28, height: 28 });
    expect(messages.at(-1)).toMatchObject({ type: 'sample/state', state: 'done' });

    messages.length = 0;
    const running = runStrengths(job, (m) => messages.push(m), {
      type: 'create/strengths',
      runId: 5,
      settings,
      image: digit,
      strengths: [1, 1, 1, 1],
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    job.cancel(5);
    await running;
    expect(messages.filter((m) => m.type === 'create/strength').length).toBeLessThan(4);
    expect(messages.at(-1)).toMatchObject({ state: 'cancelled' });
  });
});

import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gaussian } from '../random';
import { makeSchedule } from '../schedule';
import { idealDiffusion, idealFlow, runDiffusion, runFlow, type Trajectory } from './reverse';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// 12 points a unit apart on a 4 × 3 grid, labelled by row: far enough apart that the last steps'
// small noise level (s ≈ 0.03 at t = 9) already singles out one point.
const SET = {
  xy: Float32Array.from({ length: 24 }, (_, k) =>
    k % 2 === 0 ? ((k / 2) % 4) - 1.5 : Math.floor(k / 8) - 1,
  ),
  labels: Uint8Array.from({ length: 12 }, (_, i) => Math.floor(i / 4)),
};
const N = 64;

/** For each final particle: the distance to its nearest data point, and that point's label. */
function nearest(traj: Trajectory): { dist: number; label: number }[] {
  const end = traj.frames.subarray(traj.frames.length - 2 * N);
  return Array.from({ length: N }, (_, j) => {
    let best = { dist: Infinity, label: -1 };
    for (let i = 0; i < 12; i++) {
      const d = Math.hypot(
        (end[2 * j] ?? 0) - (SET.xy[2 * i] ?? 0),
        (end[2 * j + 1] ?? 0) - (SET.xy[2 * i + 1] ?? 0),
      );
      if (d < best.dist) best = { dist: d, label: SET.labels[i] ?? -1 };
    }
    return best;
  });
}

describe('sampling with the ideal denoiser reproduces the training points (memorisation)', () => {
  const schedule = makeSchedule('linear', 1000);
  const ideal = { data: SET.xy, labels: SET.labels, guideClass: -1, scale: 1 };
  const noise = gaussian(5, 2 * N);

  it.each(['ddpm', 'ddim'] as const)('%s lands on data points', (sampler) => {
    const traj = runDiffusion(
      sampler,
      schedule,
      100,
      'x0',
      noise,
      9,
      idealDiffusion(ideal, schedule),
    );
    expect(traj.frames.length).toBe(101 * 2 * N);
    expect(Array.from(traj.frames.subarray(0, 2 * N))).toEqual(Array.from(noise));
    expect(traj.times[0]).toBe(999);
    expect(traj.times[100]).toBe(-1);
    // DDPM's last step from t = 9 to −1 adds no noise (fixed-small variance is 0 there).
    for (const { dist } of nearest(traj)) expect(dist).toBeLessThan(1e-4);
  });

  it.each(['euler', 'heun'] as const)('flow matching with %s lands on data points', (solver) => {
    const traj = runFlow(solver, 100, noise, idealFlow(ideal));
    for (const { dist } of nearest(traj)) expect(dist).toBeLessThan(1e-4);
  });

  it('guided toward a labelled mode, lands on that mode only', () => {
    const guided = { ...ideal, guideClass: 1, scale: 3 };
    const traj = runFlow('euler', 100, noise, idealFlow(guided));
    for (const { dist, label } of nearest(traj)) {
      expect(dist).toBeLessThan(1e-4);
      expect(label).toBe(1);
    }
  });
});

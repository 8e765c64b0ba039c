import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_SETTINGS, QUALITY_FIRST_MS } from '../shared/train-protocol';
import { TrainMeter } from './train-meter';

const step = (t: number[], loss: number[]) => ({
  lr: 1e-3,
  gradNorm: 0.5,
  timesteps: t,
  perSampleLoss: loss,
});
const settings = { ...DEFAULT_TRAIN_SETTINGS, totalSteps: 100, batchSize: 4 };

describe('training progress meter', () => {
  it('counts training time only: previews, scoring and saves stop the clock', () => {
    const m = new TrainMeter();
    m.startRun(1000);
    m.step(1100, step([0], [1]), 1000);
    m.resumeAt(1600); // a preview took 500 ms
    m.step(1700, step([0], [1]), 1000);
    expect(m.elapsedMs).toBe(200);
  });

  it('steps/s, images/s and ETA over recent steps; loss per timestep bucket', () => {
    const m = new TrainMeter();
    m.startRun(0);
    for (let i = 1; i <= 11; i++) m.step(i * 250, step([5, 995], [2, 4]), 1000);
    const s = m.stats(20, settings);
    expect(s.stepsPerSec).toBeCloseTo(4, 6);
    expect(s.imagesPerSec).toBeCloseTo(16, 6);
    expect(s.etaMs).toBeCloseTo(20_000, 3);
    expect(s.bucketLoss[0]).toBe(2);
    expect(s.bucketLoss[9]).toBe(4);
    expect(s.bucketLoss.slice(1, 9).every(Number.isNaN)).toBe(true);
    expect(s.lr).toBe(1e-3);
    // A smoothed average: a new value moves the bucket 5 % of the way.
    m.step(3000, step([5], [3]), 1000);
    expect(m.stats(21, settings).bucketLoss[0]).toBeCloseTo(2.05, 10);
  });

  it("'auto' quality after 20 s of training, then when its cost is ≤ 10 % again; every N steps otherwise", () => {
    const m = new TrainMeter();
    m.startRun(0);
    m.step(QUALITY_FIRST_MS - 1, step([], []), 1000);
    expect(m.qualityDue('auto', 1)).toBe(false);
    m.step(QUALITY_FIRST_MS, step([], []), 1000);
    expect(m.qualityDue('auto', 2)).toBe(true);
    m.qualityTook(5000); // 5 s of scoring: the next after 45 s more training
    m.resumeAt(QUALITY_FIRST_MS + 5000);
    m.step(QUALITY_FIRST_MS + 5000 + 44_999, step([], []), 1000);
    expect(m.qualityDue('auto', 3)).toBe(false);
    m.step(QUALITY_FIRST_MS + 5000 + 45_000, step([], []), 1000);
    expect(m.qualityDue('auto', 4)).toBe(true);
    expect([m.qualityDue(3, 6), m.qualityDue(3, 7), m.qualityDue(0, 6)]).toEqual([
      true,
      false,
      false,
    ]);
    m.reset();
    expect(m.elapsedMs).toBe(0);
    expect(m.qualityDue('auto', 1)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { makeSchedule } from '../schedule';
import { makePreset } from './datasets';
import { LABEL_DROPOUT, drawBatch, timeInput, x0LossWeight } from './objective';

const schedule = makeSchedule('cosine', 50);
const data = makePreset('two-moons', 100, 2);

describe('training batches', () => {
  it('relate x_t, ε, v and x₀ as the schedule says', () => {
    const eps = drawBatch(data, 'epsilon', schedule, 32, 4, 7, false);
    const v = drawBatch(data, 'v', schedule, 32, 4, 7, false);
    const x0 = drawBatch(data, 'x0', schedule, 32, 4, 7, false);
    // The same seed and step draw the same points, noise and t for every objective.
    expect(Array.from(v.xt)).toEqual(Array.from(eps.xt));
    for (let b = 0; b < 32; b++) {
      const t = Math.round(((eps.tau[b] ?? 0) * 50) / 1000);
      const ab = schedule.alphasCumprod[t] ?? 0;
      const [a, s] = [Math.sqrt(ab), Math.sqrt(1 - ab)];
      for (let k = 2 * b; k < 2 * b + 2; k++) {
        expect(eps.xt[k]).toBeCloseTo(a * (x0.target[k] ?? 0) + s * (eps.target[k] ?? 0), 5);
        expect(v.target[k]).toBeCloseTo(a * (eps.target[k] ?? 0) - s * (x0.target[k] ?? 0), 5);
      }
    }
  });

  it('flow matching draws t in [0, 1] and regresses ε − x₀', () => {
    const b = drawBatch(data, 'flow', schedule, 64, 1, 0, false);
    for (const tau of b.tau) expect(tau >= 0 && tau <= 1000).toBe(true);
    expect(timeInput('flow', 0.25, 50)).toBe(250);
    expect(timeInput('epsilon', 25, 50)).toBe(500);
  });

  it('hides about 10 % of the labels as "no label" (index = classes)', () => {
    const b = drawBatch(data, 'epsilon', schedule, 4000, 3, 0, true);
    const hidden = Array.from(b.labels ?? []).filter((l) => l === data.classes).length / 4000;
    expect(hidden).toBeGreaterThan(LABEL_DROPOUT - 0.02);
    expect(hidden).toBeLessThan(LABEL_DROPOUT + 0.02);
  });

  it('weights an x₀ target by min(SNR, γ)', () => {
    // ᾱ = 0.5: SNR 1; ᾱ = 0.9: SNR 9, capped at γ = 5; ᾱ = 0.2: SNR 1/4.
    expect(x0LossWeight(0.5, 5)).toBeCloseTo(1, 12);
    expect(x0LossWeight(0.9, 5)).toBe(5);
    expect(x0LossWeight(0.2, 5)).toBeCloseTo(0.25, 12);
  });
});

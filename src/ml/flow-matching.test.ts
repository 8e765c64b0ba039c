import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  flowEulerStep,
  flowHeunStep,
  flowMinSnrWeight,
  flowScales,
  flowTau,
  flowTimesteps,
  flowX0,
} from './flow-matching';
import { samplerRefusal } from './prediction';
import { gaussian } from './random';
import { NO_LABEL, ReverseProcess, type Denoiser, type SampleOptions } from './sample';
import { makeSchedule } from './schedule';

const T = 1000;
const schedule = makeSchedule('linear', T);
const SIZE = 4;
const point = new Float32Array(SIZE * SIZE).map((_, i) => (i % 3) - 1);

const base: SampleOptions = {
  sampler: { kind: 'euler', steps: 4 },
  prediction: 'flow',
  clip: false,
  labels: new Int32Array([NO_LABEL, NO_LABEL]),
  guidance: 1,
  seed: 3,
  size: SIZE,
};

/** The exact velocity when the data set is one image x*: v = (x_τ − x*)/τ, τ = (t + 1)/T. */
const pointVelocity: Denoiser = (xt, t) =>
  tf.tidy(() => {
    const tau = tf.reshape(tf.div(tf.add(tf.cast(t, 'float32'), 1), T), [-1, 1, 1, 1]);
    return tf.div(tf.sub(xt, tf.tensor4d(point, [1, SIZE, SIZE, 1])), tau) as tf.Tensor4D;
  });

/** dx/dτ = x, whose exact flow from τ = 1 to 0 is x·e^−1; records the network's time inputs. */
function growth(seen: number[]): Denoiser {
  return (xt, t) => {
    seen.push(...t.dataSync());
    return tf.clone(xt);
  };
}

const values = (x: tf.Tensor) => Array.from(x.dataSync());

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('flow-matching path and targets', () => {
  it('puts grid step t at τ = (t + 1)/T: x_τ = (1 − τ)x₀ + τε, from the data to pure noise', () => {
    expect(flowScales(249, 1000)).toEqual({ a: 0.75, s: 0.25 });
    expect(flowScales(999, 1000)).toEqual({ a: 0, s: 1 });
    expect(flowScales(-1, 1000)).toEqual({ a: 1, s: 0 });
    expect(flowScales(0, 10)).toEqual({ a: 0.9, s: 0.1 });
    expect(flowTau(499, 1000)).toBe(0.5);
  });

  it('weighs a velocity loss min((1 − τ)², γτ²), which is min(SNR, γ) in x₀ terms', () => {
    // τ = 0.5: SNR = 1 < γ, weight SNR·τ² = 0.25.
    expect(flowMinSnrWeight(0.5, 5)).toBeCloseTo(0.25, 12);
    // τ = 0.1: SNR = 81 > γ = 5, weight 5·0.01.
    expect(flowMinSnrWeight(0.1, 5)).toBeCloseTo(0.05, 12);
    // Pure noise carries nothing about x₀.
    expect(flowMinSnrWeight(1, 5)).toBe(0);
    for (const tau of [0.05, 0.3, 0.8]) {
      const snr = (1 - tau) ** 2 / tau ** 2;
      expect(flowMinSnrWeight(tau, 2) / tau ** 2).toBeCloseTo(Math.min(snr, 2), 9);
    }
  });

  it('visits τ = 1, 1 − 1/n, …, 1/n on the grid', () => {
    expect(flowTimesteps(1000, 4)).toEqual([999, 749, 499, 249]);
    expect(flowTimesteps(10, 10)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const thirds = flowTimesteps(10, 3);
    [9, 17 / 3, 7 / 3].forEach((t, i) => expect(thirds[i]).toBeCloseTo(t, 12));
    expect(() => flowTimesteps(10, 11)).toThrow(/1\.\.10/);
  });
});

describe('Euler and Heun steps', () => {
  it('match hand-computed steps', () => {
    const x = tf.tensor1d([1, 2]);
    const v1 = tf.tensor1d([0.5, -1]);
    const v2 = tf.tensor1d([1.5, 1]);
    // x + (0.75 − 1)·v
    expect(values(flowEulerStep(x, v1, 1, 0.75))).toEqual([0.875, 2.25]);
    // x + (0.75 − 1)·(v1 + v2)/2 = x − 0.25·[1, 0]
    expect(values(flowHeunStep(x, v1, v2, 1, 0.75))).toEqual([0.75, 2]);
    // x̂₀ = x − τ·v
    expect(values(flowX0(x, v1, 0.5))).toEqual([0.75, 2.5]);
    tf.dispose([x, v1, v2]);
  });

  it('follow dx/dτ = x as Euler’s (1 − 1/n)ⁿ and Heun’s second-order product, near e^−1', () => {
    const n = 4;
    const start = gaussian(base.seed, 2 * SIZE * SIZE);
    const run = (kind: 'euler' | 'heun', seen: number[]) => {
      const p = new ReverseProcess(growth(seen), schedule, {
        ...base,
        sampler: { kind, steps: n },
      });
      while (!p.done) {
        const s = p.step();
        tf.dispose([s.x, s.predX0]);
      }
      const out = values(p.current);
      p.dispose();
      return out;
    };
    const eulerInputs: number[] = [];
    const heunInputs: number[] = [];
    const euler = run('euler', eulerInputs);
    const heun = run('heun', heunInputs);
    const h = 1 / n;
    const eulerGain = (1 - h) ** n;
    // Heun multiplies by 1 − h + h²/2 a step; the step onto τ = 0 stays Euler.
    const heunGain = (1 - h + (h * h) / 2) ** (n - 1) * (1 - h);
    start.forEach((x0, i) => {
      expect(euler[i]).toBeCloseTo(x0 * eulerGain, 5);
      expect(heun[i]).toBeCloseTo(x0 * heunGain, 5);
    });
    expect(Math.abs(heunGain - Math.exp(-1))).toBeLessThan(Math.abs(eulerGain - Math.exp(-1)));
    // The network reads τ·T − 1: Euler at τ = 1, ¾, ½, ¼; Heun also at the end of each step but the last.
    expect([...new Set(eulerInputs)]).toEqual([999, 749, 499, 249]);
    expect([...new Set(heunInputs)]).toEqual([999, 749, 499, 249]);
    expect(heunInputs).toHaveLength(2 * (2 * n - 1));
  });

  it('with the exact velocity of one image, every step and x̂₀ lands on the straight path to it', () => {
    for (const kind of ['euler', 'heun'] as const) {
      const p = new ReverseProcess(pointVelocity, schedule, {
        ...base,
        sampler: { kind, steps: 3 },
      });
      while (!p.done) {
        const s = p.step();
        values(s.predX0).forEach((v, i) => expect(v).toBeCloseTo(point[i % point.length]!, 4));
        tf.dispose([s.x, s.predX0]);
      }
      values(p.current).forEach((v, i) => expect(v).toBeCloseTo(point[i % point.length]!, 4));
      p.dispose();
    }
  });

  it('starts SDEdit at τ = 1 − index/n on the flow path, and goes back by it for RePaint', () => {
    const image = new Float32Array(2 * SIZE * SIZE).fill(0.5);
    const p = new ReverseProcess(pointVelocity, schedule, {
      ...base,
      start: { kind: 'image', x0: image, index: 1 },
    });
    // index 1 of 4: t = 749, τ = 0.75.
    const eps = gaussian(base.seed, image.length);
    values(p.current).forEach((v, i) => expect(v).toBeCloseTo(0.25 * 0.5 + 0.75 * eps[i]!, 5));
    expect(p.levelScales(749)).toEqual({ a: 0.25, s: 0.75 });
    // Back to τ = 1 leaves only fresh noise: the kept share (1 − 1)/(1 − τ) is 0.
    p.back(1);
    const z = p.stepNoise(0, 0x5bd1e995);
    expect(values(p.current)).toEqual(values(z));
    z.dispose();
    p.dispose();
  });
});

describe('sampler and prediction pairs', () => {
  it('refuses DDPM/DDIM for a flow model and Euler/Heun for a diffusion model, in words', () => {
    expect(samplerRefusal('flow', 'euler')).toBeNull();
    expect(samplerRefusal('epsilon', 'ddpm')).toBeNull();
    expect(
      () =>
        new ReverseProcess(pointVelocity, schedule, {
          ...base,
          sampler: { kind: 'ddim', steps: 4, spacing: 'trailing', eta: 0 },
        }),
    ).toThrow(
      'This model was trained with flow matching (it predicts a velocity): sample it with Euler or Heun, not DDIM.',
    );
    expect(
      () =>
        new ReverseProcess(pointVelocity, schedule, {
          ...base,
          prediction: 'v',
          sampler: { kind: 'heun', steps: 4 },
        }),
    ).toThrow(
      "Heun integrates a flow-matching model's velocity, and this model predicts v: sample it with DDIM or DDPM.",
    );
  });
});

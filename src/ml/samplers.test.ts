import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ddimStep,
  ddpmStep,
  guidedEpsilon,
  inferenceTimesteps,
  predictEpsilon,
  predictX0,
  prevTimestep,
} from './samplers';
import { makeSchedule } from './schedule';

// Expected numbers come from numpy float64 transcriptions of diffusers' DDPMScheduler.step,
// DDIMScheduler.step and set_timesteps; tensors are float32, hence the ~1e-5 tolerance.
const TOL = 1e-5;
const schedule = makeSchedule('linear', 1000);
const XT = [0.5, -0.25, 1, 0];
const EPS = [0.1, -0.2, 0.3, 0];
const Z = [0.3, -0.7, 1.2, -0.5];
const X0_FROM_EPS_500 = [1.4483286357, -0.207719251, 2.5523605601, 0];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function expectClose(actual: tf.Tensor, expected: readonly number[]): void {
  const values = Array.from(actual.dataSync());
  expect(values).toHaveLength(expected.length);
  values.forEach((v, i) => expect(Math.abs(v - (expected[i] ?? NaN))).toBeLessThan(TOL));
}

/** Runs `fn` on fresh inputs and returns its outputs' values after disposing everything. */
function run(fn: (xt: tf.Tensor, out: tf.Tensor, noise: tf.Tensor) => tf.Tensor | tf.Tensor[]) {
  const xt = tf.tensor(XT);
  const out = tf.tensor(EPS);
  const noise = tf.tensor(Z);
  const result = fn(xt, out, noise);
  const list = Array.isArray(result) ? result : [result];
  const values = list.map((r) => Array.from(r.dataSync()));
  tf.dispose([xt, out, noise, ...list]);
  return values;
}

function expectValues(actual: number[] | undefined, expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual?.forEach((v, i) => expect(Math.abs(v - (expected[i] ?? NaN))).toBeLessThan(TOL));
}

describe('inferenceTimesteps', () => {
  it('T=1000, n=10', () => {
    expect(inferenceTimesteps(1000, 10, 'leading')).toEqual([
      900, 800, 700, 600, 500, 400, 300, 200, 100, 0,
    ]);
    expect(inferenceTimesteps(1000, 10, 'trailing')).toEqual([
      999, 899, 799, 699, 599, 499, 399, 299, 199, 99,
    ]);
    expect(inferenceTimesteps(1000, 10, 'linspace')).toEqual([
      999, 888, 777, 666, 555, 444, 333, 222, 111, 0,
    ]);
  });

  it('T=1000, n=50', () => {
    const leading = inferenceTimesteps(1000, 50, 'leading');
    expect(leading).toEqual(Array.from({ length: 50 }, (_, i) => 980 - 20 * i));
    const trailing = inferenceTimesteps(1000, 50, 'trailing');
    expect(trailing).toEqual(Array.from({ length: 50 }, (_, i) => 999 - 20 * i));
    expect(inferenceTimesteps(1000, 50, 'linspace')).toEqual([
      999, 979, 958, 938, 917, 897, 877, 856, 836, 816, 795, 775, 754, 734, 714, 693, 673, 652, 632,
      612, 591, 571, 550, 530, 510, 489, 469, 449, 428, 408, 387, 367, 347, 326, 306, 285, 265, 245,
      224, 204, 183, 163, 143, 122, 102, 82, 61, 41, 20, 0,
    ]);
  });

  it('rounds halves to even like numpy (T=10, n=3 and n=4)', () => {
    expect(inferenceTimesteps(10, 3, 'leading')).toEqual([6, 3, 0]);
    expect(inferenceTimesteps(10, 3, 'trailing')).toEqual([9, 6, 2]);
    expect(inferenceTimesteps(10, 3, 'linspace')).toEqual([9, 4, 0]);
    expect(inferenceTimesteps(10, 4, 'trailing')).toEqual([9, 7, 4, 1]);
  });

  it("trailing mirrors np.arange's float fill but never its extra element", () => {
    // Naive T − 3·(T/n) gives 3 at index 3; numpy's arange lands just under 3.5, giving 2.
    expect(inferenceTimesteps(7, 6, 'trailing')).toEqual([6, 5, 4, 2, 1, 0]);
    // numpy returns 14 values ending in −1 for this one.
    expect(inferenceTimesteps(15, 13, 'trailing')).toEqual([
      14, 13, 12, 11, 9, 8, 7, 6, 5, 4, 2, 1, 0,
    ]);
  });

  it('edge counts n=1 and n=T', () => {
    expect(inferenceTimesteps(1000, 1, 'leading')).toEqual([0]);
    expect(inferenceTimesteps(1000, 1, 'trailing')).toEqual([999]);
    expect(inferenceTimesteps(1000, 1, 'linspace')).toEqual([0]);
    const all = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
    for (const s of ['leading', 'trailing', 'linspace'] as const) {
      expect(inferenceTimesteps(10, 10, s)).toEqual(all);
    }
  });

  it('rejects n outside 1..T', () => {
    expect(() => inferenceTimesteps(10, 0, 'leading')).toThrow(RangeError);
    expect(() => inferenceTimesteps(10, 11, 'trailing')).toThrow(RangeError);
    expect(() => inferenceTimesteps(10, 2.5, 'linspace')).toThrow(RangeError);
  });

  it('prevTimestep walks the list and ends at −1', () => {
    const ts = inferenceTimesteps(10, 3, 'leading');
    expect([0, 1, 2].map((i) => prevTimestep(ts, i))).toEqual([3, 0, -1]);
    expect(() => prevTimestep(ts, 3)).toThrow(RangeError);
  });
});

describe('prediction conversions', () => {
  it('v and x0 predictions give diffusers x̂0 and ε̂', () => {
    const [vX0, vEps, sX0, sEps] = run((xt, out) => [
      predictX0(schedule, 500, xt, out, 'v'),
      predictEpsilon(schedule, 500, xt, out, 'v'),
      predictX0(schedule, 500, xt, out, 'x0'),
      predictEpsilon(schedule, 500, xt, out, 'x0'),
    ]);
    expectValues(vX0, [0.0434288428, 0.122332707, -0.0091737333, 0]);
    expectValues(vEps, [0.5080491468, -0.2958626519, 1.043990346, 0]);
    expectValues(sX0, EPS);
    expectValues(sEps, [0.4916182152, -0.2022420345, 0.954191715, 0]);
  });

  it('round-trips a known (x0, ε) pair through every prediction type', () => {
    const t = 300;
    const a = schedule.alphasCumprod[t] ?? NaN;
    const x0 = [0.3, -0.8, 0.5, 0.1];
    const eps = [1.2, -0.4, 0, 0.7];
    const xt = x0.map((x, i) => Math.sqrt(a) * x + Math.sqrt(1 - a) * (eps[i] ?? NaN));
    const v = x0.map((x, i) => Math.sqrt(a) * (eps[i] ?? NaN) - Math.sqrt(1 - a) * x);
    const outputs = { epsilon: eps, v, x0 } as const;
    for (const prediction of ['epsilon', 'v', 'x0'] as const) {
      const xtT = tf.tensor(xt);
      const outT = tf.tensor(outputs[prediction]);
      const gotX0 = predictX0(schedule, t, xtT, outT, prediction);
      const gotEps = predictEpsilon(schedule, t, xtT, outT, prediction);
      expectClose(gotX0, x0);
      expectClose(gotEps, eps);
      tf.dispose([xtT, outT, gotX0, gotEps]);
    }
  });

  it('guidedEpsilon extrapolates from uncond towards cond', () => {
    const u = tf.tensor(EPS);
    const c = tf.tensor([0.3, 0.1, -0.2, 0.5]);
    const g3 = guidedEpsilon(u, c, 3);
    const g0 = guidedEpsilon(u, c, 0);
    expectClose(g3, [0.7, 0.7, -1.2, 1.5]);
    expectClose(g0, EPS);
    tf.dispose([u, c, g3, g0]);
  });
});

describe('ddimStep', () => {
  const base = { prediction: 'epsilon', clip: false, eta: 0 } as const;

  it('η = 0, t = 500 → 480 (reference)', () => {
    const [prev, x0] = run((xt, out) => {
      const r = ddimStep(schedule, 500, 480, xt, out, base);
      return [r.prevSample, r.predX0];
    });
    expectValues(prev, [0.54123465, -0.25425589, 1.07156168, 0]);
    expectValues(x0, X0_FROM_EPS_500);
  });

  it('v and x0 prediction use the unclipped ε̂ for the direction term', () => {
    const [v, s] = run((xt, out) => [
      ddimStep(schedule, 500, 480, xt, out, { ...base, prediction: 'v' }).prevSample,
      ddimStep(schedule, 500, 480, xt, out, { ...base, prediction: 'x0' }).prevSample,
    ]);
    expectValues(v, [0.4967261875, -0.2437995537, 0.990410015, 0]);
    expectValues(s, [0.4985184117, -0.2540113381, 1.0002049115, 0]);
  });

  it('clipping changes x̂0 only', () => {
    const [prev, x0] = run((xt, out) => {
      const r = ddimStep(schedule, 500, 480, xt, out, { ...base, clip: true });
      return [r.prevSample, r.predX0];
    });
    expectValues(prev, [0.4031460137, -0.2542558908, 0.5934227913, 0]);
    expectValues(x0, [1, -0.207719251, 1, 0]);
  });

  it('η = 1 and η = 0.5 with noise', () => {
    const [one, half] = run((xt, out, noise) => [
      ddimStep(schedule, 500, 480, xt, out, { ...base, eta: 1, noise }).prevSample,
      ddimStep(schedule, 500, 480, xt, out, { ...base, eta: 0.5, noise }).prevSample,
    ]);
    expectValues(one, [0.6575285888, -0.528870308, 1.5465231211, -0.2101327166]);
    expectValues(half, [0.6019248459, -0.3966495505, 1.3166720773, -0.1050663583]);
  });

  it('last step 0 → −1 returns x̂0 and ignores noise', () => {
    const [eps, v] = run((xt, out, noise) => [
      ddimStep(schedule, 0, -1, xt, out, { ...base, eta: 1, noise }).prevSample,
      ddimStep(schedule, 0, -1, xt, out, { ...base, prediction: 'v', clip: true }).prevSample,
    ]);
    expectValues(eps, [0.4990249519, -0.2480124009, 0.9970498537, 0]);
    expectValues(v, [0.4989749994, -0.2479874997, 0.9969499987, 0]);
  });

  it('keeps any input shape', () => {
    const xt = tf.tensor(XT, [1, 2, 2, 1]);
    const out = tf.tensor(EPS, [1, 2, 2, 1]);
    const { prevSample, predX0 } = ddimStep(schedule, 500, 480, xt, out, base);
    expect(prevSample.shape).toEqual([1, 2, 2, 1]);
    expectClose(prevSample, [0.54123465, -0.25425589, 1.07156168, 0]);
    tf.dispose([xt, out, prevSample, predX0]);
  });

  it('rejects missing noise, bad η and bad timesteps', () => {
    const xt = tf.tensor(XT);
    const out = tf.tensor(EPS);
    expect(() => ddimStep(schedule, 500, 480, xt, out, { ...base, eta: 0.5 })).toThrow(/noise/);
    expect(() => ddimStep(schedule, 500, 480, xt, out, { ...base, eta: 1.5 })).toThrow(RangeError);
    expect(() => ddimStep(schedule, 500, 480, xt, out, { ...base, eta: -1 })).toThrow(RangeError);
    expect(() => ddimStep(schedule, 1000, 980, xt, out, base)).toThrow(RangeError);
    expect(() => ddimStep(schedule, 500, 500, xt, out, base)).toThrow(RangeError);
    expect(() => ddimStep(schedule, -1, -2, xt, out, base)).toThrow(RangeError);
    tf.dispose([xt, out]);
  });
});

describe('ddpmStep', () => {
  const base = { prediction: 'epsilon', clip: false, variance: 'fixed-small' } as const;

  it('t = 500 → 499 with zero noise (reference)', () => {
    const [prev, x0] = run((xt, out) => {
      const noise = tf.zerosLike(xt);
      const r = ddpmStep(schedule, 500, 499, xt, out, { ...base, noise });
      noise.dispose();
      return [r.prevSample, r.predX0];
    });
    expectValues(prev, [0.50148125, -0.24916131, 1.00190962, 0]);
    expectValues(x0, X0_FROM_EPS_500);
  });

  it('clipping feeds the clipped x̂0 into the posterior mean', () => {
    const [prev] = run((xt, out) => {
      const noise = tf.zerosLike(xt);
      const r = ddpmStep(schedule, 500, 499, xt, out, { ...base, clip: true, noise });
      noise.dispose();
      r.predX0.dispose();
      return r.prevSample;
    });
    expectValues(prev, [0.5001102325, -0.249161305, 0.9971624078, 0]);
  });

  it('fixed-small vs fixed-large with noise over a strided step 500 → 480', () => {
    const [small, large] = run((xt, out, noise) => [
      ddpmStep(schedule, 500, 480, xt, out, { ...base, noise }).prevSample,
      ddpmStep(schedule, 500, 480, xt, out, { ...base, variance: 'fixed-large', noise }).prevSample,
    ]);
    // fixed-small is the exact posterior, which DDIM reaches at η = 1.
    expectValues(small, [0.6575285888, -0.528870308, 1.5465231211, -0.2101327166]);
    expectValues(large, [0.6587120533, -0.531631725, 1.5512569789, -0.2121051573]);
  });

  it('last step 0 → −1 adds no noise and needs none', () => {
    const [withNoise, without] = run((xt, out, noise) => [
      ddpmStep(schedule, 0, -1, xt, out, { ...base, variance: 'fixed-large', noise }).prevSample,
      ddpmStep(schedule, 0, -1, xt, out, base).prevSample,
    ]);
    expectValues(withNoise, [0.4990249519, -0.2480124009, 0.9970498537, 0]);
    expectValues(without, [0.4990249519, -0.2480124009, 0.9970498537, 0]);
  });

  it('rejects missing noise and bad timesteps', () => {
    const xt = tf.tensor(XT);
    const out = tf.tensor(EPS);
    expect(() => ddpmStep(schedule, 500, 499, xt, out, base)).toThrow(/noise/);
    expect(() => ddpmStep(schedule, 500, 501, xt, out, base)).toThrow(RangeError);
    expect(() => ddpmStep(schedule, 1000, 999, xt, out, base)).toThrow(RangeError);
    expect(() => predictX0(schedule, 1000, xt, out, 'epsilon')).toThrow(RangeError);
    tf.dispose([xt, out]);
  });
});

describe('tensor hygiene', () => {
  it('no step function leaks tensors', () => {
    const xt = tf.tensor(XT);
    const out = tf.tensor(EPS);
    const noise = tf.tensor(Z);
    const calls: (() => tf.Tensor | tf.Tensor[])[] = [
      () => predictX0(schedule, 500, xt, out, 'epsilon'),
      () => predictEpsilon(schedule, 500, xt, out, 'v'),
      () => guidedEpsilon(out, xt, 2),
      ...(['epsilon', 'v', 'x0'] as const).flatMap((prediction) => [
        () => {
          const r = ddimStep(schedule, 500, 480, xt, out, {
            prediction,
            clip: true,
            eta: 1,
            noise,
          });
          return [r.prevSample, r.predX0];
        },
        () => {
          const opts = { prediction, clip: true, variance: 'fixed-large', noise } as const;
          const r = ddpmStep(schedule, 500, 480, xt, out, opts);
          return [r.prevSample, r.predX0];
        },
      ]),
    ];
    for (const call of calls) {
      const before = tf.memory().numTensors;
      const result = call();
      const returned = Array.isArray(result) ? result.length : 1;
      expect(tf.memory().numTensors).toBe(before + returned);
      tf.dispose(result);
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([xt, out, noise]);
  });
});

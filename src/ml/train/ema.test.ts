import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ema, emaDecayAt } from './ema';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('emaDecayAt', () => {
  it("follows diffusers EMAModel's default warmup, capped at the decay", () => {
    expect(emaDecayAt(1, 0.999)).toBe(0);
    expect(emaDecayAt(2, 0.999)).toBeCloseTo(2 / 11, 15);
    expect(emaDecayAt(91, 0.999)).toBeCloseTo(0.91, 15);
    expect(emaDecayAt(100_000, 0.999)).toBe(0.999);
    expect(emaDecayAt(1, 0.9, false)).toBe(0.9);
  });
});

describe('Ema', () => {
  it('averages as shadow ← shadow − (1 − d_k)(shadow − param), with its own tensors', async () => {
    const params = new Map<string, tf.Variable>([
      ['w', tf.variable(tf.tensor2d([1, 2, 3, 4], [2, 2]))],
      ['b', tf.variable(tf.tensor1d([-1]))],
    ]);
    const ema = new Ema(params, { decay: 0.5 });
    const before = tf.memory().numTensors;
    // The average starts as a copy.
    expect(Array.from(ema.params().get('w')?.dataSync() ?? [])).toEqual([1, 2, 3, 4]);
    const set = (w: number[], b: number): void =>
      tf.tidy(() => {
        params.get('w')?.assign(tf.tensor2d(w, [2, 2]));
        params.get('b')?.assign(tf.tensor1d([b]));
      });
    set([3, 2, 1, 0], 1);
    ema.update(params); // k = 1: decay 0, the average becomes the weights.
    set([5, 5, 5, 5], 2);
    ema.update(params); // k = 2: decay min(0.5, 2/11).
    const d = 2 / 11;
    const w = [3, 2, 1, 0].map((s) => s - (1 - d) * (s - 5));
    const got = ema.params();
    const gw = got.get('w');
    expect(gw?.shape).toEqual([2, 2]);
    Array.from(gw?.dataSync() ?? []).forEach((v, i) => expect(v).toBeCloseTo(w[i] ?? NaN, 6));
    expect(got.get('b')?.dataSync()[0]).toBeCloseTo(1 - (1 - d) * (1 - 2), 6);
    // Separate from the trained weights: no swapping needed to sample with either.
    expect(got.get('w')).not.toBe(params.get('w'));
    expect(tf.memory().numTensors).toBe(before);

    const state = await ema.getState();
    expect(state.updates).toBe(2);
    const other = new Ema(params, { decay: 0.5 });
    other.setState(state);
    expect(Array.from(other.params().get('w')?.dataSync() ?? [])).toEqual(
      Array.from(gw?.dataSync() ?? []),
    );
    [ema, other].forEach((e) => e.dispose());
    tf.dispose([...params.values()]);
  });
});

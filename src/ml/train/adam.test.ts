import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, clipScale } from './adam';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Toy problem: f = Σ c·(a − target)² + Σ b², so ∇a = 2c(a − target), ∇b = 2b.
const TARGET = [1, 2, -1];
const C = [1, 0.5, 3];

/** A variable that owns its data alone, so disposing it frees everything. */
function variable(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t);
  t.dispose();
  return v;
}

function toyParams(): Map<string, tf.Variable> {
  return new Map([
    ['a', variable(tf.tensor1d([0.5, -1, 2]))],
    ['b', variable(tf.tensor2d([0.1, 0.2, 0.3, -0.4], [2, 2]))],
  ]);
}

function toyGrads(params: Map<string, tf.Variable>): Map<string, tf.Tensor> {
  const a = params.get('a');
  const b = params.get('b');
  if (!a || !b) throw new Error('toy params missing');
  return new Map([
    ['a', tf.tidy(() => tf.mul(tf.mul(tf.sub(a, tf.tensor1d(TARGET)), tf.tensor1d(C)), 2))],
    ['b', tf.tidy(() => tf.mul(b, 2))],
  ]);
}

function expectRel(actual: ArrayLike<number>, expected: readonly number[], tol = 2e-5): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    expect(Math.abs((actual[i] ?? NaN) - e)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
  });
}

interface Reference {
  readonly a: number[];
  readonly b: number[];
  readonly mA: number[];
  readonly vB: number[];
  readonly norms: number[];
}

// numpy float64 transcription of torch.optim.AdamW's update (β 0.9/0.999, ε 1e-8), 2 steps,
// lr 0.1, with clip_grad_norm_'s factor min(1, max/(‖g‖ + 1e-6)) applied first.
const PLAIN: Reference = {
  a: [0.6988125783408332, -0.8001027077505518, 1.800102707190947],
  b: [-0.06700581939698688, 0.006782041201272709, 0.10296479066512053, -0.20174249445521203],
  mA: [-0.17000000019999995, -0.5600000000333332, 3.3600000000333328],
  vB: [3.996e-5, 0.00019984000200000022, 0.000519640002666667, 0.0009993600030000012],
  norms: [18.308467986153293, 17.67399219260889],
};
const DECAY_CLIP: Reference = {
  a: [0.6979921989116152, -0.7980966145987077, 1.7960984905368989],
  b: [-0.0670284060931362, 0.005989345941216362, 0.10208188177094674, -0.2007343831006746],
  mA: [-0.009450914362824258, -0.031161029057029548, 0.1869322029610721],
  vB: [1.1921252547088496e-7, 6.045643115225608e-7, 1.5842821618353498e-6, 3.0583661351001395e-6],
  norms: [18.308467986153293, 17.662014257902413],
};

describe('Adam', () => {
  it.each([
    ['plain', 0, 0, PLAIN],
    ['weight decay 0.01 + clip at 1', 0.01, 1, DECAY_CLIP],
  ] as const)('%s: two steps match the numpy reference', async (_, weightDecay, maxNorm, ref) => {
    const params = toyParams();
    const adam = new Adam(params, { weightDecay });
    const before = tf.memory().numTensors;
    for (let s = 0; s < 2; s++) {
      const grads = toyGrads(params);
      const norm = await adam.apply(grads, 0.1, maxNorm);
      tf.dispose([...grads.values()]);
      expect(norm).toBeCloseTo(ref.norms[s] ?? NaN, 4);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(adam.step).toBe(2);
    expectRel(params.get('a')?.dataSync() ?? [], ref.a);
    expectRel(params.get('b')?.dataSync() ?? [], ref.b);
    const state = await adam.getState();
    expect(state.step).toBe(2);
    expectRel(state.m.get('a') ?? [], ref.mA);
    expectRel(state.v.get('b') ?? [], ref.vB, 1e-4);
    adam.dispose();
    tf.dispose([...params.values()]);
  });

  it('bias-corrects restarted moments from their own count while the step goes on', async () => {
    // A fresh optimizer (t = 1) and one whose zero moments restart at global step 500 must take
    // the same first update; only the step count differs.
    const fresh = toyParams();
    const adamFresh = new Adam(fresh);
    const late = toyParams();
    const adamLate = new Adam(late);
    const zero = (await adamLate.getState()).m;
    adamLate.setState({ step: 500, momentSteps: 0, m: zero, v: zero });
    for (const [adam, params] of [
      [adamFresh, fresh],
      [adamLate, late],
    ] as const) {
      const grads = toyGrads(params);
      await adam.apply(grads, 0.05);
      tf.dispose([...grads.values()]);
    }
    expect(adamLate.step).toBe(501);
    expect(adamLate.momentSteps).toBe(1);
    expect((await adamLate.getState()).momentSteps).toBe(1);
    for (const [name, v] of fresh)
      expect(Array.from(late.get(name)?.dataSync() ?? [])).toEqual(Array.from(v.dataSync()));
    expect(() => adamLate.setState({ step: 2, momentSteps: 3, m: zero, v: zero })).toThrow(
      /momentSteps/,
    );
    [adamFresh, adamLate].forEach((a) => a.dispose());
    tf.dispose([...fresh.values(), ...late.values()]);
  });

  it('restores its state: a resumed run continues exactly like an uninterrupted one', async () => {
    const runA = toyParams();
    const adamA = new Adam(runA);
    const runB = toyParams();
    const adamB = new Adam(runB);
    const stepWith = async (adam: Adam, params: Map<string, tf.Variable>): Promise<void> => {
      const grads = toyGrads(params);
      await adam.apply(grads, 0.05);
      tf.dispose([...grads.values()]);
    };
    await stepWith(adamA, runA);
    await stepWith(adamA, runA);
    await stepWith(adamB, runB);
    // B copies A's moments; its weights are then set from A's too, as a checkpoint load would.
    adamB.setState(await adamA.getState());
    tf.tidy(() => {
      for (const [name, v] of runA) runB.get(name)?.assign(tf.clone(v));
    });
    await stepWith(adamA, runA);
    await stepWith(adamB, runB);
    expect(adamB.step).toBe(3);
    for (const [name, v] of runA) {
      expect(Array.from(runB.get(name)?.dataSync() ?? [])).toEqual(Array.from(v.dataSync()));
    }
    expect(() =>
      adamB.setState({ step: 1, m: new Map([['a', new Float32Array(3)]]), v: new Map() }),
    ).toThrow(/missing or mis-sized/);
    [adamA, adamB].forEach((a) => a.dispose());
    tf.dispose([...runA.values(), ...runB.values()]);
  });

  it('updates weights assigned from outside, not the flat copy it kept from its last update', async () => {
    const params = toyParams();
    const adam = new Adam(params);
    const grads = toyGrads(params);
    await adam.apply(grads, 0.1);
    tf.dispose([...grads.values()]);
    // As a restore or a loaded file does; then an update with lr 0 leaves the weights as they are.
    tf.tidy(() => params.get('a')?.assign(tf.tensor1d([5, 6, 7])));
    const zero = new Map([...params].map(([name, v]) => [name, tf.zerosLike(v)]));
    await adam.apply(zero, 0);
    tf.dispose([...zero.values()]);
    expect(Array.from(params.get('a')?.dataSync() ?? [])).toEqual([5, 6, 7]);
    adam.dispose();
    tf.dispose([...params.values()]);
  });
});

describe('clipScale', () => {
  it("is torch's clip_grad_norm_ factor and 1 when clipping is off", () => {
    expect(clipScale(10, 1)).toBeCloseTo(1 / (10 + 1e-6), 12);
    expect(clipScale(0.5, 1)).toBe(1);
    expect(clipScale(10, 0)).toBe(1);
    expect(clipScale(10, Infinity)).toBe(1);
  });
});

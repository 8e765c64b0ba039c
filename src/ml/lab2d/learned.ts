/** The trained network as a `Predict` for the reverse processes, guided when asked. */
import { mulberry32 } from '../random';
import type { Mlp } from './mlp';
import { timeInput } from './objective';
import { guide, type Predict } from './reverse';

/**
 * Without guidance (guideClass < 0) a conditional model gets `unguided`, one label per particle
 * drawn in the data's class proportions (so the particles still sample p(x) = Σ p(c)·p(x | c),
 * through the conditional branch that saw nine in ten training examples), or, without it, the
 * "no label" class, which only saw the dropped tenth and is the blurrier of the two. With it, one
 * batch holds both halves (no label, then the class) and the outputs combine as u + s·(c − u):
 * ε, v, x₀ and velocity are all affine in x̂₀ at a fixed x_t, so guiding any of them is the same.
 */
export function learnedPredict(
  model: Mlp,
  T: number,
  guideClass: number,
  scale: number,
  unguided: Int32Array | null = null,
): Predict {
  const { classes, objective } = model.config;
  return (x, time) => {
    const n = x.length / 2;
    const tau = timeInput(objective, time, T);
    if (classes === 0) return model.predict(x, tau, null);
    if (guideClass < 0) return model.predict(x, tau, unguided ?? new Int32Array(n).fill(classes));
    const both = new Float32Array(2 * x.length);
    both.set(x, 0);
    both.set(x, x.length);
    const labels = new Int32Array(2 * n).fill(classes, 0, n).fill(guideClass, n);
    const out = model.predict(both, tau, labels);
    return guide(out.subarray(0, x.length), out.subarray(x.length), scale);
  };
}

/** `n` labels drawn from `labels` (the data's, one per point) in their proportions, seeded. */
export function labelsInProportion(labels: ArrayLike<number>, n: number, seed: number): Int32Array {
  const rng = mulberry32(seed);
  return Int32Array.from({ length: n }, () => labels[Math.floor(rng() * labels.length)] ?? 0);
}

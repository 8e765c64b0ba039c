/** The trained network as a `Predict` for the reverse processes, guided when asked. */
import type { Mlp } from './mlp';
import { timeInput } from './objective';
import { guide, type Predict } from './reverse';

/**
 * Without guidance (guideClass < 0) a conditional model gets the "no label" class. With it, one
 * batch holds both halves (no label, then the class) and the outputs combine as u + s·(c − u):
 * ε, v, x₀ and velocity are all affine in x̂₀ at a fixed x_t, so guiding any of them is the same.
 */
export function learnedPredict(model: Mlp, T: number, guideClass: number, scale: number): Predict {
  const { classes, objective } = model.config;
  return (x, time) => {
    const n = x.length / 2;
    const tau = timeInput(objective, time, T);
    if (classes === 0) return model.predict(x, tau, null);
    if (guideClass < 0) return model.predict(x, tau, new Int32Array(n).fill(classes));
    const both = new Float32Array(2 * x.length);
    both.set(x, 0);
    both.set(x, x.length);
    const labels = new Int32Array(2 * n).fill(classes, 0, n).fill(guideClass, n);
    const out = model.predict(both, tau, labels);
    return guide(out.subarray(0, x.length), out.subarray(x.length), scale);
  };
}

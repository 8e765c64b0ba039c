/**
 * Walking between two samples: spherical interpolation of the starting noise (with DDIM η = 0 the
 * path from noise to digit is deterministic, so nearby noises give nearby digits), or a fixed
 * noise with the class embedding mixed from one class to another.
 */
import { gaussian } from './random';
import { NO_LABEL, type SampleOptions } from './sample';

/**
 * slerp(a, b; w) = sin((1−w)θ)/sin θ·a + sin(wθ)/sin θ·b with θ the angle between a and b. Gaussian
 * noise in many dimensions lies near a sphere; a straight line between two such points dips
 * inside it (at w = ½ its norm is ~0.71 of theirs), which the model never saw in training.
 */
export function slerp(a: Float32Array, b: Float32Array, w: number): Float32Array {
  if (a.length !== b.length) throw new RangeError(`a has ${a.length} values, b has ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  const cos = Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
  const theta = Math.acos(cos);
  // Nearly parallel: the sines vanish, and the straight line is the same path.
  const [ca, cb] =
    Math.sin(theta) < 1e-6
      ? [1 - w, w]
      : [Math.sin((1 - w) * theta) / Math.sin(theta), Math.sin(w * theta) / Math.sin(theta)];
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = ca * (a[i] ?? 0) + cb * (b[i] ?? 0);
  return out;
}

/** The k-th of `frames` evenly spaced weights from 0 to 1. */
export function frameWeight(k: number, frames: number): number {
  return frames === 1 ? 0 : k / (frames - 1);
}

function checkFrames(frames: number): void {
  if (!Number.isInteger(frames) || frames < 2 || frames > 64)
    throw new RangeError(`frames must be an integer in 2..64, got ${frames}`);
}

/**
 * `frames` samples of one label whose starting noises walk from seed a's to seed b's; frame 0 and
 * the last are exactly the plain samples of those seeds (their noise is gaussian(seed)).
 */
export function seedInterpolation(
  opts: SampleOptions,
  seedA: number,
  seedB: number,
  frames: number,
): SampleOptions {
  checkFrames(frames);
  const per = opts.size * opts.size;
  const a = gaussian(seedA, per);
  const b = gaussian(seedB, per);
  const x = new Float32Array(frames * per);
  for (let k = 0; k < frames; k++) x.set(slerp(a, b, frameWeight(k, frames)), k * per);
  return {
    ...opts,
    seed: seedA,
    labels: new Int32Array(frames).fill(opts.labels[0] ?? NO_LABEL),
    start: { kind: 'noise', x },
  };
}

/**
 * `frames` samples of seed `opts.seed`'s noise whose label embedding goes from class a to class b:
 * (1−w)·table[a] + w·table[b]. Guidance, if on, pushes toward that mix.
 */
export function classInterpolation(
  opts: SampleOptions,
  classA: number,
  classB: number,
  frames: number,
): SampleOptions {
  checkFrames(frames);
  for (const c of [classA, classB])
    if (!Number.isInteger(c) || c < 0 || c >= NO_LABEL)
      throw new RangeError(`classes must be 0–9, got ${c}`);
  const per = opts.size * opts.size;
  const noise = gaussian(opts.seed, per);
  const x = new Float32Array(frames * per);
  const weights = new Float32Array(frames * (NO_LABEL + 1));
  for (let k = 0; k < frames; k++) {
    x.set(noise, k * per);
    const w = frameWeight(k, frames);
    weights[k * (NO_LABEL + 1) + classA] = 1 - w;
    weights[k * (NO_LABEL + 1) + classB] = (weights[k * (NO_LABEL + 1) + classB] ?? 0) + w;
  }
  return {
    ...opts,
    labels: new Int32Array(frames).fill(classA),
    labelWeights: weights,
    start: { kind: 'noise', x },
  };
}

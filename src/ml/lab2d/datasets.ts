/**
 * The preset data sets, in plot units: each fits in about [−2, 2]² with a spread near 1, the
 * scale of the N(0, I) noise the forward process ends in, so neither swamps the other.
 */
import { mulberry32, type Rng } from '../random';
import type { PointSet } from './points';

export const PRESETS = [
  'two-moons',
  'rings',
  'spiral',
  'gaussians',
  'checkerboard',
  'smiley',
] as const;
export type PresetName = (typeof PRESETS)[number];

export const PRESET_LABELS: Record<PresetName, string> = {
  'two-moons': 'Two moons',
  rings: 'Rings',
  spiral: 'Spiral',
  gaussians: 'Gaussian mixture (8 labelled modes)',
  checkerboard: 'Checkerboard',
  smiley: 'Smiley',
};

function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

interface Builder {
  readonly classNames: readonly string[];
  /** One point of class `c` (chosen uniformly unless `pickClass` says otherwise). */
  point(rng: Rng, c: number): [number, number];
  pickClass?(rng: Rng): number;
}

const BUILDERS: Record<PresetName, Builder> = {
  'two-moons': {
    classNames: ['upper moon', 'lower moon'],
    point(rng, c) {
      const a = Math.PI * rng();
      const [x, y] = c === 0 ? [Math.cos(a), Math.sin(a)] : [1 - Math.cos(a), 0.5 - Math.sin(a)];
      return [(x - 0.5) * 1.6 + 0.05 * normal(rng), (y - 0.25) * 1.6 + 0.05 * normal(rng)];
    },
  },
  rings: {
    classNames: ['inner ring', 'outer ring'],
    point(rng, c) {
      const a = 2 * Math.PI * rng();
      const r = (c === 0 ? 0.7 : 1.6) + 0.04 * normal(rng);
      return [r * Math.cos(a), r * Math.sin(a)];
    },
  },
  spiral: {
    classNames: ['first arm', 'second arm'],
    point(rng, c) {
      const u = Math.sqrt(rng());
      const a = u * 3 * Math.PI + c * Math.PI;
      const r = 0.15 + 1.75 * u;
      return [r * Math.cos(a) + 0.04 * normal(rng), r * Math.sin(a) + 0.04 * normal(rng)];
    },
  },
  gaussians: {
    classNames: Array.from({ length: 8 }, (_, k) => `mode ${k + 1} (${45 * k}°)`),
    point(rng, c) {
      const a = (c * Math.PI) / 4;
      return [1.5 * Math.cos(a) + 0.12 * normal(rng), 1.5 * Math.sin(a) + 0.12 * normal(rng)];
    },
  },
  checkerboard: {
    classNames: ['dark squares'],
    point(rng) {
      // 4 × 4 board over [−2, 2]², the squares whose row + column is even.
      const row = Math.floor(rng() * 4);
      const col = 2 * Math.floor(rng() * 2) + (row % 2);
      return [-2 + col + rng(), -2 + row + rng()];
    },
  },
  smiley: {
    classNames: ['face', 'left eye', 'right eye', 'mouth'],
    pickClass(rng) {
      const u = rng();
      return u < 0.55 ? 0 : u < 0.65 ? 1 : u < 0.75 ? 2 : 3;
    },
    point(rng, c) {
      const jitter = () => 0.04 * normal(rng);
      if (c === 0) {
        const a = 2 * Math.PI * rng();
        return [1.8 * Math.cos(a) + jitter(), 1.8 * Math.sin(a) + jitter()];
      }
      if (c === 1 || c === 2) {
        const x = c === 1 ? -0.6 : 0.6;
        return [x + 0.12 * normal(rng), 0.6 + 0.12 * normal(rng)];
      }
      const a = Math.PI * (1.15 + 0.7 * rng());
      return [1.0 * Math.cos(a) + jitter(), 1.0 * Math.sin(a) + jitter()];
    },
  },
};

/** `n` points of a preset, reproducible from `seed`. */
export function makePreset(name: PresetName, n: number, seed = 0): PointSet {
  const builder = BUILDERS[name];
  const rng = mulberry32(seed);
  const classes = builder.classNames.length;
  const xy = new Float32Array(2 * n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = builder.pickClass?.(rng) ?? Math.floor(rng() * classes);
    const [x, y] = builder.point(rng, c);
    xy[2 * i] = x;
    xy[2 * i + 1] = y;
    labels[i] = c;
  }
  return { xy, labels, classes, classNames: builder.classNames };
}

export function isPresetName(value: string): value is PresetName {
  return (PRESETS as readonly string[]).includes(value);
}

/** Drawing and erasing data points with a round brush, in plot units. */
import { MAX_POINTS, type PointSet } from '../../ml/lab2d/points';

export const DRAW_RADIUS = 0.15;
export const ERASE_RADIUS = 0.3;
/** Points a brush dab adds: enough to paint a stroke in a few moves, few enough to place by hand. */
export const POINTS_PER_DAB = 4;

/** The set with `count` points added around (x, y) with label `label` (a new class if it is one past the last). */
export function drawAt(
  set: PointSet,
  x: number,
  y: number,
  label: number,
  rng: () => number,
): PointSet {
  const n = set.labels.length;
  const add = Math.max(0, Math.min(POINTS_PER_DAB, MAX_POINTS - n));
  if (add === 0) return set;
  const xy = new Float32Array(2 * (n + add));
  xy.set(set.xy);
  const labels = new Uint8Array(n + add);
  labels.set(set.labels);
  for (let k = 0; k < add; k++) {
    const r = DRAW_RADIUS * Math.sqrt(rng());
    const a = 2 * Math.PI * rng();
    xy[2 * (n + k)] = x + r * Math.cos(a);
    xy[2 * (n + k) + 1] = y + r * Math.sin(a);
    labels[n + k] = label;
  }
  const classes = Math.max(set.classes, label + 1);
  const classNames = Array.from(
    { length: classes },
    (_, c) => set.classNames[c] ?? `label ${c + 1}`,
  );
  return { xy, labels, classes, classNames };
}

/** The set without the points within ERASE_RADIUS of (x, y). */
export function eraseAt(set: PointSet, x: number, y: number): PointSet {
  const keep: number[] = [];
  for (let i = 0; i < set.labels.length; i++) {
    const d = Math.hypot((set.xy[2 * i] ?? 0) - x, (set.xy[2 * i + 1] ?? 0) - y);
    if (d > ERASE_RADIUS) keep.push(i);
  }
  if (keep.length === set.labels.length) return set;
  return {
    xy: Float32Array.from(keep.flatMap((i) => [set.xy[2 * i] ?? 0, set.xy[2 * i + 1] ?? 0])),
    labels: Uint8Array.from(keep.map((i) => set.labels[i] ?? 0)),
    classes: set.classes,
    classNames: set.classNames,
  };
}

export const EMPTY_SET: PointSet = {
  xy: new Float32Array(0),
  labels: new Uint8Array(0),
  classes: 1,
  classNames: ['label 1'],
};

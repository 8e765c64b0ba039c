/**
 * A 2-D point set: interleaved coordinates and a class per point. `classes` ≤ 1 means unlabelled
 * (every label 0); guidance needs at least two classes.
 */
export interface PointSet {
  /** x0, y0, x1, y1, … */
  readonly xy: Float32Array;
  readonly labels: Uint8Array;
  readonly classes: number;
  /** A name per class, for the guidance menu ("left moon"). */
  readonly classNames: readonly string[];
}

/** The most points a set may hold: the heatmap and the exact denoiser stay interactive. */
export const MAX_POINTS = 10_000;

export function pointCount(set: PointSet): number {
  return set.labels.length;
}

/** The points of one class (all of them for c < 0). */
export function pointsOfClass(set: PointSet, c: number): Float32Array {
  if (c < 0) return set.xy;
  const out: number[] = [];
  for (let i = 0; i < set.labels.length; i++) {
    if (set.labels[i] === c) out.push(set.xy[2 * i] ?? 0, set.xy[2 * i + 1] ?? 0);
  }
  return Float32Array.from(out);
}

/** Splits a set in two disjoint halves by a seeded shuffle (training vs held-out points). */
export function splitPoints(
  set: PointSet,
  firstShare: number,
  rng: () => number,
): [PointSet, PointSet] {
  const n = pointCount(set);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  const cut = Math.round(n * firstShare);
  return [pick(set, order.slice(0, cut)), pick(set, order.slice(cut))];
}

function pick(set: PointSet, idx: readonly number[]): PointSet {
  const xy = new Float32Array(idx.length * 2);
  const labels = new Uint8Array(idx.length);
  idx.forEach((i, k) => {
    xy[2 * k] = set.xy[2 * i] ?? 0;
    xy[2 * k + 1] = set.xy[2 * i + 1] ?? 0;
    labels[k] = set.labels[i] ?? 0;
  });
  return { xy, labels, classes: set.classes, classNames: set.classNames };
}

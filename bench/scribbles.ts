/**
 * A fixed set of rough drawn digits for the SDEdit quality check: two per class, polylines as a
 * learner might draw them on the 28×28 pad with its pen (src/shared/brush.ts), the second of each
 * pair shifted, shrunk and slanted so the set is not one hand's copy of MNIST.
 */
import { drawPolylines, type Point } from '../src/shared/brush';

type Line = readonly (readonly [number, number])[];

function ellipse(cx: number, cy: number, rx: number, ry: number, from = 0, to = 360): Line {
  const pts: [number, number][] = [];
  for (let a = from; a <= to; a += 20) {
    const r = (a * Math.PI) / 180;
    pts.push([cx + rx * Math.sin(r), cy - ry * Math.cos(r)]);
  }
  return pts;
}

/** Strokes per digit, in pad pixels (x right, y down). */
const DIGITS: readonly (readonly Line[])[] = [
  [ellipse(14, 14, 6, 9)],
  [
    [
      [12, 7],
      [15, 5],
      [15, 23],
    ],
  ],
  [
    [
      [8, 9],
      [11, 6],
      [17, 6],
      [19, 10],
      [16, 15],
      [9, 22],
      [20, 22],
    ],
  ],
  [
    [
      [8, 7],
      [18, 6],
      [13, 13],
      [19, 17],
      [17, 22],
      [8, 22],
    ],
  ],
  [
    [
      [15, 4],
      [7, 17],
      [21, 17],
    ],
    [
      [16, 9],
      [16, 24],
    ],
  ],
  [
    [
      [19, 6],
      [10, 6],
      [9, 13],
      [17, 13],
      [19, 18],
      [16, 22],
      [8, 22],
    ],
  ],
  [
    [
      [17, 5],
      [10, 12],
      [8, 19],
      [12, 23],
      [18, 21],
      [18, 16],
      [12, 15],
      [9, 18],
    ],
  ],
  [
    [
      [7, 6],
      [20, 6],
      [12, 23],
    ],
  ],
  [ellipse(14, 9, 4.5, 4.5), ellipse(14, 18.5, 5.5, 5)],
  [
    ellipse(14, 10, 5, 5),
    [
      [19, 10],
      [17, 23],
    ],
  ],
];

/** The second drawing of each digit: smaller, shifted right and down, slanted forward. */
function variant([x, y]: readonly [number, number]): Point {
  const sx = 14 + (x - 14) * 0.85 + 1.5;
  const sy = 14 + (y - 14) * 0.85 + 1;
  return { x: sx + (14 - sy) * 0.2, y: sy };
}

export interface Scribble {
  readonly label: number;
  readonly pixels: Uint8Array;
}

export function scribbles(): Scribble[] {
  return DIGITS.flatMap((lines, label) => [
    { label, pixels: drawPolylines(lines.map((l) => l.map(([x, y]) => ({ x, y })))) },
    { label, pixels: drawPolylines(lines.map((l) => l.map(variant))) },
  ]);
}

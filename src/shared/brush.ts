/**
 * A soft round brush on a 28×28 grayscale image, like MNIST's anti-aliased pen strokes: the
 * draw pad's pen, the Create tab's mask brush and the fixed scribbles of the quality check.
 */
import { IMAGE_SIZE } from './protocol';

/** The draw pad's pen: about 2.5 px wide. */
export const PEN_RADIUS = 1.4;

/** Ink at (cx, cy) in pixel units, kept where the image is already brighter. */
export function stamp(pixels: Uint8Array, cx: number, cy: number, radius = PEN_RADIUS): void {
  const reach = Math.ceil(radius + 1);
  for (let y = Math.floor(cy - reach); y <= Math.ceil(cy + reach); y++) {
    for (let x = Math.floor(cx - reach); x <= Math.ceil(cx + reach); x++) {
      if (x < 0 || y < 0 || x >= IMAGE_SIZE || y >= IMAGE_SIZE) continue;
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      const ink = Math.max(0, Math.min(1, radius + 0.5 - d)) * 255;
      const i = y * IMAGE_SIZE + x;
      pixels[i] = Math.max(pixels[i] ?? 0, Math.round(ink));
    }
  }
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Stamps along the segment from `from` to `to`, three stamps per pixel of length. */
export function strokeTo(
  pixels: Uint8Array,
  from: Point,
  to: Point,
  radius = PEN_RADIUS,
  paint: (pixels: Uint8Array, x: number, y: number, radius: number) => void = stamp,
): void {
  const steps = Math.max(1, Math.ceil(Math.hypot(to.x - from.x, to.y - from.y) * 3));
  for (let k = 1; k <= steps; k++)
    paint(
      pixels,
      from.x + ((to.x - from.x) * k) / steps,
      from.y + ((to.y - from.y) * k) / steps,
      radius,
    );
}

/** A polyline drawn with the pen onto a new black image. */
export function drawPolylines(
  lines: readonly (readonly Point[])[],
  radius = PEN_RADIUS,
): Uint8Array {
  const pixels = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE);
  for (const line of lines) {
    const first = line[0];
    if (!first) continue;
    stamp(pixels, first.x, first.y, radius);
    for (let k = 1; k < line.length; k++) strokeTo(pixels, line[k - 1]!, line[k]!, radius);
  }
  return pixels;
}

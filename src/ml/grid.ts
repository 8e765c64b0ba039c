/** Lays square images (model range [−1, 1]) out as one grayscale grid with black gaps. */
import { modelToPixels } from './forward';

export interface GridImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

export function tileGrid(images: Float32Array, size: number, columns: number, gap = 2): GridImage {
  const count = Math.floor(images.length / (size * size));
  const rows = Math.max(1, Math.ceil(count / columns));
  const width = columns * size + (columns - 1) * gap;
  const height = rows * size + (rows - 1) * gap;
  const pixels = new Uint8Array(width * height);
  const tile = new Uint8Array(size * size);
  for (let k = 0; k < count; k++) {
    modelToPixels(images.subarray(k * size * size, (k + 1) * size * size), tile);
    const x0 = (k % columns) * (size + gap);
    const y0 = Math.floor(k / columns) * (size + gap);
    for (let y = 0; y < size; y++)
      pixels.set(tile.subarray(y * size, (y + 1) * size), (y0 + y) * width + x0);
  }
  return { width, height, pixels };
}

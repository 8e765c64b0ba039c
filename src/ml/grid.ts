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

/** Tile k of a grid made by tileGrid. */
export function cropTile(
  grid: GridImage,
  k: number,
  size: number,
  columns: number,
  gap = 2,
): GridImage {
  const x0 = (k % columns) * (size + gap);
  const y0 = Math.floor(k / columns) * (size + gap);
  if (x0 + size > grid.width || y0 + size > grid.height)
    throw new RangeError(`the grid has no tile ${k}`);
  const pixels = new Uint8Array(size * size);
  for (let y = 0; y < size; y++)
    pixels.set(
      grid.pixels.subarray((y0 + y) * grid.width + x0, (y0 + y) * grid.width + x0 + size),
      y * size,
    );
  return { width: size, height: size, pixels };
}

/** The same image with a border of `margin` pixels of `value`. */
export function withMargin(image: GridImage, margin: number, value = 0): GridImage {
  if (margin <= 0) return image;
  const width = image.width + 2 * margin;
  const height = image.height + 2 * margin;
  const pixels = new Uint8Array(width * height).fill(value);
  for (let y = 0; y < image.height; y++) {
    pixels.set(
      image.pixels.subarray(y * image.width, (y + 1) * image.width),
      (y + margin) * width + margin,
    );
  }
  return { width, height, pixels };
}

/** Images of equal size side by side with `gap` black columns. */
export function hstackImages(images: readonly GridImage[], gap = 2): GridImage {
  const first = images[0];
  if (!first) throw new RangeError('nothing to lay out');
  const width = images.length * first.width + (images.length - 1) * gap;
  const pixels = new Uint8Array(width * first.height);
  images.forEach((img, k) => {
    for (let y = 0; y < first.height; y++) {
      pixels.set(
        img.pixels.subarray(y * img.width, (y + 1) * img.width),
        y * width + k * (first.width + gap),
      );
    }
  });
  return { width, height: first.height, pixels };
}

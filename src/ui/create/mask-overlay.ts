/** Draws the inpainting mask: over the image on the mask pad, or alone over the player's frames. */
import { IMAGE_PIXELS, IMAGE_SIZE } from '../../shared/protocol';

const RED: readonly [number, number, number] = [230, 40, 40];

/** The image (black when there is none) with the masked pixels tinted red. */
export function drawMasked(
  canvas: HTMLCanvasElement,
  image: Uint8Array | null,
  mask: Uint8Array,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const data = ctx.createImageData(IMAGE_SIZE, IMAGE_SIZE);
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    const v = image?.[i] ?? 0;
    const m = mask[i] === 1 ? 0.55 : 0;
    data.data[4 * i] = Math.round(v * (1 - m) + RED[0] * m);
    data.data[4 * i + 1] = Math.round(v * (1 - m) + RED[1] * m);
    data.data[4 * i + 2] = Math.round(v * (1 - m) + RED[2] * m);
    data.data[4 * i + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
}

/** Only the mask's border, transparent elsewhere, to lay over x_t and x̂0 without hiding them. */
export function drawMaskOutline(canvas: HTMLCanvasElement, mask: Uint8Array): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const data = ctx.createImageData(IMAGE_SIZE, IMAGE_SIZE);
  const at = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < IMAGE_SIZE && y < IMAGE_SIZE ? (mask[y * IMAGE_SIZE + x] ?? 0) : 0;
  for (let y = 0; y < IMAGE_SIZE; y++)
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const m = at(x, y);
      const edge =
        m === 1 &&
        (at(x - 1, y) === 0 || at(x + 1, y) === 0 || at(x, y - 1) === 0 || at(x, y + 1) === 0);
      const o = 4 * (y * IMAGE_SIZE + x);
      data.data[o] = RED[0];
      data.data[o + 1] = RED[1];
      data.data[o + 2] = RED[2];
      data.data[o + 3] = edge ? 230 : m === 1 ? 40 : 0;
    }
  ctx.putImageData(data, 0, 0);
}

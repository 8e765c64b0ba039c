import type { GrayFrame } from '../../shared/protocol';

/** Puts a grayscale frame into a canvas of the frame's own size (CSS upscales it). */
export function drawGray(canvas: HTMLCanvasElement, frame: GrayFrame): void {
  if (canvas.width !== frame.width) canvas.width = frame.width;
  if (canvas.height !== frame.height) canvas.height = frame.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return;
  const image = ctx.createImageData(frame.width, frame.height);
  const rgba = image.data;
  frame.pixels.forEach((v, i) => {
    rgba[4 * i] = v;
    rgba[4 * i + 1] = v;
    rgba[4 * i + 2] = v;
    rgba[4 * i + 3] = 255;
  });
  ctx.putImageData(image, 0, 0);
}

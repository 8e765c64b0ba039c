/**
 * PNG export of grayscale frames: nearest-neighbour upscaling (crisp pixels) into a canvas, then
 * the browser's own PNG encoder.
 */
import type { GrayFrame } from '../../shared/protocol';
import { downloadBlob } from './download';

export function upscale(frame: GrayFrame, scale: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = frame.width * scale;
  canvas.height = frame.height * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot create a 2D canvas for the PNG.');
  const image = ctx.createImageData(canvas.width, canvas.height);
  const rgba = image.data;
  for (let y = 0; y < canvas.height; y++) {
    const row = Math.floor(y / scale) * frame.width;
    for (let x = 0; x < canvas.width; x++) {
      const v = frame.pixels[row + Math.floor(x / scale)] ?? 0;
      const o = 4 * (y * canvas.width + x);
      rgba[o] = v;
      rgba[o + 1] = v;
      rgba[o + 2] = v;
      rgba[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

export function downloadPng(canvas: HTMLCanvasElement, fileName: string): Promise<void> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) {
        reject(new Error('The browser could not encode the PNG.'));
        return;
      }
      downloadBlob(blob, fileName);
      resolve();
    }, 'image/png');
  });
}

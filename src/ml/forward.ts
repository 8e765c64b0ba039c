/**
 * The forward (noising) process on one image: x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε.
 * Images live in model range [−1, 1]; pixels on screen are uint8 with 0 = black = −1.
 * Plain loops on purpose: one 28×28 image is 784 multiply-adds, far below one GPU dispatch.
 */
import { alphaBarAt, type Schedule } from './schedule';

export function pixelsToModel(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = ((pixels[i] ?? 0) / 255) * 2 - 1;
  return out;
}

/** Values outside [−1, 1] (common in ε and early x_t) saturate to black or white. */
export function modelToPixels(x: Float32Array, out = new Uint8Array(x.length)): Uint8Array {
  for (let i = 0; i < x.length; i++) {
    // Uint8Array wraps on overflow, so clamp before storing.
    out[i] = Math.min(255, Math.max(0, Math.round(((x[i] ?? 0) + 1) * 127.5)));
  }
  return out;
}

export function qSample(x0: Float32Array, eps: Float32Array, alphaBar: number): Float32Array {
  if (x0.length !== eps.length) throw new Error(`x0 has ${x0.length} values, ε has ${eps.length}`);
  const a = Math.sqrt(alphaBar);
  const b = Math.sqrt(1 - alphaBar);
  const out = new Float32Array(x0.length);
  for (let i = 0; i < x0.length; i++) out[i] = a * (x0[i] ?? 0) + b * (eps[i] ?? 0);
  return out;
}

export function qSampleAt(schedule: Schedule, t: number, x0: Float32Array, eps: Float32Array) {
  return qSample(x0, eps, alphaBarAt(schedule, t));
}

/** Images side by side with `gap` black columns between them, as one row-major grayscale strip. */
export function hstack(images: readonly Uint8Array[], size: number, gap: number): Uint8Array {
  const width = images.length * size + Math.max(0, images.length - 1) * gap;
  const out = new Uint8Array(width * size);
  images.forEach((img, k) => {
    const x0 = k * (size + gap);
    for (let y = 0; y < size; y++) out.set(img.subarray(y * size, (y + 1) * size), y * width + x0);
  });
  return out;
}

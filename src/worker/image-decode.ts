/**
 * Turns an uploaded image of any size into a 28×28 MNIST-like digit: light strokes on black,
 * aspect ratio kept, centred with a margin like MNIST's 20×20 box in 28×28. Runs in the worker
 * so a large photo never stalls the page.
 */
import { IMAGE_SIZE } from '../shared/protocol';

const BOX = 22;

export class ImageDecodeError extends Error {}

export async function decodeToDigit(file: Blob, name: string): Promise<Uint8Array> {
  if (file.size === 0) throw new ImageDecodeError(`“${name}” is empty.`);
  if (file.type && !file.type.startsWith('image/')) {
    throw new ImageDecodeError(
      `“${name}” is not an image (${file.type}). Choose a PNG, JPEG, GIF, WebP or BMP file.`,
    );
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new ImageDecodeError(
      `Could not read “${name}” as an image: the file is damaged or not in an image format.`,
    );
  }
  try {
    const canvas = new OffscreenCanvas(IMAGE_SIZE, IMAGE_SIZE);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new ImageDecodeError('This browser cannot draw images in a worker.');
    // Transparent areas become white paper, so dark-on-transparent drawings read correctly.
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, IMAGE_SIZE, IMAGE_SIZE);
    const scale = BOX / Math.max(bitmap.width, bitmap.height);
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const h = Math.max(1, Math.round(bitmap.height * scale));
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    // Letterbox with the image's own border colour guess (corner pixel) so it has no frame.
    ctx.drawImage(bitmap, 0, 0, 1, 1, 0, 0, IMAGE_SIZE, IMAGE_SIZE);
    ctx.drawImage(bitmap, (IMAGE_SIZE - w) / 2, (IMAGE_SIZE - h) / 2, w, h);
    return toDigit(ctx.getImageData(0, 0, IMAGE_SIZE, IMAGE_SIZE).data);
  } finally {
    bitmap.close();
  }
}

/** Luminance, inverted when the background is light (MNIST digits are white on black). */
export function toDigit(rgba: Uint8ClampedArray): Uint8Array {
  const n = rgba.length / 4;
  const gray = new Uint8Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v =
      0.299 * (rgba[4 * i] ?? 0) + 0.587 * (rgba[4 * i + 1] ?? 0) + 0.114 * (rgba[4 * i + 2] ?? 0);
    gray[i] = Math.round(v);
    sum += v;
  }
  if (sum / n > 127.5) for (let i = 0; i < n; i++) gray[i] = 255 - (gray[i] ?? 0);
  return gray;
}

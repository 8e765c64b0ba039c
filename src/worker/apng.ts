/** Animated PNG of grayscale frames, upscaled with crisp pixels, encoded by upng-js. */
import UPNG from 'upng-js';
import type { GrayFrame } from '../shared/protocol';

export function grayToRgba(frame: GrayFrame, scale: number): ArrayBuffer {
  const w = frame.width * scale;
  const h = frame.height * scale;
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const row = Math.floor(y / scale) * frame.width;
    for (let x = 0; x < w; x++) {
      const v = frame.pixels[row + Math.floor(x / scale)] ?? 0;
      const o = 4 * (y * w + x);
      rgba[o] = v;
      rgba[o + 1] = v;
      rgba[o + 2] = v;
      rgba[o + 3] = 255;
    }
  }
  return rgba.buffer;
}

export function encodeApng(
  frames: readonly GrayFrame[],
  scale: number,
  delayMs: number,
): Uint8Array {
  const first = frames[0];
  if (!first) throw new Error('There are no frames to animate yet.');
  if (frames.some((f) => f.width !== first.width || f.height !== first.height)) {
    throw new Error('All frames of an animation must have the same size.');
  }
  const buffers = frames.map((f) => grayToRgba(f, scale));
  // The last frame lingers so the finished digits can be seen before the loop restarts.
  const delays = frames.map((_, i) =>
    i === frames.length - 1 ? Math.max(delayMs, 1500) : delayMs,
  );
  const bytes = new Uint8Array(
    UPNG.encode(buffers, first.width * scale, first.height * scale, 0, delays),
  );
  // upng-js sizes its buffer from the raw frames and cuts the file short for tiny images.
  if (String.fromCharCode(...bytes.subarray(bytes.length - 8, bytes.length - 4)) !== 'IEND') {
    throw new Error('The animation is too small to encode; use a larger scale.');
  }
  return bytes;
}

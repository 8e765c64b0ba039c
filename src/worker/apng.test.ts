import UPNG from 'upng-js';
import { describe, expect, it } from 'vitest';
import { encodeApng } from './apng';

describe('encodeApng', () => {
  it('writes an animated PNG with every frame, upscaled', () => {
    // Real sizes: upng-js sizes its output buffer from the raw frames, too small for tiny images.
    const frames = [0, 128, 255].map((v) => ({
      width: 28,
      height: 14,
      pixels: new Uint8Array(28 * 14).map((_, i) => (i % 2 ? v : 255 - v)),
    }));
    const bytes = encodeApng(frames, 3, 100);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ]);
    const img = UPNG.decode(bytes.buffer as ArrayBuffer);
    expect([img.width, img.height]).toEqual([84, 42]);
    expect(img.frames).toHaveLength(3);
    expect(img.frames[2]!.delay).toBe(1500);
    // The animation-control chunk says 3 frames, looping forever.
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const chunks: string[] = [];
    let acTLFrames = -1;
    for (let at = 8; at < bytes.length;) {
      const len = view.getUint32(at);
      const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
      if (type === 'acTL') acTLFrames = view.getUint32(at + 8);
      chunks.push(type);
      at += 12 + len;
    }
    expect(acTLFrames).toBe(3);
    expect(chunks.filter((c) => c === 'fcTL')).toHaveLength(3);
    expect(chunks.at(-1)).toBe('IEND');
  });
  it('refuses an empty or ragged animation', () => {
    expect(() => encodeApng([], 1, 10)).toThrow(/no frames/);
    expect(() =>
      encodeApng(
        [
          { width: 1, height: 1, pixels: new Uint8Array(1) },
          { width: 2, height: 1, pixels: new Uint8Array(2) },
        ],
        1,
        10,
      ),
    ).toThrow(/same size/);
  });
});

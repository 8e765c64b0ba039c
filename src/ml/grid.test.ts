import { describe, expect, it } from 'vitest';
import { tileGrid } from './grid';

describe('tileGrid', () => {
  it('places images row-major with black gaps', () => {
    const imgs = new Float32Array([1, 1, 1, 1, -1, 1, 1, -1, 0, 0, 0, 0]);
    const g = tileGrid(imgs, 2, 2, 1);
    expect([g.width, g.height]).toEqual([5, 5]);
    expect(Array.from(g.pixels.subarray(0, 5))).toEqual([255, 255, 0, 0, 255]);
    expect(Array.from(g.pixels.subarray(15, 20))).toEqual([128, 128, 0, 0, 0]);
  });
});

import { describe, expect, it } from 'vitest';
import { cropTile, hstackImages, tileGrid, withMargin } from './grid';

describe('tileGrid', () => {
  it('places images row-major with black gaps', () => {
    const imgs = new Float32Array([1, 1, 1, 1, -1, 1, 1, -1, 0, 0, 0, 0]);
    const g = tileGrid(imgs, 2, 2, 1);
    expect([g.width, g.height]).toEqual([5, 5]);
    expect(Array.from(g.pixels.subarray(0, 5))).toEqual([255, 255, 0, 0, 255]);
    expect(Array.from(g.pixels.subarray(15, 20))).toEqual([128, 128, 0, 0, 0]);
  });
});

describe('grid helpers', () => {
  const grid = tileGrid(new Float32Array([1, 1, 1, 1, -1, -1, -1, -1, 0, 0, 0, 0]), 2, 2, 1);
  it('crops a tile back out of a grid', () => {
    expect(Array.from(cropTile(grid, 1, 2, 2, 1).pixels)).toEqual([0, 0, 0, 0]);
    expect(Array.from(cropTile(grid, 2, 2, 2, 1).pixels)).toEqual([128, 128, 128, 128]);
    expect(() => cropTile(grid, 4, 2, 2, 1)).toThrow(RangeError);
  });
  it('adds margins and stacks images', () => {
    const m = withMargin({ width: 1, height: 1, pixels: new Uint8Array([9]) }, 1, 255);
    expect([m.width, m.height, Array.from(m.pixels)]).toEqual([
      3,
      3,
      [255, 255, 255, 255, 9, 255, 255, 255, 255],
    ]);
    const s = hstackImages([m, m], 2);
    expect([s.width, s.height]).toEqual([8, 3]);
    expect(Array.from(s.pixels.subarray(0, 8))).toEqual([255, 255, 255, 0, 0, 255, 255, 255]);
  });
});

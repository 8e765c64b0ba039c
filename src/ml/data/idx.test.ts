import { describe, expect, it } from 'vitest';
import { buildImageSet, fitToDigit } from './image-set';
import { idxImages, maybeGunzip, parseIdx } from './idx';

/** An IDX file of unsigned bytes with these dimensions and data. */
function idx(dims: number[], data: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, 8, dims.length]);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

describe('parseIdx', () => {
  it('reads dimensions and data', () => {
    const a = parseIdx(idx([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'x');
    expect(a.dims).toEqual([2, 2, 3]);
    expect(Array.from(a.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('names what is wrong with a corrupt header', () => {
    expect(() => parseIdx(new Uint8Array([0, 0]), 'a.idx')).toThrow(
      '“a.idx” is not a valid IDX file: it is shorter than the 4-byte header.',
    );
    expect(() => parseIdx(new Uint8Array([137, 80, 78, 71, 13, 10]), 'b.png')).toThrow(
      'its first two bytes must be 0 (the IDX magic number)',
    );
    expect(() => parseIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 0]), 'f')).toThrow(
      'its data type is 0xd, only unsigned bytes (0x08) are read',
    );
    expect(() => parseIdx(idx([3], [1, 2]), 'short')).toThrow(
      'its header says 3 = 3 bytes of data but it holds 2',
    );
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0]), 'cut')).toThrow(
      'its header is cut short',
    );
  });

  it('reads gzip-compressed files', async () => {
    const raw = idx([1], [5]);
    const gz = new Uint8Array(
      await new Response(
        new Blob([raw as BlobPart]).stream().pipeThrough(new CompressionStream('gzip')),
      ).arrayBuffer(),
    );
    expect(Array.from(await maybeGunzip(gz, 'x.gz'))).toEqual(Array.from(raw));
  });
});

describe('idxImages', () => {
  const images = (n: number, side = 28) =>
    parseIdx(
      idx(
        [n, side, side],
        Array.from({ length: n * side * side }, (_, i) => i % 256),
      ),
      'img',
    );

  it('refuses mismatched image and label counts', () => {
    expect(() => idxImages(images(3), 'img', parseIdx(idx([2], [1, 2]), 'lab'), 'lab')).toThrow(
      '“img” has 3 images but “lab” has 2 labels: they must match.',
    );
  });

  it('refuses labels given as images and an empty file', () => {
    expect(() => idxImages(parseIdx(idx([2], [1, 2]), 'l'), 'l', null, '')).toThrow(
      '“l” holds labels, not images (n × rows × cols).',
    );
    expect(() => idxImages(parseIdx(idx([0, 28, 28], []), 'e'), 'e', null, '')).toThrow(
      '“e” has no images.',
    );
  });

  it('scales other sizes to 28×28 by area averaging', () => {
    // 56×56 of 2×2 blocks: each block's mean is one output pixel.
    const side = 56;
    const data = Array.from({ length: side * side }, (_, i) => ((i % side) % 2 === 0 ? 100 : 200));
    const r = idxImages(parseIdx(idx([1, side, side], data), 'big'), 'big', null, '');
    expect(r.note).toBe('IDX images scaled from 56×56 to 28×28 by area averaging.');
    expect(new Set(r.pixels)).toEqual(new Set([150]));
  });
});

describe('buildImageSet', () => {
  it('numbers classes in natural order and groups indices by class', () => {
    const names = ['10', '2', 'cat', '2', null];
    const s = buildImageSet(new Uint8Array(5 * 784), names, 'set');
    expect(s.classNames).toEqual(['2', '10', 'cat', 'unlabelled']);
    expect(Array.from(s.set.labels)).toEqual([1, 0, 2, 0, 3]);
    expect(s.set.byClass.slice(0, 4)).toEqual([[1, 3], [0], [2], [4]]);
  });

  it('puts unlabelled images in one class and refuses 0 images or more than 10 labels', () => {
    expect(buildImageSet(new Uint8Array(784), [null], 's').classNames).toEqual(['all']);
    expect(() => buildImageSet(new Uint8Array(0), [], '“x.zip”')).toThrow('“x.zip” has no images.');
    const many = Array.from({ length: 11 }, (_, i) => `c${i}`);
    expect(() => buildImageSet(new Uint8Array(11 * 784), many, 'z')).toThrow(
      'z has 11 labels (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10); the model knows at most 10 classes.',
    );
  });

  it('says the limit for more than 100,000 images', () => {
    const names = new Array<null>(100_001).fill(null);
    expect(() => buildImageSet(new Uint8Array(0), names, 'big')).toThrow(
      'big has 100,001 images; the limit is 100,000',
    );
  });
});

describe('fitToDigit', () => {
  it('fits an image into 22×22, centred, keeping its shape, light strokes on black', () => {
    // 44×22 RGBA, black on white paper: inverted, scaled by ½ to 22×11, centred.
    const w = 44;
    const h = 22;
    const rgba = new Uint8Array(w * h * 4).fill(255);
    const out = fitToDigit(rgba, w, h);
    expect(out.length).toBe(784);
    const lit = (x: number, y: number) => out[y * 28 + x];
    expect(lit(14, 14)).toBe(0); // the white paper became black
    // A black stroke along source row 11 becomes a white line: rows 10–11 average into row 5
    // of the 22×11 image, placed from row 8 and column 3 of the 28×28.
    for (let x = 0; x < w; x++) rgba.set([0, 0, 0, 255], (11 * w + x) * 4);
    const line = fitToDigit(rgba, w, h);
    const row = Array.from(line.subarray(13 * 28, 14 * 28));
    expect(row.slice(3, 25).every((v) => v > 100)).toBe(true);
    expect(row[2]).toBe(0);
    expect(row[25]).toBe(0);
  });
});

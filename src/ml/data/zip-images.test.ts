import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { zipImages } from './zip-images';

const b = (n: number) => new Uint8Array([n]);

describe('zipImages', () => {
  it('labels images by sub-folder, inside a wrapping folder, and skips other files', () => {
    const zip = zipSync({
      'shapes/circles/1.png': b(1),
      'shapes/circles/2.PNG': b(2),
      'shapes/squares/a.jpg': b(3),
      'shapes/readme.txt': b(4),
      'shapes/.DS_Store': b(5),
      '__MACOSX/shapes/._a.jpg': b(6),
    });
    const r = zipImages(zip, 'shapes.zip');
    expect(r.images.map((i) => [i.path, i.label, i.mime])).toEqual([
      ['shapes/circles/1.png', 'circles', 'image/png'],
      ['shapes/circles/2.PNG', 'circles', 'image/png'],
      ['shapes/squares/a.jpg', 'squares', 'image/jpeg'],
    ]);
    expect(r.skipped).toBe(1);
  });

  it('leaves images at the top unlabelled', () => {
    const r = zipImages(zipSync({ 'a.png': b(1), 'b.webp': b(2) }), 'flat.zip');
    expect(r.images.map((i) => i.label)).toEqual([null, null]);
  });

  it('says when a file is not a zip', () => {
    expect(() => zipImages(new Uint8Array([1, 2, 3, 4]), 'x.zip')).toThrow(
      '“x.zip” could not be opened as a zip file',
    );
  });
});

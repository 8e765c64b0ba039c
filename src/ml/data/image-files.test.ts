import { describe, expect, it } from 'vitest';
import { checkImageFiles, labelledImages } from './image-files';
import { MAX_IMAGES } from './image-set';

const files = (...paths: string[]) => paths.map((path, i) => ({ path, data: i }));

describe('labelledImages', () => {
  it('labels a chosen folder’s images by sub-folder, as a browser lists them', () => {
    // webkitRelativePath starts with the chosen folder's own name.
    const r = labelledImages(
      files(
        'shapes/squares/10.png',
        'shapes/squares/9.bmp',
        'shapes/circles/a.JPEG',
        'shapes/notes.txt',
        'shapes/circles/.hidden.png',
        'shapes/.DS_Store',
      ),
    );
    expect(r.images.map((i) => [i.path, i.label, i.mime, i.data])).toEqual([
      ['shapes/circles/a.JPEG', 'circles', 'image/jpeg', 2],
      ['shapes/squares/9.bmp', 'squares', 'image/bmp', 1],
      ['shapes/squares/10.png', 'squares', 'image/png', 0],
    ]);
    expect(r.skipped).toBe(1);
  });

  it('leaves the images of a folder without sub-folders unlabelled, and deeper ones by their first folder', () => {
    expect(labelledImages(files('flat/a.png', 'flat/b.gif')).images.map((i) => i.label)).toEqual([
      null,
      null,
    ]);
    const r = labelledImages(files('set/cats/young/1.png', 'set/dogs/2.webp', 'set/3.png'));
    expect(r.images.map((i) => i.label)).toEqual([null, 'cats', 'dogs']);
  });

  it('refuses a list without images, saying what else it had, and one over the limit', () => {
    expect(() => checkImageFiles(labelledImages(files('d/a.txt', 'd/b.csv')), '“d”')).toThrow(
      '“d” has no images (PNG, JPEG, GIF, WebP or BMP); its 2 other files were skipped.',
    );
    expect(() => checkImageFiles(labelledImages([]), '“e”')).toThrow('“e” has no images');
    const many = {
      images: Array.from({ length: MAX_IMAGES + 1 }, () => null as never),
      skipped: 0,
    };
    expect(() => checkImageFiles(many, '“f”')).toThrow(
      '“f” has 100,001 images; the limit is 100,000',
    );
  });
});
